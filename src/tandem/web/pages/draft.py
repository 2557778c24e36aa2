"""Form posts that change the draft; a form with a mistake comes back with what was typed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from tandem.sync.config import sections
from tandem.sync.config.metadata import ProjectMeta
from tandem.sync.config.schemas import SyncConfig
from tandem.sync.config.sections import Section
from tandem.sync.models import Side
from tandem.usecases import configuration
from tandem.web.pages import configforms as forms
from tandem.web.pages.configforms import FormError
from tandem.web.pages.configure import (
    Configuring,
    configuring,
    default_form,
    issue_type_form,
    render_config,
    suggestions_form,
    tab_name,
)
from tandem.web.pages.errors import PageRoute
from tandem.web.pages.page import FormPageDep, Page
from tandem.web.pages.render import redirect
from tandem.web.pages.tabs import FIRST, TABS, slug

router = APIRouter(route_class=PageRoute)
PREFIX = "/ui/syncs/{sync_id:int}/draft"


async def save(
    page: Page, config: Configuring, new: SyncConfig, tab: str, notice: str = "saved"
) -> Response:
    """Store the changed draft if it is still the revision the page was loaded with."""
    await configuration.replace_draft(
        db=page.db,
        sync=config.sync,
        caller=page.caller,
        config=new,
        expected_revision=config.revision,
    )
    return redirect(page, f"/ui/syncs/{config.sync.id}/configure", tab=tab, notice=notice)


async def editing(page: Page, sync_id: int) -> Configuring:
    """The draft a form changes, if it is still the revision the form's page showed; a form
    from an older page is refused before it is even read against the current draft."""
    config = await configuring(page, sync_id)
    form = await page.request.form()
    posted = text(form, "revision")
    if not posted.isdigit() or int(posted) != config.revision:
        raise await configuration.draft_changed(db=page.db, sync=config.sync)
    return config


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def texts(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str) and v]


def values_of(form: FormData) -> dict[str, object]:
    """What was typed, to fill the form in again."""
    found: dict[str, object] = {key: text(form, key) for key in form if key != "s"}
    for many in ("source", "suggestions"):
        found[many] = texts(form, many)
    return found


async def add_issue_type_mapping(sync_id: int, page: FormPageDep) -> Response:
    config = await editing(page, sync_id)
    form = await page.request.form()
    try:
        way = forms.direction(text(form, "direction"))
    except FormError as exc:
        return issue_type_form(page, config, None, values_of(form), exc.errors, 400)
    try:
        mapping = forms.issue_type_mapping(
            way, texts(form, "source"), text(form, "target"), *_metas(config)
        )
        new = forms.add_issue_type_mapping(config.draft, mapping)
    except FormError as exc:
        return issue_type_form(page, config, way, values_of(form), exc.errors, 400)
    return await save(page, config, new, slug(sections.ISSUE_TYPES))


async def add_defaults(sync_id: int, page: FormPageDep) -> Response:
    config = await editing(page, sync_id)
    form = await page.request.form()
    side = Side(text(form, "side")) if text(form, "side") in set(Side) else Side.SECOND
    project = config.meta[side]
    info = project.field(text(form, "field"))
    if info is None:
        return default_form(page, config, side, "", values_of(form), {"field": "Choose a field."})
    if text(form, "all_types"):
        typed: dict[str | None, str] = {None: text(form, "value")}
    else:
        typed = {t.id: text(form, f"value-{t.id}") for t in project.issue_types}
    try:
        new = forms.add_defaults(config.draft, forms.default_values(project, side, info, typed))
    except FormError as exc:
        return default_form(page, config, side, info.id, values_of(form), exc.errors, 400)
    return await save(page, config, new, slug(sections.DEFAULTS))


@router.post(PREFIX + "/suggestions", response_class=HTMLResponse)
async def add_suggestions(sync_id: int, page: FormPageDep) -> Response:
    config = await editing(page, sync_id)
    form = await page.request.form()
    try:
        way = forms.direction(text(form, "direction"))
        chosen = forms.chosen_suggestions(config.suggestions(), texts(form, "suggestions"), way)
    except FormError as exc:
        return suggestions_form(page, config, values_of(form), exc.errors, 400)
    new = forms.add_field_mappings(config.draft, chosen)
    return await save(page, config, new, slug(sections.FIELDS))


async def add_field_mapping(sync_id: int, page: FormPageDep) -> Response:
    config = await editing(page, sync_id)
    form = await page.request.form()
    try:
        way = forms.direction(text(form, "direction"))
        mapping = forms.field_mapping(
            way, text(form, "first_field"), text(form, "second_field"), *_metas(config)
        )
    except FormError as exc:
        return _tab(page, config, slug(sections.FIELDS), form, exc)
    new = forms.add_field_mappings(config.draft, [mapping])
    return await save(page, config, new, slug(sections.FIELDS))


async def save_comments(sync_id: int, page: FormPageDep) -> Response:
    config = await editing(page, sync_id)
    form = await page.request.form()
    try:
        rules = {
            key: forms.comment_rule(
                bool(text(form, f"{key}_enabled")),
                text(form, f"{key}_create_as"),
                text(form, f"{key}_source_filter"),
            )
            for key in ("first_to_second", "second_to_first")
        }
    except FormError as exc:
        return _tab(page, config, slug(sections.COMMENTS), form, exc)
    comments = config.draft.comments.model_copy(
        update={
            "enabled": bool(text(form, "enabled")),
            "enriched": bool(text(form, "enriched")),
            **rules,
        }
    )
    new = config.draft.model_copy(update={"comments": comments})
    return await save(page, config, new, slug(sections.COMMENTS))


async def add_status_mapping(sync_id: int, page: FormPageDep) -> Response:
    config = await editing(page, sync_id)
    form = await page.request.form()
    try:
        mapping = forms.status_mapping(
            forms.direction(text(form, "direction")),
            text(form, "first_status"),
            text(form, "second_status"),
            *_metas(config),
        )
    except FormError as exc:
        return _tab(page, config, slug(sections.STATUSES), form, exc)
    new = config.draft.model_copy(update={"statuses": [*config.draft.statuses, mapping]})
    return await save(page, config, new, slug(sections.STATUSES))


@router.post(PREFIX + "/remove", response_class=HTMLResponse)
async def remove(sync_id: int, page: FormPageDep) -> Response:
    config = await editing(page, sync_id)
    form = await page.request.form()
    tab = text(form, "tab") or FIRST.slug
    try:
        new = forms.remove(config.draft, text(form, "section"), text(form, "item"))
    except FormError as exc:
        return _tab(page, config, tab, form, exc)
    return await save(page, config, new, tab, notice="removed")


def _metas(config: Configuring) -> tuple[ProjectMeta, ProjectMeta]:
    return config.meta[Side.FIRST], config.meta[Side.SECOND]


def _tab(page: Page, config: Configuring, tab: str, form: FormData, exc: FormError) -> HTMLResponse:
    context = {"tab": tab_name(tab), "values": values_of(form), "errors": exc.errors}
    return render_config(page, config, "configure.html", context, status=400)


# The form each section's tab posts, at the tab's own path (``/draft/issue-types``...).
SAVES: dict[Section, Callable[[int, Page], Awaitable[Response]]] = {
    sections.ISSUE_TYPES: add_issue_type_mapping,
    sections.DEFAULTS: add_defaults,
    sections.FIELDS: add_field_mapping,
    sections.STATUSES: add_status_mapping,
    sections.COMMENTS: save_comments,
}


def _post_each_tab() -> None:
    for tab in TABS.values():
        path, post = f"{PREFIX}/{tab.slug}", SAVES[tab.section]
        router.add_api_route(path, post, methods=["POST"], response_class=HTMLResponse)


_post_each_tab()
