"""A seeded random mix of changes made through the simulator's REST API by the seeded people:
Casey (customer, ACME) and Alex (agent, SUP), each with their API token.

Every write carries a fresh marker (see ``oracle``). A write answered 429/5xx is tried again
with a new marker when it creates something (an error after the write leaves the first one in
place, and the oracle then expects a copy of it too), with the same body when it is idempotent.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.reliability.oracle import MAPPED_TYPES, WorkloadLog, markers

CUSTOMER = "casey@acme.example"
AGENT = "alex@support.example"
UNMAPPED_TYPES = ("Bug", "Story")
SD_PUBLIC = "sd.public.comment"
WORDS = (
    "vpn router invoice portal login printer export latency backup mailbox laptop badge "
    "license dashboard report firewall token meeting calendar wifi"
).split()
RETRYABLE = {429, 500, 502, 503, 504}
MAX_ATTEMPTS = 8
MAX_WAIT = 60.0  # seconds one change may spend in retries (an outage included)

# operation -> weight
MIX: dict[str, int] = {
    "create_issue": 18,
    "edit_issue": 12,
    "customer_comment": 20,
    "customer_edit_comment": 3,
    "customer_delete_comment": 4,
    "agent_reply": 15,
    "agent_note": 10,
    "agent_make_internal": 6,
    "agent_edit_comment": 7,
    "agent_delete_comment": 5,
}


def document(text: str) -> dict[str, Any]:
    return {
        "type": "doc",
        "version": 1,
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}],
    }


@dataclass
class Mine:
    """A comment the workload wrote and knows the id of."""

    issue: str
    comment_id: str
    marker: str
    version: int = 1
    internal: bool = False


@dataclass
class Workload:
    sim_url: str
    customer: httpx.AsyncClient
    agent: httpx.AsyncClient
    rng: random.Random
    log: WorkloadLog
    issues: dict[str, tuple[str, int]] = field(default_factory=dict)  # key -> marker, version
    copies: dict[str, str] = field(default_factory=dict)  # ACME key -> SUP key
    customer_notes: list[Mine] = field(default_factory=list)
    agent_notes: list[Mine] = field(default_factory=list)
    _serial: int = 0
    _copies_read: float = 0.0

    # Markers and text

    def marker(self, kind: str) -> str:
        self._serial += 1
        return f"ZQ{self.log.tag}-{kind}{self._serial}"

    def phrase(self) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(3))

    # Calls

    async def call(
        self, client: httpx.AsyncClient, method: str, url: str, body: Callable[[], Any] | None
    ) -> httpx.Response | None:
        """The call, tried again on 429/5xx and connection errors; None if it never went."""
        deadline = time.monotonic() + MAX_WAIT
        response = None
        for _ in range(MAX_ATTEMPTS):
            try:
                response = await client.request(
                    method, url, json=body() if body is not None else None
                )
            except httpx.TransportError:
                response = None
            else:
                if response.status_code not in RETRYABLE:
                    return response
            self.log.counts["workload retries"] += 1
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(_wait(response))
        return response

    async def run(self, changes: int, seconds: float) -> None:
        """``changes`` changes spread over about ``seconds``."""
        started = time.monotonic()
        names = list(MIX)
        weights = [MIX[n] for n in names]
        for number in range(changes):
            name = "create_issue" if len(self.issues) < 3 else self.rng.choices(names, weights)[0]
            operation: Callable[[], Awaitable[bool]] = getattr(self, name)
            if not await operation():
                await self.create_issue()
            self.log.changes += 1
            pause = started + seconds * (number + 1) / changes - time.monotonic()
            if pause > 0:
                await asyncio.sleep(pause)

    # Customer

    async def create_issue(self) -> bool:
        mapped = self.rng.random() < 0.85
        kind = self.rng.choice(MAPPED_TYPES if mapped else UNMAPPED_TYPES)
        made: list[str] = []

        def body() -> dict[str, Any]:
            marker = self.marker("i")
            made.append(marker)
            phrase = self.phrase()
            return {
                "fields": {
                    "project": {"key": "ACME"},
                    "issuetype": {"name": kind},
                    "summary": f"{marker} {phrase} v1",
                    "description": document(f"{marker} details v1: {phrase}"),
                }
            }

        response = await self.call(self.customer, "POST", "/rest/api/3/issue", body)
        if response is None or response.status_code != 201:
            return False
        self.issues[response.json()["key"]] = (made[-1], 1)
        self.log.counts[f"issues created ({'mapped' if mapped else 'not mapped'})"] += 1
        return True

    async def edit_issue(self) -> bool:
        key = self.rng.choice(sorted(self.issues))
        marker, version = self.issues[key]
        version += 1
        phrase = self.phrase()
        fields: dict[str, Any] = {}
        which = self.rng.choice(("summary", "description", "both"))
        if which in ("summary", "both"):
            fields["summary"] = f"{marker} {phrase} v{version}"
        if which in ("description", "both"):
            fields["description"] = document(f"{marker} details v{version}: {phrase}")
        response = await self.call(
            self.customer, "PUT", f"/rest/api/3/issue/{key}", lambda: {"fields": fields}
        )
        if response is None or response.status_code != 204:
            return False
        self.issues[key] = (marker, version)
        self.log.counts["issue edits"] += 1
        return True

    async def customer_comment(self) -> bool:
        key = self.rng.choice(sorted(self.issues))
        mine = await self._comment(self.customer, key, internal=None)
        if mine is None:
            return False
        self.customer_notes.append(mine)
        self.log.counts["customer comments"] += 1
        return True

    async def customer_edit_comment(self) -> bool:
        return await self._edit(self.customer, self.customer_notes, "customer comment edits")

    async def customer_delete_comment(self) -> bool:
        return await self._delete(self.customer, self.customer_notes, "customer deletions")

    # Agent

    async def agent_reply(self) -> bool:
        return await self._agent_comment(internal=False)

    async def agent_note(self) -> bool:
        return await self._agent_comment(internal=True)

    async def agent_make_internal(self) -> bool:
        public = [n for n in self.agent_notes if not n.internal]
        if not public:
            return False
        note = self.rng.choice(public)
        response = await self.call(
            self.agent,
            "PUT",
            f"/rest/api/3/comment/{note.comment_id}/properties/{SD_PUBLIC}",
            lambda: {"internal": True},
        )
        if response is None or response.status_code not in (200, 201):
            return False
        note.internal = True
        self.log.turned_internal.add(note.marker)
        self.log.counts["replies made internal"] += 1
        return True

    async def agent_edit_comment(self) -> bool:
        return await self._edit(self.agent, self.agent_notes, "agent comment edits")

    async def agent_delete_comment(self) -> bool:
        return await self._delete(self.agent, self.agent_notes, "agent deletions")

    async def _agent_comment(self, *, internal: bool) -> bool:
        request = await self._some_request()
        if request is None:
            return False
        mine = await self._comment(self.agent, request, internal=internal)
        if mine is None:
            return False
        self.agent_notes.append(mine)
        self.log.counts["internal notes" if internal else "agent replies"] += 1
        return True

    async def _some_request(self) -> str | None:
        if time.monotonic() - self._copies_read > 3 or not self.copies:
            await self._read_copies()
        candidates = sorted(self.copies.values())
        return self.rng.choice(candidates) if candidates else None

    async def _read_copies(self) -> None:
        """Which SUP request copies which ACME issue, as an agent would see on the request."""
        async with httpx.AsyncClient(base_url=self.sim_url, timeout=60) as control:
            state = (await control.get("/_sim/state")).json()
        self._copies_read = time.monotonic()
        by_marker = {marker: key for key, (marker, _) in self.issues.items()}
        found: dict[str, str] = {}
        for issue in state["sites"]["support"]["issues"].values():
            for marker in markers(str(issue["fields"].get("summary") or ""), self.log.tag)[:1]:
                if marker in by_marker:
                    found.setdefault(by_marker[marker], issue["key"])
        self.copies = found

    # Comments of either person

    async def _comment(
        self, client: httpx.AsyncClient, issue: str, *, internal: bool | None
    ) -> Mine | None:
        made: list[str] = []

        def body() -> dict[str, Any]:
            marker = self.marker("c")
            made.append(marker)
            if internal:
                self.log.internal_intent.add(marker)
            payload: dict[str, Any] = {"body": document(f"{marker} v1 {self.phrase()}")}
            if internal is not None:
                payload["properties"] = [{"key": SD_PUBLIC, "value": {"internal": internal}}]
            return payload

        response = await self.call(client, "POST", f"/rest/api/3/issue/{issue}/comment", body)
        if response is None or response.status_code != 201:
            return None
        return Mine(issue, str(response.json()["id"]), made[-1], internal=bool(internal))

    async def _edit(self, client: httpx.AsyncClient, notes: list[Mine], count: str) -> bool:
        if not notes:
            return False
        note = self.rng.choice(notes)
        version = note.version + 1
        text = f"{note.marker} v{version} {self.phrase()}"
        response = await self.call(
            client,
            "PUT",
            f"/rest/api/3/issue/{note.issue}/comment/{note.comment_id}",
            lambda: {"body": document(text)},
        )
        if response is None or response.status_code != 200:
            return False
        note.version = version
        self.log.counts[count] += 1
        return True

    async def _delete(self, client: httpx.AsyncClient, notes: list[Mine], count: str) -> bool:
        if not notes:
            return False
        note = notes.pop(self.rng.randrange(len(notes)))
        response = await self.call(
            client, "DELETE", f"/rest/api/3/issue/{note.issue}/comment/{note.comment_id}", None
        )
        if response is None or response.status_code not in (204, 404):
            notes.append(note)
            return False
        self.log.deleted.add(note.marker)
        self.log.counts[count] += 1
        return True


def _wait(response: httpx.Response | None) -> float:
    if response is None:
        return 0.5
    try:
        return min(float(response.headers.get("Retry-After", "0.3")), 5.0)
    except ValueError:
        return 0.5
