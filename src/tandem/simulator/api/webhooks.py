"""Platform v3 webhook operations for Connect apps: the failed deliveries an app can list."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ..errors import forbidden
from ..webhooks import Failure
from .deps import SITE_PREFIX, ActorDep, SimulatorDep, SiteDep, integer, ok

router = APIRouter(prefix=SITE_PREFIX + "/rest/api/3")

DEFAULT_MAX_RESULTS = 100


@router.get("/webhook/failed")
async def get_failed_webhooks(
    request: Request, simulator: SimulatorDep, site: SiteDep, actor: ActorDep
) -> JSONResponse:
    """The calling app's deliveries whose retries ran out, oldest first, a page at a time.

    ``after`` (or ``failedAfter``, the name the spec's ``next`` example uses) is a failure time
    in epoch milliseconds; a page longer than ``maxResults`` keeps every failure sharing the last
    one's time, and ``next`` is present when the page has any.
    """
    if actor.installation is None:
        raise forbidden("Only Connect apps can use this operation.")
    after = integer(request, "after" if "after" in request.query_params else "failedAfter", -1)
    max_results = max(1, integer(request, "maxResults", DEFAULT_MAX_RESULTS))
    failures = simulator.dispatcher.failed(site.name, actor.installation.key, after=after)
    page = _page(failures, max_results)
    body: dict[str, object] = {"values": [f.listed() for f in page], "maxResults": max_results}
    if page:
        body["next"] = site.url(
            f"/rest/api/3/webhook/failed?after={page[-1].failure_time}&maxResults={max_results}"
        )
    return ok(body)


def _page(failures: list[Failure], max_results: int) -> list[Failure]:
    page = failures[:max_results]
    if len(page) == max_results:
        last = page[-1].failure_time
        page += [f for f in failures[max_results:] if f.failure_time == last]
    return page
