"""The application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from tandem.connect.auth import AuthError
from tandem.jira.errors import JiraError
from tandem.services import Services
from tandem.settings import Settings
from tandem.sync.errors import SyncError
from tandem.web.api import router as api_router
from tandem.web.health import router as health_router
from tandem.web.lifecycle import router as lifecycle_router
from tandem.web.limits import BodyLimit, BodyTooLarge
from tandem.web.metrics import router as metrics_router
from tandem.web.pages.ui import router as ui_router
from tandem.web.webhooks import router as webhooks_router

STATIC_DIR = Path(__file__).parent / "web" / "static"


def _validation_reason(exc: RequestValidationError) -> str:
    problems = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        problems.append(f"{where}: {error.get('msg')}" if where else str(error.get("msg")))
    return "invalid request: " + "; ".join(problems)


async def _auth_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AuthError)
    return JSONResponse({"error": exc.reason}, status_code=exc.status)


async def _sync_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SyncError)
    return JSONResponse({"error": exc.reason}, status_code=exc.status)


async def _jira_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, JiraError)
    return JSONResponse({"error": f"Jira answered: {exc}"}, status_code=502)


async def _body_too_large(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BodyTooLarge)
    return JSONResponse({"error": exc.reason}, status_code=exc.status_code)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"error": _validation_reason(exc)}, status_code=400)


def create_app(settings: Settings | None = None) -> FastAPI:
    """A Tandem app; its services are built when it starts and closed when it stops."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = Services.build(settings)
        app.state.services = services
        if settings.run_worker:
            services.start_worker()
        try:
            yield
        finally:
            await services.aclose()

    app = FastAPI(title="Tandem", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.add_exception_handler(AuthError, _auth_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(SyncError, _sync_error)
    app.add_exception_handler(JiraError, _jira_error)
    app.add_exception_handler(BodyTooLarge, _body_too_large)
    app.add_middleware(
        BodyLimit,
        max_body_bytes=settings.max_body_bytes,
        max_webhook_bytes=settings.max_webhook_bytes,
    )
    app.include_router(health_router)
    app.include_router(metrics_router)
    app.include_router(lifecycle_router)
    app.include_router(ui_router)
    app.include_router(webhooks_router)
    app.include_router(api_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
