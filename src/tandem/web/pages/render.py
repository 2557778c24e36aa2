"""Rendering admin pages: templates, the headers every page carries, redirects and notices."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from tandem.web.pages.page import Page

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
# Pages carry the session token in their links: keep it out of Referer headers and caches.
HEADERS = {
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}
# What a redirect after a successful form post tells the user; `n` fills in a number.
NOTICES = {
    "requested": "Request sent. It waits for an administrator of the other project to accept it.",
    "accepted": "Request accepted. Configure the synchronization, publish it, then start it.",
    "rejected": "Request rejected.",
    "started": "The synchronization is running.",
    "paused": "The synchronization is paused: nothing is synchronized until it is started again.",
    "deleted": "The synchronization was deleted.",
    "saved": "Draft saved.",
    "removed": "Removed from the draft.",
    "published": "Draft published as revision {n}.",
    "retried": "{n} failed event(s) queued again.",
    "run": "Synchronizing existing issues: progress is shown below.",
}


def when(value: datetime | str | None) -> str:
    """A moment as people read it, in UTC; an em dash for never."""
    if value is None or value == "":
        return "\u2014"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.strftime("%Y-%m-%d %H:%M UTC")


class Named(Protocol):
    id: str
    name: str


def choices(items: Iterable[Named]) -> list[tuple[str, str]]:
    """(value, text) pairs for a select of Jira things: issue types, fields, request types."""
    return [(item.id, item.name or item.id) for item in items]


def sentence(text: str) -> str:
    """A message from the domain (``issues created as ...``) as a sentence on a page."""
    text = text.strip()
    if not text:
        return text
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


TEMPLATES.env.filters["when"] = when
TEMPLATES.env.filters["sentence"] = sentence
TEMPLATES.env.globals["choices"] = choices


def all_js_url(base_url: str) -> str:
    return f"{base_url}/atlassian-connect/all.js"


def render(
    page: Page, name: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """A full page for a verified admin."""
    tenant = page.caller.tenant
    values = {
        "page": page,
        "static_url": f"{page.root}/static",
        "all_js_url": all_js_url(tenant.base_url),
        "notice": notice(page.request),
        **(context or {}),
    }
    return TEMPLATES.TemplateResponse(
        page.request, name, values, status_code=status, headers=HEADERS
    )


def render_plain(
    request: Request, name: str, context: dict[str, Any], *, status: int = 200
) -> HTMLResponse:
    """A page without the admin's navigation: errors, and the page Jira loads first."""
    root = urlsplit(str(request.app.state.services.settings.base_url)).path.rstrip("/")
    values = {"page": None, "static_url": f"{root}/static", "all_js_url": None, **context}
    return TEMPLATES.TemplateResponse(request, name, values, status_code=status, headers=HEADERS)


def redirect(page: Page, path: str, **params: object) -> RedirectResponse:
    """After a successful post: see the result on a page that can be reloaded safely."""
    return RedirectResponse(page.url(path, **params), status_code=303, headers=HEADERS)


def notice(request: Request) -> str | None:
    template = NOTICES.get(request.query_params.get("notice", ""))
    if template is None:
        return None
    count = request.query_params.get("n", "")
    return template.format(n=int(count) if count.isdigit() else "")
