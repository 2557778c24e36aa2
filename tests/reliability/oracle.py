"""The end-state check: from the simulator's final state and the workload's log only, never
from Tandem's database, what was lost, duplicated or leaked between ACME and SUP.

Every issue and comment the workload writes carries a unique marker (``ZQ<tag>-i12``,
``ZQ<tag>-c40``); a copy is any issue or comment written by Tandem's app account that carries
the marker. The expected copies follow the Power Customer rules: mapped customer issues get one
request; every customer comment gets one public copy; public agent replies get one copy on the
customer issue; internal notes (and replies made internal) get none anywhere on the customer
site; a deleted original leaves no copy; a copy carries its original's latest text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

MARKER = re.compile(r"ZQ[a-z0-9]+-[ic]\d+")
CUSTOMER_PROJECT = "ACME"
SUPPORT_PROJECT = "SUP"
MAPPED_TYPES = ("Task", "New Feature", "Improvement")


def adf_text(node: Any) -> str:
    """All text of an ADF document (or a plain string), blocks joined by newlines."""
    if node is None:
        return ""
    if isinstance(node, str):
        return node
    if isinstance(node, list):
        return "\n".join(adf_text(child) for child in node)
    if node.get("type") == "text":
        return str(node.get("text", ""))
    if node.get("type") == "hardBreak":
        return "\n"
    return "\n".join(adf_text(child) for child in node.get("content") or [])


def markers(text: str, tag: str | None = None) -> list[str]:
    found = MARKER.findall(text)
    return [m for m in found if tag is None or m.startswith(f"ZQ{tag}-")]


@dataclass
class WorkloadLog:
    """What the workload meant to do; the oracle trusts the final state for everything else."""

    tag: str
    internal_intent: set[str] = field(default_factory=set)  # created as internal notes
    turned_internal: set[str] = field(default_factory=set)  # public replies made internal
    deleted: set[str] = field(default_factory=set)  # deletes answered 2xx or ambiguously
    changes: int = 0
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))


@dataclass(frozen=True)
class Note:
    site: str
    issue_key: str
    comment_id: str
    by_app: bool
    internal: bool
    text: str


@dataclass(frozen=True)
class Ticket:
    site: str
    key: str
    type_name: str
    by_app: bool
    summary: str
    description: str
    notes: tuple[Note, ...]


@dataclass
class Findings:
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    leaked: list[str] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def clean(self) -> bool:
        return not (self.lost or self.duplicated or self.leaked)

    def table(self) -> str:
        rows = [
            ("lost", len(self.lost)),
            ("duplicated", len(self.duplicated)),
            ("leaked", len(self.leaked)),
        ]
        lines = ["| check | count |", "|---|---|"]
        lines += [f"| {name} | {count} |" for name, count in rows]
        checked = ", ".join(f"{k} {v}" for k, v in sorted(self.checked.items()))
        lines.append(f"checked: {checked}")
        for name, items in (
            ("LOST", self.lost),
            ("DUPLICATED", self.duplicated),
            ("LEAKED", self.leaked),
        ):
            lines += [f"{name}: {item}" for item in items]
        return "\n".join(lines)


def _tickets(state: dict[str, Any], site: str, project: str, app_id: str) -> list[Ticket]:
    site_state = state["sites"][site]
    project_id = next(p["id"] for p in site_state["projects"] if p["key"] == project)
    type_names = {t["id"]: t["name"] for t in site_state["issue_types"]}
    tickets = []
    for issue in site_state["issues"].values():
        if issue["project_id"] != project_id:
            continue
        fields = issue["fields"]
        notes = tuple(
            Note(
                site=site,
                issue_key=issue["key"],
                comment_id=c["id"],
                by_app=c["author_id"] == app_id,
                internal=bool(c["internal"]),
                text=adf_text(c["body"]),
            )
            for c in issue["comments"]
        )
        tickets.append(
            Ticket(
                site=site,
                key=issue["key"],
                type_name=type_names.get(issue["issue_type_id"], issue["issue_type_id"]),
                by_app=fields.get("creator") == app_id,
                summary=str(fields.get("summary") or ""),
                description=adf_text(fields.get("description")),
                notes=notes,
            )
        )
    return sorted(tickets, key=lambda t: int(t.key.split("-")[1]))


def _first_marker(text: str, tag: str) -> str | None:
    found = markers(text, tag)
    return found[0] if found else None


def _copies_of(marker: str, notes: Iterable[Note]) -> list[Note]:
    return [n for n in notes if n.by_app and marker in markers(n.text)]


def _where(note: Note) -> str:
    return f"{note.issue_key} comment {note.comment_id}"


class Oracle:
    """Compares ACME and SUP for one workload (its tag)."""

    def __init__(self, state: dict[str, Any], app_ids: dict[str, str], log: WorkloadLog) -> None:
        self.log = log
        self.tag = log.tag
        self.acme = _tickets(state, "customer", CUSTOMER_PROJECT, app_ids["customer"])
        self.sup = _tickets(state, "support", SUPPORT_PROJECT, app_ids["support"])
        self.findings = Findings()
        self.acme_notes = [n for t in self.acme for n in t.notes]
        self.sup_notes = [n for t in self.sup for n in t.notes]

    def run(self) -> Findings:
        for original, copies in self._issues():
            self._customer_comments(original, copies)
            for copy in copies:
                self._agent_comments(original, copy)
        self._deleted()
        self._leaks()
        return self.findings

    # Issues

    def _issues(self) -> list[tuple[Ticket, list[Ticket]]]:
        copies: dict[str, list[Ticket]] = defaultdict(list)
        for ticket in self.sup:
            marker = _first_marker(ticket.summary, self.tag)
            if ticket.by_app and marker:
                copies[marker].append(ticket)
        for ticket in self.acme:
            if ticket.by_app and _first_marker(ticket.summary, self.tag):
                self.findings.duplicated.append(f"{ticket.key}: Tandem created an issue on ACME")
        pairs = []
        for original in self.acme:
            marker = _first_marker(original.summary, self.tag)
            if original.by_app or marker is None:
                continue
            found = copies.get(marker, [])
            self.findings.checked["issues"] += 1
            if original.type_name not in MAPPED_TYPES:
                if found:
                    keys = ", ".join(t.key for t in found)
                    self.findings.leaked.append(
                        f"{original.key} ({original.type_name}, not mapped) copied as {keys}"
                    )
                continue
            if not found:
                self.findings.lost.append(
                    f"{original.key} ({original.type_name}, {marker}): no request in SUP"
                )
                continue
            if len(found) > 1:
                keys = ", ".join(t.key for t in found)
                self.findings.duplicated.append(
                    f"{original.key} ({marker}) has {len(found)} requests: {keys}"
                )
            self._fields(original, found)
            pairs.append((original, found))
        return pairs

    def _fields(self, original: Ticket, copies: list[Ticket]) -> None:
        """The latest summary and description on the copy (on one of them, if duplicated)."""
        keys = "/".join(c.key for c in copies)
        if all(c.summary != original.summary for c in copies):
            self.findings.lost.append(
                f"{original.key} -> {keys}: summary edit lost "
                f"(copy {copies[0].summary!r}, original {original.summary!r})"
            )
        wanted = original.description.strip()
        if all(wanted not in c.description for c in copies):
            self.findings.lost.append(
                f"{original.key} -> {keys}: description edit lost "
                f"(copy {copies[0].description[:60]!r}, original {wanted[:60]!r})"
            )

    # Comments

    def _customer_comments(self, original: Ticket, copies: list[Ticket]) -> None:
        for note in original.notes:
            marker = _first_marker(note.text, self.tag)
            if note.by_app or marker is None:
                continue
            self.findings.checked["customer comments"] += 1
            self._one_copy(note, marker, copies, self.sup_notes, must_be_public=True)

    def _agent_comments(self, original: Ticket, copy: Ticket) -> None:
        for note in copy.notes:
            marker = _first_marker(note.text, self.tag)
            if note.by_app or marker is None:
                continue
            if note.internal:
                self.findings.checked["internal notes"] += 1
                continue
            self.findings.checked["agent replies"] += 1
            self._one_copy(note, marker, [original], self.acme_notes, must_be_public=False)

    def _one_copy(
        self,
        note: Note,
        marker: str,
        targets: list[Ticket],
        notes: list[Note],
        *,
        must_be_public: bool,
    ) -> None:
        """One copy on the target issue (or on one of its duplicates), none anywhere else."""
        keys = {t.key for t in targets}
        everywhere = _copies_of(marker, notes)
        echoes = _copies_of(marker, self.acme_notes if notes is self.sup_notes else self.sup_notes)
        on_target = [n for n in everywhere if n.issue_key in keys]
        label = f"{_where(note)} ({marker})"
        if not on_target:
            self.findings.lost.append(f"{label}: no copy on {'/'.join(sorted(keys))}")
        if len(on_target) > 1:
            where = ", ".join(_where(n) for n in on_target)
            self.findings.duplicated.append(f"{label}: {len(on_target)} copies ({where})")
        for stray in (n for n in everywhere if n.issue_key not in keys):
            self.findings.duplicated.append(f"{label}: copied to the wrong issue, {_where(stray)}")
        for echo in echoes:
            self.findings.duplicated.append(f"{label}: echoed back as {_where(echo)}")
        for copied in on_target[:1]:
            if must_be_public and copied.internal:
                self.findings.lost.append(f"{label}: copy {_where(copied)} is internal")
            if note.text.strip() not in copied.text:
                self.findings.lost.append(
                    f"{label}: edit lost, copy {_where(copied)} reads {copied.text[-60:]!r}, "
                    f"original {note.text[:60]!r}"
                )

    def _deleted(self) -> None:
        alive = {
            m
            for n in self.acme_notes + self.sup_notes
            if not n.by_app
            for m in markers(n.text, self.tag)
        }
        for marker in sorted(self.log.deleted - alive):
            self.findings.checked["deleted comments"] += 1
            for copy in _copies_of(marker, self.acme_notes + self.sup_notes):
                self.findings.lost.append(
                    f"{marker} was deleted but its copy {_where(copy)} remains"
                )

    # Privacy

    def _leaks(self) -> None:
        private = set(self.log.internal_intent)
        for note in self.sup_notes:
            if note.internal and not note.by_app:
                private.update(markers(note.text, self.tag))
        self.findings.checked["private markers"] = len(private)
        for ticket in self.acme:
            texts = [(ticket.key, ticket.summary), (ticket.key, ticket.description)]
            texts += [(_where(n), n.text) for n in ticket.notes]
            for where, text in texts:
                for marker in sorted(set(markers(text, self.tag)) & private):
                    why = "made internal" if marker in self.log.turned_internal else "internal"
                    self.findings.leaked.append(f"{marker} ({why} on SUP) visible on {where}")


def check(state: dict[str, Any], app_ids: dict[str, str], log: WorkloadLog) -> Findings:
    return Oracle(state, app_ids, log).run()
