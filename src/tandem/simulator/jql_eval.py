"""Evaluating parsed JQL against issues, with Jira's validation errors.

Date literals (``"yyyy-MM-dd HH:mm"``, ``"yyyy/MM/dd HH:mm"``, ``"yyyy-MM-dd"``,
``"yyyy/MM/dd"``; a date alone means midnight) are wall-clock times in the *searching user's*
time zone, as Jira reads them (``JqlDateSupport.convertToDate(String, TimeZone)``; Atlassian's
"JQL Date Time Formats"); so are ``startOfDay()`` and stored date-only values (``duedate``).
Relative periods (``"-15m"``, ``"-2h"``, ``"-1d"``, ``"-1w"``) count from now and mean the same
instant in every zone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from . import adf, represent
from .clock import now
from .defaults import REQUEST_TYPE_FIELD_ID, RESOLUTIONS, STATUS_CATEGORIES
from .errors import JiraError
from .jql import Clause, Junction, Node, Not, Query, Value
from .models import Issue, PropertyExtraction, User
from .site import Site

Predicate = Callable[[Issue], bool]
_PROPERTY = re.compile(r"issue\.property\[(?P<key>[^\]]+)\](?:\.(?P<path>[\w.]+))?", re.I)
_RELATIVE = re.compile(r"^([-+]?)(\d+)([wdhm])$")
_UNIT = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}
_DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d")
_DATE_FIELDS = {
    "created": "created",
    "createddate": "created",
    "updated": "updated",
    "updateddate": "updated",
    "resolutiondate": "resolutiondate",
    "resolved": "resolutiondate",
    "duedate": "duedate",
    "due": "duedate",
}


def no_field(name: str) -> JiraError:
    return JiraError(
        400, [f"Field '{name}' does not exist or you do not have permission to view it."]
    )


@dataclass
class Evaluator:
    site: Site
    viewer: User
    extractions: list[PropertyExtraction]

    def predicate(self, query: Query) -> Predicate:
        if query.where is None:
            return lambda issue: True
        return self._node(query.where)

    def _node(self, node: Node) -> Predicate:
        if isinstance(node, Not):
            inner = self._node(node.operand)
            return lambda issue: not inner(issue)
        if isinstance(node, Junction):
            parts = [self._node(operand) for operand in node.operands]
            if node.operator == "and":
                return lambda issue: all(part(issue) for part in parts)
            return lambda issue: any(part(issue) for part in parts)
        return self._clause(node)

    def _clause(self, clause: Clause) -> Predicate:
        values = [resolved for v in clause.values for resolved in self._resolve(v)]
        clause = Clause(clause.field, clause.operator, values)
        name = clause.field.lower()
        if name == "resolution":
            clause = _unresolved_as_empty(clause)
        prop = _PROPERTY.fullmatch(clause.field)
        if prop:
            return self._property_clause(clause, prop.group("key"), prop.group("path") or "")
        alias = next((e for e in self.extractions if e.alias and e.alias.lower() == name), None)
        if alias:
            return self._property_clause(clause, alias.property_key, alias.object_name)
        if name in _DATE_FIELDS:
            return self._date_clause(clause, _DATE_FIELDS[name])
        getter = self._getter(name, clause)
        return _compare(clause, getter, _plain_matcher)

    def _resolve(self, value: Value) -> list[Value]:
        """Values of the functions that stand for values; others (dates) stay as they are."""
        if value.function and value.text == "currentuser":
            return [Value(self.viewer.account_id)]
        if value.function and value.text in ("standardissuetypes", "subtaskissuetypes"):
            subtask = value.text == "subtaskissuetypes"
            kinds = [t for t in self.site.state.issue_types if t.subtask == subtask]
            return [Value(kind.id) for kind in kinds] or [Value("-1", function=True)]
        return [value]

    def _getter(self, name: str, clause: Clause) -> Callable[[Issue], list[str]]:
        site = self.site
        if name == "project":
            self._check_values(clause, "project", lambda v: _known_project(site, v))
            return lambda issue: _project_names(site, issue)
        if name in ("issuetype", "type"):
            self._check_values(clause, "issuetype", lambda v: _known_type(site, v))
            return lambda issue: _type_names(site, issue)
        if name in ("key", "issuekey", "id"):
            return lambda issue: [issue.key.lower(), issue.id]
        if name == "status":
            return lambda issue: _status_names(site, issue)
        if name in ("summary", "description", "text"):
            return lambda issue: [_text(issue, name)]
        if name in ("labels", "label"):
            return lambda issue: [label.lower() for label in issue.fields.get("labels") or []]
        if name in ("reporter", "assignee", "creator"):
            return lambda issue: _listed(issue.fields.get(name))
        if name == "priority":
            return lambda issue: _priority_names(site, issue)
        return self._more_getters(name, clause)

    def _more_getters(self, name: str, clause: Clause) -> Callable[[Issue], list[str]]:
        site = self.site
        if name == "resolution":
            self._check_values(clause, "resolution", _known_resolution)
            return _resolution_names
        if name == "statuscategory":
            self._check_values(clause, "statusCategory", _known_category)
            return lambda issue: _category_names(site, issue)
        if name == "comment":
            _require_text_operator(clause)
            return lambda issue: self._comment_texts(issue)
        if name == "parent":
            self._check_values(clause, "parent", lambda v: site.issue(v) is not None)
            return lambda issue: _parent_names(site, issue)
        if name in ("watcher", "watchers"):
            return lambda issue: [w.lower() for w in issue.watchers]
        definition = site.field_by_clause(name)
        if definition and definition.id == REQUEST_TYPE_FIELD_ID:
            return lambda issue: _request_type_names(site, issue)
        raise no_field(clause.field)

    def _check_values(self, clause: Clause, field: str, known: Callable[[str], bool]) -> None:
        for value in clause.values:
            if value.text is not None and not value.function and not known(value.text):
                raise JiraError(
                    400, [f"The value '{value.text}' does not exist for the field '{field}'."]
                )

    def _date_clause(self, clause: Clause, field_id: str) -> Predicate:
        zone = user_zone(self.viewer)
        bounds = [
            None if v.text is None else parse_date(v, clause.field, zone) for v in clause.values
        ]

        def moment(issue: Issue) -> datetime | None:
            if field_id == "created":
                return issue.created
            if field_id == "updated":
                return issue.updated
            raw = issue.fields.get(field_id)
            return _parse_stored_date(raw, zone) if raw else None

        return _compare_dates(clause, moment, bounds)

    def _property_clause(self, clause: Clause, key: str, path: str) -> Predicate:
        extraction = next(
            (e for e in self.extractions if e.property_key == key and e.object_name == path),
            None,
        )
        if extraction is None:
            raise no_field(clause.field)
        if extraction.type in ("number",):
            return _compare(clause, lambda i: _extract(i, key, path), _number_matcher)
        return _compare(clause, lambda i: _extract(i, key, path), _exact_matcher)

    def _comment_texts(self, issue: Issue) -> list[str]:
        notes = represent.visible_comments(self.site, issue, self.viewer)
        return [adf.to_text(note.body) for note in notes]


def _unresolved_as_empty(clause: Clause) -> Clause:
    """``resolution = Unresolved`` is ``resolution is EMPTY`` (a quoted "Unresolved" too)."""
    values = [Value(None) if (v.text or "").lower() == "unresolved" else v for v in clause.values]
    return Clause(clause.field, clause.operator, values)


def _known_resolution(value: str) -> bool:
    return any(value.lower() in (r["name"].lower(), r["id"]) for r in RESOLUTIONS)


def _resolution_names(issue: Issue) -> list[str]:
    value = issue.fields.get("resolution")
    return [str(value["name"]).lower(), str(value["id"])] if value else []


def _known_category(value: str) -> bool:
    return any(
        value.lower() in (key, str(number), name.lower())
        for key, (number, _, name) in STATUS_CATEGORIES.items()
    )


def _category_names(site: Site, issue: Issue) -> list[str]:
    state = site.status(issue.fields.get("status"))
    if state is None:
        return []
    number, _, name = STATUS_CATEGORIES[state.category]
    return [state.category, str(number), name.lower()]


def _require_text_operator(clause: Clause) -> None:
    if clause.operator not in ("~", "!~", "is", "is not"):
        raise JiraError(
            400, [f"The operator '{clause.operator}' is not supported by the 'comment' field."]
        )


def _parent_names(site: Site, issue: Issue) -> list[str]:
    parent = (
        site.issue(str(issue.fields.get("parent") or "")) if issue.fields.get("parent") else None
    )
    return [parent.key.lower(), parent.id] if parent else []


def _listed(value: Any) -> list[str]:
    return [] if value is None else [str(value).lower()]


def _project_names(site: Site, issue: Issue) -> list[str]:
    project = site.project_of(issue)
    return [project.key.lower(), project.id, project.name.lower()]


def _known_project(site: Site, value: str) -> bool:
    names = {p.name.lower() for p in site.state.projects}
    return site.project(value) is not None or value.lower() in names


def _known_type(site: Site, value: str) -> bool:
    return any(value.lower() in (t.name.lower(), t.id) for t in site.state.issue_types)


def _type_names(site: Site, issue: Issue) -> list[str]:
    kind = site.issue_type(issue.issue_type_id)
    return [kind.name.lower(), kind.id] if kind else []


def _status_names(site: Site, issue: Issue) -> list[str]:
    state = site.status(issue.fields.get("status"))
    return [state.name.lower(), state.id] if state else []


def _priority_names(site: Site, issue: Issue) -> list[str]:
    level = site.priority(issue.fields.get("priority"))
    return [level.name.lower(), level.id] if level else []


def _request_type_names(site: Site, issue: Issue) -> list[str]:
    found = site.request_type(issue.fields.get(REQUEST_TYPE_FIELD_ID))
    if not found or not found[0].service_desk:
        return []
    project, kind = found
    portal = project.service_desk.portal_key if project.service_desk else ""
    return [kind.id, kind.name.lower(), f"{portal}/{kind.key}".lower()]


def _text(issue: Issue, name: str) -> str:
    summary = str(issue.fields.get("summary") or "")
    description = adf.to_text(issue.fields.get("description"))
    return {"summary": summary, "description": description}.get(name, f"{summary} {description}")


def _extract(issue: Issue, key: str, path: str) -> list[str]:
    if key not in issue.properties:
        return []
    found: list[Any] = [issue.properties[key]]
    for part in [p for p in path.split(".") if p]:
        found = [_child(value, part) for value in found]
        found = [v for value in found for v in (value if isinstance(value, list) else [value])]
    flat = [v for value in found for v in (value if isinstance(value, list) else [value])]
    return [_scalar(v) for v in flat if v is not None and not isinstance(v, dict)]


def _child(value: Any, part: str) -> Any:
    if isinstance(value, list):
        return [item.get(part) for item in value if isinstance(item, dict)]
    return value.get(part) if isinstance(value, dict) else None


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _plain_matcher(stored: str, wanted: str, operator: str) -> bool:
    if operator in ("~", "!~"):
        words = re.findall(r"\w+", wanted.lower())
        found = all(word in stored.lower() for word in words)
        return found if operator == "~" else not found
    return stored == wanted.lower()


def _exact_matcher(stored: str, wanted: str, operator: str) -> bool:
    return stored == wanted


def _number_matcher(stored: str, wanted: str, operator: str) -> bool:
    try:
        left, right = float(stored), float(wanted)
    except ValueError:
        return False
    return {
        "=": left == right,
        "!=": left != right,
        ">": left > right,
        ">=": left >= right,
        "<": left < right,
        "<=": left <= right,
    }.get(operator, left == right)


def _compare(
    clause: Clause,
    getter: Callable[[Issue], list[str]],
    matcher: Callable[[str, str, str], bool],
) -> Predicate:
    operator = clause.operator
    wanted = [v.text for v in clause.values if v.text is not None]
    empty = any(v.text is None for v in clause.values)

    def any_match(stored: Iterable[str], op: str) -> bool:
        return any(matcher(s, w, op) for s in stored for w in wanted)

    def predicate(issue: Issue) -> bool:
        stored = getter(issue)
        if operator == "is":
            return not stored
        if operator == "is not":
            return bool(stored)
        if operator in ("=", "in"):
            return (empty and not stored) or any_match(stored, "=")
        if operator in ("!=", "not in"):
            return bool(stored) and not any_match(stored, "=")
        if operator == "!~":
            return all(matcher(s, w, "!~") for s in stored for w in wanted)
        return any_match(stored, operator)

    return predicate


def _compare_dates(
    clause: Clause, moment: Callable[[Issue], datetime | None], bounds: list[datetime | None]
) -> Predicate:
    operator = clause.operator
    checks: dict[str, Callable[[datetime, datetime], bool]] = {
        "=": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
    }

    def predicate(issue: Issue) -> bool:
        value = moment(issue)
        if operator in ("is", "is not"):
            return (value is None) == (operator == "is")
        if value is None:
            return False
        if operator in ("in", "not in"):
            hit = any(b is not None and value == b for b in bounds)
            return hit if operator == "in" else not hit
        check = checks.get(operator)
        if check is None:
            raise JiraError(
                400, [f"The operator '{operator}' is not supported by the '{clause.field}' field."]
            )
        return all(b is not None and check(value, b) for b in bounds)

    return predicate


def user_zone(user: User) -> ZoneInfo:
    """The zone a user's JQL dates are read in (their profile's time zone)."""
    return ZoneInfo(user.time_zone)


def parse_date(value: Value, field: str, zone: ZoneInfo) -> datetime:
    """The instant a JQL date value denotes for a searcher in ``zone``."""
    text = value.text or ""
    if value.function and text in ("now", "startofday"):
        moment = now()
        midnight = moment.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
        return moment if text == "now" else midnight
    relative = _RELATIVE.match(text.replace(" ", ""))
    if relative:
        sign = -1 if relative.group(1) == "-" else 1
        delta = timedelta(**{_UNIT[relative.group(3)]: int(relative.group(2))})
        return now() + sign * delta
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=zone)
        except ValueError:
            continue
    raise JiraError(
        400,
        [
            f"Date value '{text}' for field '{field}' is invalid. Valid formats include: "
            "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period "
            "format e.g. '-5d', '4w 2d'."
        ],
    )


def _parse_stored_date(raw: str, zone: ZoneInfo) -> datetime | None:
    """A stored value as an instant; a date alone is midnight where the searcher is."""
    for pattern in ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(raw, pattern)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    return None
