"""Who is asking for an admin page: the session token, checked on every request.

A page load from Jira is verified with its JWT; Tandem then mints its own short-lived session
token and passes it on every link (``s`` query parameter) and form (hidden ``s`` field), never in
a cookie, so no other site can make the browser send it. Whether the user administers the project
is asked of Jira on each request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, Request

from tandem.connect.auth import AuthError
from tandem.connect.session import Session
from tandem.jira.pool import ClientPool
from tandem.services import Services
from tandem.store.db import Database
from tandem.sync.models import Synchronization
from tandem.tenants.models import Tenant
from tandem.usecases.caller import Caller, visible_sync
from tandem.web.deps import ServicesDep, caller_from_session

TOKEN_PARAM = "s"


class SessionExpired(Exception):
    """The session token is missing, invalid or expired: the page must be opened from Jira."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotProjectAdmin(Exception):
    """Jira says the user does not administer the project."""

    def __init__(self, project_key: str) -> None:
        super().__init__(project_key)
        self.project_key = project_key


@dataclass(frozen=True)
class Page:
    """A verified request of a project admin, with a fresh session token to pass on."""

    request: Request
    services: Services
    caller: Caller
    token: str

    @property
    def db(self) -> Database:
        return self.services.database

    @property
    def jira(self) -> ClientPool[Tenant]:
        return self.services.clients

    @property
    def root(self) -> str:
        return urlsplit(self.services.settings.base_url).path.rstrip("/")

    @property
    def site_url(self) -> str:
        return self.caller.tenant.display_url or self.caller.tenant.base_url

    def url(self, path: str, **params: object) -> str:
        """A link to another page of the admin UI, carrying the session token."""
        query = {k: str(v) for k, v in params.items() if v is not None and v != ""}
        query[TOKEN_PARAM] = self.token
        return f"{self.root}{path}?{urlencode(query)}"

    def action(self, path: str) -> str:
        """A form's target; the token goes in the form's hidden field, not the URL."""
        return f"{self.root}{path}"

    async def sync(self, sync_id: int) -> Synchronization:
        """A synchronization of this project (either side), or a 404."""
        return await visible_sync(db=self.db, caller=self.caller, sync_id=sync_id)


def session_of(caller: Caller) -> Session:
    return Session(
        client_key=caller.tenant.client_key,
        account_id=caller.account_id,
        project_id=caller.project_id,
        project_key=caller.project_key,
    )


async def open_page(request: Request, services: Services, caller: Caller) -> Page:
    """The page of ``caller``, if Jira says they administer the project."""
    admin = await services.is_project_admin(caller.tenant, caller.account_id, caller.project_id)
    if not admin:
        raise NotProjectAdmin(caller.project_key)
    token = services.sessions.mint(session_of(caller))
    page = Page(request=request, services=services, caller=caller, token=token)
    request.state.page = page  # error pages keep the navigation of a verified admin
    return page


async def _caller(services: Services, token: str | None) -> Caller:
    if not token:
        raise SessionExpired("this page needs a session: open it from the project's settings")
    try:
        return await caller_from_session(services, token)
    except AuthError as exc:
        raise SessionExpired(exc.reason) from exc


async def get_page(request: Request, services: ServicesDep) -> Page:
    """For pages that only show: the token comes in the ``s`` query parameter."""
    caller = await _caller(services, request.query_params.get(TOKEN_PARAM))
    return await open_page(request, services, caller)


async def get_form_page(request: Request, services: ServicesDep) -> Page:
    """For form posts that change something: the token must be in the posted form."""
    form = await request.form()
    token = form.get(TOKEN_PARAM)
    caller = await _caller(services, token if isinstance(token, str) else None)
    return await open_page(request, services, caller)


PageDep = Annotated[Page, Depends(get_page)]
FormPageDep = Annotated[Page, Depends(get_form_page)]
