"""Admin pages answer errors with a page that says what happened, never a bare JSON body."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from tandem.connect.auth import AuthError
from tandem.jira.errors import JiraError
from tandem.sync.errors import SyncError
from tandem.web.pages.page import NotProjectAdmin, Page, SessionExpired
from tandem.web.pages.render import render, render_plain, sentence

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def error_page(request: Request, exc: Exception) -> Response | None:
    """The page for a known failure, or None to let the app's handlers answer."""
    if isinstance(exc, NotProjectAdmin):
        return _page(request, 403, "You need to administer this project", _admin_text(exc))
    if isinstance(exc, SessionExpired):
        return _page(request, 401, "Your session has ended", _session_text(exc.reason))
    if isinstance(exc, SyncError):
        return _page(request, exc.status, "This cannot be done", sentence(exc.reason))
    if isinstance(exc, JiraError):
        return _page(request, 502, "Jira could not answer", f"Jira answered: {exc}")
    if isinstance(exc, AuthError) and wants_html(request):
        return _page(request, exc.status, "This page could not be verified", sentence(exc.reason))
    return None


def _admin_text(exc: NotProjectAdmin) -> str:
    return (
        f"Only administrators of project {exc.project_key} can set up issue synchronization. "
        "Ask a Jira administrator to give you the Administer Projects permission."
    )


def _session_text(reason: str) -> str:
    return f"{sentence(reason)} Open Issue Synchronization again from the project settings."


def _page(request: Request, status: int, title: str, message: str) -> Response:
    context = {"title": title, "message": message}
    page = getattr(request.state, "page", None)
    if isinstance(page, Page):
        return render(page, "error.html", context, status=status)
    return render_plain(request, "error.html", context, status=status)


class PageRoute(APIRoute):
    """A route whose failures (also in its dependencies) render as an error page."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:
                page = error_page(request, exc)
                if page is None:
                    raise
                return page

        return handle
