"""Enhanced JQL search (``/rest/api/3/search/jql``): a lagging index, ``nextPageToken`` pages."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from . import jql, represent
from .errors import JiraError, bad_request
from .jql_eval import Evaluator
from .models import Issue, PropertyExtraction, User
from .permissions import has
from .site import Site

DEFAULT_MAX_RESULTS = 50
MAX_RESULTS_WITH_FIELDS = 100
MAX_RESULTS_IDS_ONLY = 5000
UNBOUNDED = (
    "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
)


@dataclass
class SearchRequest:
    jql: str = ""
    next_page_token: str | None = None
    max_results: int = DEFAULT_MAX_RESULTS
    fields: list[str] = field(default_factory=list)
    expand: list[str] = field(default_factory=list)
    properties: list[str] = field(default_factory=list)
    reconcile_issues: list[str] = field(default_factory=list)


def extractions(site: Site) -> list[PropertyExtraction]:
    """Indexed issue properties, as declared by installed apps (``jiraEntityProperties``)."""
    return [
        extraction
        for installation in site.state.installations.values()
        if installation.enabled
        for extraction in installation.extractions
    ]


def search(site: Site, viewer: User, request: SearchRequest) -> dict[str, Any]:
    query = jql.parse(request.jql)
    if query.where is None:
        raise bad_request(UNBOUNDED)
    predicate = Evaluator(site, viewer, extractions(site)).predicate(query)
    seen = site.index.view(
        site.state.issues, site.faults.search_lag_seconds, request.reconcile_issues
    )
    matches = [i for i in seen if _browsable(site, viewer, i) and predicate(i)]
    matches = _ordered(site, matches, query.order_by)
    selection = represent.FieldSelection.parse(request.fields, "id")
    offset = _offset(request)
    limit = _page_size(site, request, selection)
    page = matches[offset : offset + limit]
    body: dict[str, Any] = {
        "issues": [
            represent.issue(
                site,
                issue,
                viewer=viewer,
                selection=selection,
                expand=request.expand,
                properties=request.properties,
            )
            for issue in page
        ],
        "isLast": offset + len(page) >= len(matches),
    }
    if not body["isLast"]:
        body["nextPageToken"] = _token(request.jql, offset + len(page))
    return body


def _browsable(site: Site, viewer: User, issue: Issue) -> bool:
    project = site.project(issue.project_id)
    return project is not None and has(site, project, viewer, "BROWSE_PROJECTS")


def _page_size(site: Site, request: SearchRequest, selection: represent.FieldSelection) -> int:
    ceiling = MAX_RESULTS_IDS_ONLY if not selection.ids(site) else MAX_RESULTS_WITH_FIELDS
    return max(0, min(request.max_results, ceiling))


def _ordered(site: Site, issues: list[Issue], order_by: list[tuple[str, bool]]) -> list[Issue]:
    ordered = sorted(issues, key=lambda i: i.created, reverse=True)
    for name, descending in reversed(order_by):
        ordered = sorted(ordered, key=_sort_key(site, name), reverse=descending)
    return ordered


def _sort_key(site: Site, name: str) -> Any:
    lowered = name.lower()
    if lowered in ("updated", "created"):
        return lambda issue: getattr(issue, lowered)
    if lowered in ("key", "issuekey", "id"):
        return lambda issue: (issue.key.split("-")[0], int(issue.key.split("-")[1]))
    if lowered in ("summary", "status", "priority", "duedate", "resolutiondate"):
        return lambda issue: str(issue.fields.get(lowered) or "")
    raise JiraError(400, [f"Not able to sort using field '{name}'."])


def _token(jql_text: str, offset: int) -> str:
    raw = json.dumps({"o": offset, "q": _fingerprint(jql_text)}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _offset(request: SearchRequest) -> int:
    if not request.next_page_token:
        return 0
    try:
        padded = request.next_page_token + "=" * (-len(request.next_page_token) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded))
        if decoded["q"] != _fingerprint(request.jql):
            raise ValueError("the token belongs to another query")
        return int(decoded["o"])
    except (ValueError, KeyError, TypeError):
        raise bad_request("The provided next page token is invalid or expired.") from None


def _fingerprint(jql_text: str) -> str:
    return hashlib.sha256(jql_text.encode()).hexdigest()[:16]
