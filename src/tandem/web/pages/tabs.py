"""The configuration tabs: one for each section of the configuration, in the order the pages
show them (``tandem.sync.config.sections`` holds the sections themselves)."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.sync.config import sections
from tandem.sync.config.sections import Section


@dataclass(frozen=True)
class Tab:
    section: Section
    slug: str  # in the page's address (``?tab=``) and the path its form posts to
    label: str

    @property
    def template(self) -> str:
        return f"tab_{self.section.name}.html"


TABS: dict[str, Tab] = {
    t.slug: t
    for t in (
        Tab(sections.ISSUE_TYPES, "issue-types", "Issue Type Mappings"),
        Tab(sections.DEFAULTS, "defaults", "Fields - Default Values"),
        Tab(sections.FIELDS, "fields", "Field Mappings"),
        Tab(sections.COMMENTS, "comments", "Comments"),
        Tab(sections.STATUSES, "statuses", "Status Mapping"),
    )
}
BY_SECTION: dict[str, Tab] = {t.section.name: t for t in TABS.values()}
FIRST = next(iter(TABS.values()))


def slug(section: Section) -> str:
    return BY_SECTION[section.name].slug


def tab_of(path: str) -> str:
    """The tab where the item a problem is about (``defaults.2.value``) is edited."""
    found = BY_SECTION.get(path.split(".", 1)[0], FIRST)
    return found.slug
