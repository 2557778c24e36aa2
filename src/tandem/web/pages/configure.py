"""The configuration pages: tabs over the draft, and the forms that add to it.

Every page reads both projects from Jira (issue types, fields, request types) and checks the
draft against them, so that a problem shows next to the item it is about.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from tandem.sync.config import metadata, sections
from tandem.sync.config.metadata import ProjectMeta
from tandem.sync.config.schemas import Direction, FieldMapping, Problem, SyncConfig, SyncOut
from tandem.sync.errors import SyncError
from tandem.sync.models import Side, Synchronization
from tandem.usecases import configuration, synchronizations
from tandem.web.pages.configforms import DIRECTION_LABELS, item_id
from tandem.web.pages.errors import PageRoute
from tandem.web.pages.listing import STATE_LABELS
from tandem.web.pages.page import Page, PageDep
from tandem.web.pages.render import render
from tandem.web.pages.tabs import FIRST, TABS, slug, tab_of

router = APIRouter(route_class=PageRoute)


@dataclass(frozen=True)
class Configuring:
    """A synchronization being configured: its draft, both projects, what is wrong."""

    sync: Synchronization
    described: SyncOut
    meta: dict[Side, ProjectMeta]
    draft: SyncConfig
    published: SyncConfig | None
    problems: list[Problem]
    revision: int  # of the draft read, carried by every form that changes it

    def project(self, side: Side | str) -> ProjectMeta:
        return self.meta[Side(side)]

    def problems_at(self, path: str) -> list[str]:
        """Messages about ``path`` or anything inside it (``issue_types.0`` covers
        ``issue_types.0.first``)."""
        return [p.message for p in self.problems if p.path == path or p.path.startswith(path + ".")]

    @property
    def unpublished(self) -> bool:
        return self.published != self.draft

    def suggestions(self) -> list[FieldMapping]:
        mapped = {(m.first.id, m.second.id) for m in self.draft.fields}
        found = metadata.suggestions(self.meta[Side.FIRST], self.meta[Side.SECOND])
        return [s for s in found if (s.first.id, s.second.id) not in mapped]


async def configuring(page: Page, sync_id: int) -> Configuring:
    """Everything the configuration pages show; only accepted synchronizations have one."""
    sync = await page.sync(sync_id)
    if sync.state.value in ("requested", "rejected"):
        raise SyncError("the request must be accepted before the synchronization is configured")
    described = await synchronizations.describe(db=page.db, sync=sync, caller=page.caller)
    meta = await configuration.project_metadata(jira=page.jira, sync=sync)
    draft, revision = await configuration.read_draft(db=page.db, sync=sync)
    published = await configuration.read_published(db=page.db, sync=sync)
    problems = metadata.validate(draft, meta[Side.FIRST], meta[Side.SECOND])
    return Configuring(sync, described, meta, draft, published, problems, revision)


def render_config(
    page: Page,
    config: Configuring,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
) -> HTMLResponse:
    values = {
        "config": config,
        "sync": config.described,
        "first": config.meta[Side.FIRST],
        "second": config.meta[Side.SECOND],
        "tabs": TABS,
        "directions": DIRECTION_LABELS,
        "state_labels": STATE_LABELS,
        "tab_of": tab_of,
        "item_id": item_id,
        "values": {},
        "errors": {},
        **(context or {}),
    }
    return render(page, template, values, status=status)


def tab_name(tab: str) -> str:
    """``tab`` if there is a tab of that name (a 404 if not)."""
    if tab not in TABS:
        raise SyncError(f"there is no configuration tab {tab!r}", 404)
    return tab


@router.get("/ui/syncs/{sync_id:int}/configure", response_class=HTMLResponse)
async def configure(sync_id: int, page: PageDep, tab: str = FIRST.slug) -> HTMLResponse:
    config = await configuring(page, sync_id)
    return render_config(page, config, "configure.html", {"tab": tab_name(tab)})


@router.get("/ui/syncs/{sync_id:int}/configure/issue-types/new", response_class=HTMLResponse)
async def new_issue_type_mapping(sync_id: int, page: PageDep, direction: str = "") -> HTMLResponse:
    """Step 1 chooses the direction; step 2 the source issue types and the target type."""
    config = await configuring(page, sync_id)
    way = Direction(direction) if direction in set(Direction) else None
    return issue_type_form(page, config, way, {}, {})


def issue_type_form(
    page: Page,
    config: Configuring,
    way: Direction | None,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    source = Side.SECOND if way is Direction.SECOND_TO_FIRST else Side.FIRST
    context = {
        "tab": slug(sections.ISSUE_TYPES),
        "way": way,
        "source": config.meta[source],
        "target": config.meta[source.other],
        "values": values,
        "errors": errors,
    }
    return render_config(page, config, "issue_type_new.html", context, status=status)


@router.get("/ui/syncs/{sync_id:int}/configure/defaults/new", response_class=HTMLResponse)
async def new_default(
    sync_id: int, page: PageDep, side: str = "second", field: str = ""
) -> HTMLResponse:
    """Step 1 chooses the field; step 2 its value for all issue types, or per issue type."""
    config = await configuring(page, sync_id)
    return default_form(page, config, Side(side) if side in set(Side) else Side.SECOND, field)


def default_form(
    page: Page,
    config: Configuring,
    side: Side,
    field_id: str,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    project = config.meta[side]
    info = project.field(field_id) if field_id else None
    context = {
        "tab": slug(sections.DEFAULTS),
        "side": side,
        "project": project,
        "info": info,
        "is_request_type": info is not None and info.id == project.request_type_field,
        "values": values if values is not None else {"all_types": "1"},
        "errors": errors or ({"field": "Choose a field."} if field_id and info is None else {}),
    }
    return render_config(page, config, "default_new.html", context, status=status)


@router.get("/ui/syncs/{sync_id:int}/configure/fields/suggestions", response_class=HTMLResponse)
async def field_suggestions(sync_id: int, page: PageDep) -> HTMLResponse:
    config = await configuring(page, sync_id)
    return suggestions_form(page, config, {}, {})


def suggestions_form(
    page: Page,
    config: Configuring,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    context = {
        "tab": slug(sections.FIELDS),
        "suggestions": config.suggestions(),
        "values": values,
        "errors": errors,
    }
    return render_config(page, config, "suggestions.html", context, status=status)
