"""Enhanced JQL search, GET and POST."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .. import search
from ..errors import bad_request
from .deps import SITE_PREFIX, ActorDep, SiteDep, integer, json_body, ok, values

router = APIRouter(prefix=SITE_PREFIX + "/rest/api/3/search/jql")


@router.get("")
async def search_get(request: Request, site: SiteDep, actor: ActorDep) -> JSONResponse:
    query = search.SearchRequest(
        jql=request.query_params.get("jql", ""),
        next_page_token=request.query_params.get("nextPageToken") or None,
        max_results=integer(request, "maxResults", search.DEFAULT_MAX_RESULTS),
        fields=values(request, "fields"),
        expand=values(request, "expand"),
        properties=values(request, "properties"),
        reconcile_issues=values(request, "reconcileIssues"),
    )
    return ok(search.search(site, actor.user, query))


@router.post("")
async def search_post(request: Request, site: SiteDep, actor: ActorDep) -> JSONResponse:
    body = await json_body(request)
    if not isinstance(body, dict):
        raise bad_request("Can not deserialize instance of SearchAndReconcileRequestBean")
    query = search.SearchRequest(
        jql=str(body.get("jql") or ""),
        next_page_token=body.get("nextPageToken") or None,
        max_results=int(body.get("maxResults") or search.DEFAULT_MAX_RESULTS),
        fields=_strings(body.get("fields")),
        expand=_strings(body.get("expand")),
        properties=_strings(body.get("properties")),
        reconcile_issues=_strings(body.get("reconcileIssues")),
    )
    return ok(search.search(site, actor.user, query))


def _strings(raw: Any) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        return [part.strip() for part in raw.split(",") if part.strip()]
    if isinstance(raw, list):
        return [str(item) for item in raw]
    raise bad_request("Expected a list of strings.")
