"""Issue comments: add, page through, read, edit, delete (with their entity properties)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from tandem.jira import adf
from tandem.jira.decoding import parse
from tandem.jira.endpoints.base import Endpoints, property_list, query_params
from tandem.jira.schemas import SD_PUBLIC_COMMENT, Comment, CommentPage

COMMENTS = "/rest/api/3/issue/{issueIdOrKey}/comment"
COMMENT = "/rest/api/3/issue/{issueIdOrKey}/comment/{id}"


class CommentEndpoints(Endpoints):
    async def add_comment(
        self,
        issue: str,
        body: Any,
        *,
        internal: bool | None = None,
        properties: Mapping[str, Any] | None = None,
        idempotent: bool = False,
    ) -> Comment:
        """Add a comment (an ADF document; a string is read as wiki markup).

        ``internal`` sets the ``sd.public.comment`` property that makes a JSM comment internal.
        """
        payload: dict[str, Any] = {"body": adf.ensure_doc(body)}
        if merged := _comment_properties(properties, internal):
            payload["properties"] = property_list(merged)
        path = {"issueIdOrKey": issue}
        response = await self.transport.write(
            issue, "POST", COMMENTS, path, json=payload, idempotent=idempotent
        )
        return parse(Comment, response)

    async def comment_page(
        self, issue: str, *, start_at: int = 0, max_results: int = 50, properties: bool = True
    ) -> CommentPage:
        params = query_params(
            startAt=start_at,
            maxResults=max_results,
            orderBy="created",
            expand="properties" if properties else None,
        )
        path = {"issueIdOrKey": issue}
        return await self.transport.model(CommentPage, "GET", COMMENTS, path, params)

    async def iter_comments(
        self, issue: str, *, page_size: int = 50, properties: bool = True
    ) -> AsyncIterator[Comment]:
        """Every comment of ``issue``, oldest first, with their properties."""
        start = 0
        while True:
            page = await self.comment_page(
                issue, start_at=start, max_results=page_size, properties=properties
            )
            for comment in page.comments:
                yield comment
            start += len(page.comments)
            if not page.comments or start >= page.total:
                return

    async def get_comment(self, issue: str, comment_id: str, *, properties: bool = True) -> Comment:
        path = {"issueIdOrKey": issue, "id": comment_id}
        params = query_params(expand="properties" if properties else None)
        return await self.transport.model(Comment, "GET", COMMENT, path, params=params)

    async def update_comment(
        self,
        issue: str,
        comment_id: str,
        body: Any,
        *,
        internal: bool | None = None,
        properties: Mapping[str, Any] | None = None,
        notify_users: bool | None = None,
    ) -> Comment:
        payload: dict[str, Any] = {"body": adf.ensure_doc(body)}
        if merged := _comment_properties(properties, internal):
            payload["properties"] = property_list(merged)
        path = {"issueIdOrKey": issue, "id": comment_id}
        params = query_params(notifyUsers=notify_users)
        response = await self.transport.write(
            issue, "PUT", COMMENT, path, params=params, json=payload
        )
        return parse(Comment, response)

    async def delete_comment(self, issue: str, comment_id: str) -> None:
        path = {"issueIdOrKey": issue, "id": comment_id}
        await self.transport.write(issue, "DELETE", COMMENT, path)


def _comment_properties(
    properties: Mapping[str, Any] | None, internal: bool | None
) -> dict[str, Any]:
    merged = dict(properties or {})
    if internal is not None:
        merged[SD_PUBLIC_COMMENT] = {"internal": internal}
    return merged
