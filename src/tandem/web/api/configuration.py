"""A synchronization's configuration: the draft (with an ETag), the published version,
publishing, and what both projects offer."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Response
from fastapi.responses import JSONResponse

from tandem.sync.config.schemas import FieldMapping, PublishOut, SyncConfig
from tandem.sync.errors import DraftChanged, SyncError
from tandem.usecases import configuration as usecase
from tandem.web.deps import CallerDep, ServicesDep, SyncDep

router = APIRouter()


def _etag(revision: int) -> str:
    return f'"{revision}"'


def _if_match(header: str | None) -> int | None:
    """The draft revision an ``If-Match`` header names (``"7"``, ``W/"7"``), or None."""
    if header is None:
        return None
    tag = header.strip().removeprefix("W/").strip('"')
    if not tag.isdigit():
        raise SyncError('If-Match must be the ETag of the draft (its revision, e.g. "7")', 400)
    return int(tag)


@router.get("/synchronizations/{sync_id}/draft")
async def get_draft(sync: SyncDep, services: ServicesDep, response: Response) -> SyncConfig:
    """The draft; its ETag is its revision, to send back as If-Match when replacing it."""
    draft, revision = await usecase.read_draft(db=services.database, sync=sync)
    response.headers["ETag"] = _etag(revision)
    return draft


@router.put("/synchronizations/{sync_id}/draft")
async def replace_draft(
    config: SyncConfig,
    sync: SyncDep,
    caller: CallerDep,
    services: ServicesDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> SyncConfig:
    """Replace the draft; with If-Match, only if it is still that revision (412 otherwise)."""
    try:
        revision = await usecase.replace_draft(
            db=services.database,
            sync=sync,
            caller=caller,
            config=config,
            expected_revision=_if_match(if_match),
        )
    except DraftChanged as exc:
        exc.status = 412  # an If-Match that no longer holds: HTTP's own answer
        raise
    response.headers["ETag"] = _etag(revision)
    return config


@router.get("/synchronizations/{sync_id}/published")
async def get_published(sync: SyncDep, services: ServicesDep) -> SyncConfig | None:
    return await usecase.read_published(db=services.database, sync=sync)


@router.post("/synchronizations/{sync_id}/publish", response_model=PublishOut)
async def publish(sync: SyncDep, caller: CallerDep, services: ServicesDep) -> Any:
    result = await usecase.publish(
        db=services.database, jira=services.clients, sync=sync, caller=caller
    )
    if not result.published:
        return JSONResponse(result.model_dump(mode="json"), status_code=422)
    return result


@router.get("/synchronizations/{sync_id}/metadata")
async def project_metadata(
    sync: SyncDep, caller: CallerDep, services: ServicesDep
) -> dict[str, Any]:
    """Both projects once the request is accepted; before that only the caller's own."""
    meta = await usecase.visible_metadata(jira=services.clients, sync=sync, caller=caller)
    return {side.value: found.model_dump(mode="json") for side, found in meta.items()}


@router.get("/synchronizations/{sync_id}/suggestions")
async def suggestions(sync: SyncDep, services: ServicesDep) -> list[FieldMapping]:
    return await usecase.suggestions(jira=services.clients, sync=sync)
