"""The configuration document of a synchronization (draft and published), and API shapes."""

from __future__ import annotations

import enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tandem.sync.models import Side

SCHEMA_VERSION: Literal[1] = 1


class Direction(enum.StrEnum):
    FIRST_TO_SECOND = "first_to_second"
    SECOND_TO_FIRST = "second_to_first"
    BOTH = "both"

    def allows(self, source: Side) -> bool:
        """Whether changes made on ``source`` flow to the other side."""
        if self is Direction.BOTH:
            return True
        return (self is Direction.FIRST_TO_SECOND) == (source is Side.FIRST)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Ref(Strict):
    """Something in Jira by its id, with its name for people to read."""

    id: str = Field(min_length=1)
    name: str = ""

    def __str__(self) -> str:
        return self.name or self.id


class IssueTypeMapping(Strict):
    """Issue types of one side that become an issue type of the other.

    Changes flow in ``direction``; an issue of any listed type on the source side becomes an
    issue of the first listed type on the target side.
    """

    direction: Direction
    first: list[Ref] = Field(min_length=1)
    second: list[Ref] = Field(min_length=1)

    def types(self, side: Side) -> list[Ref]:
        return self.first if side is Side.FIRST else self.second

    def target_for(self, source: Side, issue_type_id: str) -> Ref | None:
        if not self.direction.allows(source):
            return None
        if any(ref.id == issue_type_id for ref in self.types(source)):
            return self.types(source.other)[0]
        return None


class DefaultValue(Strict):
    """A value set on issues Tandem creates on ``side`` (of ``issue_type``, or of any type)."""

    side: Side
    field: Ref
    issue_type: Ref | None = None
    value: Any
    display: str = ""


class Pairing(Strict):
    """One thing of the first project paired with one of the second, flowing in ``direction``."""

    direction: Direction
    first: Ref
    second: Ref

    def on(self, side: Side) -> Ref:
        return self.first if side is Side.FIRST else self.second


class FieldMapping(Pairing):
    def field(self, side: Side) -> Ref:
        return self.on(side)


class StatusMapping(Pairing):
    def status(self, side: Side) -> Ref:
        return self.on(side)


class CommentRule(Strict):
    """How comments made on one side reach the other."""

    enabled: bool = True
    # When the target is a service desk project: create the copy as a public or internal comment.
    create_as: Literal["public", "internal"] = "public"
    # When the source is a service desk project: sync public comments only, or all of them.
    source_filter: Literal["public_only", "all"] = "public_only"


class CommentSettings(Strict):
    enabled: bool = False
    enriched: bool = True
    first_to_second: CommentRule = CommentRule()
    second_to_first: CommentRule = CommentRule()

    def rule(self, source: Side) -> CommentRule:
        return self.first_to_second if source is Side.FIRST else self.second_to_first


class SyncConfig(Strict):
    """Everything the engine needs to know to synchronize two projects."""

    schema_version: Literal[1] = SCHEMA_VERSION
    issue_types: list[IssueTypeMapping] = []
    defaults: list[DefaultValue] = []
    fields: list[FieldMapping] = []
    statuses: list[StatusMapping] = []
    comments: CommentSettings = CommentSettings()

    @model_validator(mode="after")
    def _each_source_type_mapped_once(self) -> SyncConfig:
        for source in Side:
            seen: dict[str, int] = {}
            for index, mapping in enumerate(self.issue_types):
                if not mapping.direction.allows(source):
                    continue
                for ref in mapping.types(source):
                    if ref.id in seen and seen[ref.id] != index:
                        raise ValueError(
                            f"issue type {ref} of the {source.value} project is mapped twice"
                        )
                    seen[ref.id] = index
        return self

    def target_issue_type(self, source: Side, issue_type_id: str) -> Ref | None:
        """The issue type an issue of ``issue_type_id`` on ``source`` becomes, if mapped."""
        for mapping in self.issue_types:
            target = mapping.target_for(source, issue_type_id)
            if target is not None:
                return target
        return None

    def field_mappings(self, source: Side) -> list[FieldMapping]:
        return [m for m in self.fields if m.direction.allows(source)]

    def status_mappings(self, source: Side) -> list[StatusMapping]:
        return [m for m in self.statuses if m.direction.allows(source)]

    def defaults_for(self, target: Side, issue_type_id: str) -> list[DefaultValue]:
        """Default values for a new issue on ``target``; a type-specific value beats 'all'."""
        chosen: dict[str, DefaultValue] = {}
        for default in self.defaults:
            if default.side is not target:
                continue
            if default.issue_type is None:
                chosen.setdefault(default.field.id, default)
            elif default.issue_type.id == issue_type_id:
                chosen[default.field.id] = default
        return list(chosen.values())


class Problem(BaseModel):
    """One thing wrong with a configuration, and where."""

    path: str
    message: str


class SyncSideOut(BaseModel):
    site: str
    project_id: str
    project_key: str
    project_type: str


class SyncOut(BaseModel):
    """A synchronization as the API and the UI show it."""

    id: int
    name: str
    state: str
    first: SyncSideOut
    second: SyncSideOut
    my_side: Side
    requested_by: str
    accepted_by: str | None
    published: bool = False  # a configuration has been published: it can be started
    linked_issues: int = 0
    events: dict[str, int] = {}
    last_event_at: str | None = None


class NewSyncIn(Strict):
    """A synchronization request from the caller's project (the first side)."""

    name: str = Field(min_length=1, max_length=255)
    site_url: str | None = None  # another site where Tandem is installed; None: this site
    project: str = Field(min_length=1)  # key or id of the project to synchronize with


class EventOut(BaseModel):
    id: int
    side: Side
    webhook_event: str
    issue_key: str | None
    comment_id: str | None
    status: str
    reason: str | None
    attempts: int
    last_error: str | None
    created_at: str
    next_attempt_at: str | None


class AuditOut(BaseModel):
    account_id: str | None
    action: str
    detail: str
    at: str


class PublishOut(BaseModel):
    published: bool
    revision: int | None = None
    changes: list[str] = []
    problems: list[Problem] = []


MAX_ID = 2**31 - 1  # ids are INTEGER columns: no row has a larger one
RowId = Annotated[int, Field(gt=0, le=MAX_ID)]


class RetryIn(Strict):
    event_ids: list[RowId] | None = Field(default=None, max_length=1000)


class InitialSyncIn(Strict):
    jql: str | None = Field(default=None, max_length=2000)
