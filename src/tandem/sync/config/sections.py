"""The sections of a synchronization's configuration: one table.

Each section is a key of the configuration document (``SyncConfig``), in the document's
order. The admin pages key their tabs, forms and draft changes by it (``tandem.web.pages.tabs``),
and the publish report names the sections a publication changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from tandem.sync.config.schemas import SyncConfig


@dataclass(frozen=True)
class Section:
    name: str  # its key in the configuration document
    title: str  # how the change report names it
    listed: bool  # a list of items, each added and removed on its own (else one set of settings)


ISSUE_TYPES = Section("issue_types", "issue types", listed=True)
DEFAULTS = Section("defaults", "defaults", listed=True)
FIELDS = Section("fields", "fields", listed=True)
STATUSES = Section("statuses", "statuses", listed=True)
COMMENTS = Section("comments", "comments", listed=False)

SECTIONS: tuple[Section, ...] = (ISSUE_TYPES, DEFAULTS, FIELDS, STATUSES, COMMENTS)
BY_NAME: dict[str, Section] = {s.name: s for s in SECTIONS}


def listed(name: str) -> Section | None:
    """The list section called ``name``, if there is one."""
    found = BY_NAME.get(name)
    return found if found is not None and found.listed else None


def describe_changes(before: SyncConfig | None, after: SyncConfig) -> list[str]:
    """What publishing ``after`` changes, section by section, for people to read."""
    old = (before or SyncConfig()).model_dump(mode="json")
    new = after.model_dump(mode="json")
    return [s.title for s in SECTIONS if _canonical(old[s.name]) != _canonical(new[s.name])]


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True)
