"""The configuration tabs are keyed by the section table: one tab, one template and one form
post for each section."""

from __future__ import annotations

from pathlib import Path

from fastapi.routing import APIRoute

from tandem.sync.config import sections
from tandem.web.pages import draft, tabs

TEMPLATES = Path(tabs.__file__).parent / "templates"


def test_every_section_has_one_tab_with_its_template() -> None:
    assert sorted(t.section.name for t in tabs.TABS.values()) == sorted(sections.BY_NAME)
    for tab in tabs.TABS.values():
        assert (TEMPLATES / tab.template).is_file(), tab.template


def test_every_tab_saves_through_the_draft_route_of_its_slug() -> None:
    posts = {
        route.path.removeprefix(draft.PREFIX + "/")
        for route in draft.router.routes
        if isinstance(route, APIRoute) and "POST" in route.methods
    }
    assert set(tabs.TABS) <= posts
    assert set(draft.SAVES) == set(sections.SECTIONS)


def test_a_problem_is_shown_on_the_tab_of_its_section() -> None:
    assert tabs.tab_of("defaults.2.value") == "defaults"
    assert tabs.tab_of("issue_types.0.first") == "issue-types"
    assert tabs.tab_of("comments") == "comments"
    assert tabs.tab_of("somewhere.else") == "issue-types"
