"""JQL search, one page or every page (``nextPageToken``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from tandem.jira.decoding import parse
from tandem.jira.endpoints.base import Endpoints
from tandem.jira.schemas import Issue, SearchPage

SEARCH_JQL = "/rest/api/3/search/jql"


class SearchEndpoints(Endpoints):
    async def search_page(
        self,
        jql: str,
        *,
        fields: Sequence[str] = ("id",),
        properties: Sequence[str] = (),
        expand: Sequence[str] = (),
        max_results: int = 100,
        next_page_token: str | None = None,
        reconcile_issues: Sequence[str] = (),
    ) -> SearchPage:
        """One page; ``reconcile_issues`` (ids, 50 at most) are read fresh, not as indexed."""
        body: dict[str, Any] = {"jql": jql, "fields": list(fields), "maxResults": max_results}
        if properties:
            body["properties"] = list(properties)
        if reconcile_issues:
            body["reconcileIssues"] = [int(issue_id) for issue_id in reconcile_issues]
        if expand:
            body["expand"] = ",".join(expand)
        if next_page_token:
            body["nextPageToken"] = next_page_token
        response = await self.transport.call("POST", SEARCH_JQL, json=body, idempotent=True)
        return parse(SearchPage, response)

    async def search(
        self,
        jql: str,
        *,
        fields: Sequence[str] = ("id",),
        properties: Sequence[str] = (),
        expand: Sequence[str] = (),
        page_size: int = 100,
        reconcile_issues: Sequence[str] = (),
    ) -> AsyncIterator[Issue]:
        """Every issue matching ``jql``, following ``nextPageToken``."""
        token: str | None = None
        while True:
            page = await self.search_page(
                jql,
                fields=fields,
                properties=properties,
                expand=expand,
                max_results=page_size,
                next_page_token=token,
                reconcile_issues=reconcile_issues,
            )
            for issue in page.issues:
                yield issue
            token = page.next_page_token
            if not token or page.is_last:
                return
