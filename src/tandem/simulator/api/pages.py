"""Human pages: a site home, project and issue pages, and the Jira shell that frames app pages.

Pages need no login: ``?as=<accountId or email>`` picks whose view is shown.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from .. import adf
from ..clock import friendly
from ..errors import not_found
from ..models import Installation, Issue, Project, User
from ..permissions import is_agent
from ..site import Site
from ..tokens import shared_secret_token
from .deps import SITE_PREFIX, SiteDep

router = APIRouter(prefix=SITE_PREFIX)
PAGE_MODULES = ("jiraProjectAdminTabPanels", "jiraProjectPages", "generalPages", "adminPages")


@cache
def _templates() -> Environment:
    return Environment(
        loader=PackageLoader("tandem.simulator", "templates"),
        autoescape=select_autoescape(["html"]),
    )


def _render(name: str, **context: Any) -> HTMLResponse:
    return HTMLResponse(_templates().get_template(name).render(**context))


def viewer(request: Request, site: Site) -> User:
    wanted = request.query_params.get("as")
    user = site.user_by_reference(wanted) if wanted else None
    if user is None:
        people = [u for u in site.state.users if u.account_type != "app"]
        user = next((u for u in people if u.site_admin), people[0] if people else None)
    if user is None:
        raise not_found("This site has no users.")
    return user


def switcher(request: Request, site: Site) -> list[dict[str, Any]]:
    params = {k: v for k, v in request.query_params.items() if k != "as"}
    return [
        {
            "name": u.display_name,
            "type": u.account_type,
            "href": f"{request.url.path}?{urlencode({**params, 'as': u.account_id})}",
        }
        for u in site.state.users
        if u.account_type != "app"
    ]


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, site: SiteDep) -> HTMLResponse:
    return _render(
        "home.html", site=site, viewer=viewer(request, site), users=switcher(request, site)
    )


@router.get("/browse/{key}", response_class=HTMLResponse)
async def browse(key: str, request: Request, site: SiteDep) -> HTMLResponse:
    user = viewer(request, site)
    project = site.project(key)
    if project is not None:
        return _render(
            "project.html",
            site=site,
            project=project,
            viewer=user,
            users=switcher(request, site),
            issues=_project_issues(site, project),
        )
    issue = site.issue(key)
    if issue is None:
        raise not_found(f"Issue '{key}' does not exist.")
    return _render(
        "issue.html",
        site=site,
        issue=issue,
        viewer=user,
        users=switcher(request, site),
        view=_issue_view(site, issue, user),
    )


def _project_issues(site: Site, project: Project) -> list[dict[str, Any]]:
    found = [i for i in site.state.issues.values() if i.project_id == project.id]
    return [_issue_row(site, i) for i in sorted(found, key=lambda i: int(i.id), reverse=True)]


def _issue_row(site: Site, issue: Issue) -> dict[str, Any]:
    kind = site.issue_type(issue.issue_type_id)
    status = site.status(issue.fields.get("status"))
    return {
        "key": issue.key,
        "summary": issue.fields.get("summary", ""),
        "type": kind.name if kind else "",
        "status": status.name if status else "",
        "updated": friendly(issue.updated),
        "comments": len(issue.comments),
    }


def _issue_view(site: Site, issue: Issue, user: User) -> dict[str, Any]:
    agent = is_agent(site, site.project_of(issue), user)
    found = site.request_type(issue.fields.get("customfield_10010"))
    reporter = site.user(issue.fields.get("reporter"))
    return {
        **_issue_row(site, issue),
        "description": adf.to_html(issue.fields.get("description")),
        "reporter": reporter.display_name if reporter else "",
        "labels": issue.fields.get("labels") or [],
        "request_type": found[1].name if found else None,
        "properties": sorted(issue.properties),
        "comments": [
            {
                "author": (a.display_name if (a := site.user(c.author_id)) else c.author_id),
                "created": friendly(c.created),
                "internal": c.internal,
                "body": adf.to_html(c.body),
            }
            for c in issue.comments
            if agent or not c.internal
        ],
    }


@router.get("/plugins/servlet/ac/{appKey}/{moduleKey}", response_class=HTMLResponse)
async def shell(appKey: str, moduleKey: str, request: Request, site: SiteDep) -> HTMLResponse:
    installation = site.installation(appKey)
    if installation is None or not installation.enabled:
        raise not_found(f"No enabled app with key '{appKey}'.")
    module = _module(installation, moduleKey)
    user = viewer(request, site)
    project = site.project(
        request.query_params.get("project.key") or request.query_params.get("project.id")
    )
    src = frame_url(site, installation, moduleKey, str(module.get("url", "/")), project, user)
    title = (module.get("name") or {}).get("value", moduleKey)
    return _render(
        "shell.html",
        site=site,
        viewer=user,
        users=switcher(request, site),
        src=src,
        title=title,
        project=project,
        app=installation,
    )


def _module(installation: Installation, module_key: str) -> dict[str, Any]:
    modules = installation.descriptor.get("modules") or {}
    for kind in PAGE_MODULES:
        for module in modules.get(kind) or []:
            if module.get("key") == module_key:
                return dict(module)
    raise not_found(f"The app '{installation.key}' has no page module '{module_key}'.")


def frame_url(
    site: Site,
    installation: Installation,
    module_key: str,
    template: str,
    project: Project | None,
    user: User,
) -> str:
    """The iframe URL with the standard context parameters and a page-load ``jwt``."""
    url = installation.base_url + "/" + _substitute(template, project).lstrip("/")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(site.base_url))
    context = {
        "xdm_e": origin,
        "xdm_c": f"channel-{installation.key}__{module_key}",
        "cp": site.base_path,
        "xdm_deprecated_addon_key_do_not_use": installation.key,
        "lic": "none",
        "cv": "1001.0.0-SNAPSHOT",
    }
    url += ("&" if "?" in url else "?") + urlencode(context)
    token = shared_secret_token(
        installation.shared_secret,
        client_key=installation.client_key,
        app_base_url=installation.base_url,
        method="GET",
        url=url,
        extra={"sub": user.account_id, "context": {}},
    )
    return f"{url}&jwt={token}"


def _substitute(template: str, project: Project | None) -> str:
    values = {
        "project.key": project.key if project else "",
        "project.id": project.id if project else "",
    }
    for name, value in values.items():
        template = template.replace("${" + name + "}", value).replace("{" + name + "}", value)
    return template
