"""The simulator's ASGI app: every site under ``/sites/{name}``, one port."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from .api import (
    attachments,
    catalog,
    comments,
    control,
    createmeta,
    issue_parts,
    issues,
    keys,
    links,
    meta,
    pages,
    project_parts,
    properties,
    search,
    servicedesk,
    servicedesk_requests,
    webhooks,
    worklogs,
)
from .api.versions import ApiVersions
from .errors import JiraError
from .simulator import Simulator
from .traffic import Traffic


def create_app(
    simulator: Simulator,
    *,
    public_url: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """The app serving ``simulator``; ``public_url`` is its root as clients see it.

    ``transport`` carries the simulator's own calls to apps (descriptor, lifecycle, webhooks).
    """
    if public_url:
        simulator.public_url = public_url.rstrip("/")
    if transport is not None:
        simulator.transport = transport
        simulator.dispatcher.transport = transport

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        simulator.dispatcher.start()
        yield
        await simulator.dispatcher.stop()

    app = FastAPI(
        title="Jira Cloud simulator",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.simulator = simulator
    routers = [
        m.router
        for m in (
            createmeta,  # before issues: see createmeta's docstring
            issue_parts,
            issues,
            comments,
            properties,
            search,
            meta,
            catalog,
            links,
            project_parts,
            worklogs,
            attachments,
            servicedesk,
            servicedesk_requests,
            webhooks,
            control,
            keys,
            pages,
        )
    ]
    for router in routers:
        app.include_router(router)
    app.add_exception_handler(JiraError, _jira_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_middleware(Traffic, simulator=simulator, routes=[r for x in routers for r in x.routes])
    app.add_middleware(ApiVersions, simulator=simulator)  # outermost: Traffic sees v3 paths
    return app


def _body(request: Request, error: JiraError) -> dict[str, object]:
    if "/rest/servicedeskapi/" in request.url.path:
        return error.servicedesk_body()
    return error.platform_body()


async def _jira_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, JiraError)
    return JSONResponse(_body(request, error), status_code=error.status, headers=error.headers)


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    messages = [str(e.get("msg")) for e in error.errors()]
    return await _jira_error(request, JiraError(400, messages))


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    message = "Not found" if error.status_code == 404 else str(error.detail)
    return await _jira_error(request, JiraError(error.status_code, [message]))
