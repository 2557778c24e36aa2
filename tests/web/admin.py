"""An admin using Tandem's pages over HTTP, the way the browser in Jira's iframe does: the page
load signed by Jira (a page-load JWT with the viewer as subject), then the session token on every
link and form."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from tandem.connect.descriptor import ADMIN_PAGE_PATH
from tests.support.connect import JiraSite
from tests.support.e2e import Stack

FormData = Mapping[str, str | list[str]]
CONTINUE_LINK = re.compile(r'<a href="([^"]+)" data-continue>')
DRAFT_POST = re.compile(r"^/ui/syncs/(\d+)/draft/")
REVISION_FIELD = re.compile(r'<input type="hidden" name="revision" value="(\d+)">')


def token_of(url: str) -> str:
    return parse_qs(urlsplit(html.unescape(url)).query)["s"][0]


@dataclass
class Admin:
    """One user's pages on one project; ``token`` is the session token the pages carry."""

    http: httpx.AsyncClient
    token: str
    project_key: str

    async def get(self, path: str, **params: str) -> httpx.Response:
        query = urlencode({**params, "s": self.token})
        return await self.http.get(f"{path}?{query}")

    async def post(self, path: str, data: FormData | None = None) -> httpx.Response:
        """A form post; a change of the draft carries the revision its page showed, as the
        configuration pages' forms do (unless the test sends one of its own)."""
        form = dict(data or {})
        match = DRAFT_POST.match(path)
        if match and "revision" not in form:
            form["revision"] = await self.revision(int(match.group(1)))
        return await self.http.post(path, data={**form, "s": self.token})

    async def revision(self, sync_id: int) -> str:
        """The draft revision the configuration page carries in its forms."""
        page = await self.get(f"/ui/syncs/{sync_id}/configure", tab="comments")
        found = REVISION_FIELD.search(page.text)
        assert found is not None, page.text
        return found.group(1)

    async def follow(self, response: httpx.Response) -> httpx.Response:
        """The page a form post redirected to."""
        assert response.status_code == 303, response.text
        return await self.http.get(response.headers["location"])


async def control(stack: Stack, path: str) -> Any:
    async with httpx.AsyncClient(base_url=stack.sim_url) as http:
        response = await http.get(path)
        response.raise_for_status()
        return response.json()


async def site_installation(stack: Stack, site: str) -> JiraSite:
    """The site as Jira signs requests to Tandem: its clientKey and the shared secret."""
    installation = (await control(stack, f"/sites/{site}/_sim/installations"))["installations"][0]
    return JiraSite(
        app_base_url=stack.tandem_url,
        base_url=installation["baseUrl"],
        client_key=installation["clientKey"],
        shared_secret=installation["sharedSecret"],
    )


async def person(stack: Stack, site: str, email: str) -> dict[str, Any]:
    users = (await control(stack, f"/sites/{site}/_sim/users"))["users"]
    return dict(next(u for u in users if u["emailAddress"] == email))


async def project_id(base_url: str, user: dict[str, Any], key: str) -> str:
    """The project's id, as Jira puts it in the page URL."""
    auth = (user["emailAddress"], user["apiToken"])
    async with httpx.AsyncClient(base_url=base_url, auth=auth) as http:
        response = await http.get(f"/rest/api/3/project/{key}")
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def page_load_path(project_key: str, project_id: str) -> str:
    return f"{ADMIN_PAGE_PATH}?projectKey={project_key}&projectId={project_id}"


async def open_admin(stack: Stack, site: str, project_key: str, email: str) -> Admin:
    """Load the project's Issue Synchronization page as ``email``, signed like Jira does."""
    jira_site = await site_installation(stack, site)
    user = await person(stack, site, email)
    path = page_load_path(project_key, await project_id(jira_site.base_url, user, project_key))
    jwt = jira_site.request_token("GET", path, subject=user["accountId"])
    http = httpx.AsyncClient(base_url=stack.tandem_url, timeout=30)
    stack.clients.append(http)
    response = await http.get(f"{path}&jwt={jwt}", headers={"Accept": "text/html"})
    assert response.status_code == 200, response.text
    found = CONTINUE_LINK.search(response.text)
    assert found is not None, response.text
    return Admin(http=http, token=token_of(found.group(1)), project_key=project_key)


async def remove_buttons(admin: Admin, sync_id: int, tab: str) -> list[dict[str, str]]:
    """The hidden fields of each Remove button on a configuration tab, in row order."""
    from tests.web.dom import main

    page = main((await admin.get(f"/ui/syncs/{sync_id}/configure", tab=tab)).text)
    buttons = []
    for form in page.find_all("form", class_="inline-form"):
        if not form.find("button").text().startswith("Remove"):
            continue
        fields = {i.attrs["name"]: i.attrs.get("value") or "" for i in form.find_all("input")}
        fields.pop("s", None)
        buttons.append(fields)
    return buttons
