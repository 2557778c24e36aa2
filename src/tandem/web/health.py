"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from tandem.store import migrate
from tandem.web.deps import ServicesDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", response_model=None)
async def readyz(services: ServicesDep) -> dict[str, Any] | JSONResponse:
    """The database answers and its schema is at the newest migration."""
    head = migrate.head_revision(services.settings.database_url)
    try:
        async with services.database.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            current = await connection.run_sync(migrate.current_revision)
    except SQLAlchemyError as exc:
        reason = f"database unreachable: {type(exc).__name__}"
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
    if current != head:
        reason = f"database at migration {current}, expected {head}: run `tandem db upgrade`"
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
    return {"status": "ok", "migration": current}
