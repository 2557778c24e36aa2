"""What the fuzz tests share: how many inputs to try, an event loop to drive the stack from
Hypothesis' synchronous examples, and strategies for JSON and near-miss Jira payloads.

CI tries ``TANDEM_FUZZ_EXAMPLES`` inputs per test (150 unless set); a longer run sets it
higher. Each test prints how many inputs it tried (``pytest -s``).
"""

from __future__ import annotations

import asyncio
import copy
import os
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tandem.simulator import Simulator
from tests.support.e2e import Stack, build_stack

T = TypeVar("T")

EXAMPLES = int(os.environ.get("TANDEM_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@dataclass
class Driver:
    """The stack, driven from synchronous code through an event loop of its own."""

    loop: asyncio.AbstractEventLoop
    stack: Stack
    tried: dict[str, int] = field(default_factory=dict)

    def run(self, awaitable: Awaitable[T]) -> T:
        return self.loop.run_until_complete(awaitable)

    def count(self, what: str) -> None:
        self.tried[what] = self.tried.get(what, 0) + 1


@pytest.fixture
def driver(servers: tuple[str, str, Simulator], database_url: str) -> Iterator[Driver]:
    loop = asyncio.new_event_loop()
    stack = loop.run_until_complete(build_stack(*servers, database_url))
    fuzz = Driver(loop, stack)
    try:
        yield fuzz
    finally:
        print(f"\ninputs tried: {fuzz.tried}")  # noqa: T201 - the figure the report records
        loop.run_until_complete(stack.aclose())
        loop.run_until_complete(stack.database.dispose())
        loop.close()


def json_values(max_leaves: int = 12) -> st.SearchStrategy[Any]:
    scalars = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=40)
    )
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=12), children, max_size=4)
        ),
        max_leaves=max_leaves,
    )


JUNK: list[Any] = [
    "",
    "x" * 300,
    "1" * 300,
    "-1",
    "ACME-",
    "acme-1",
    -1,
    0,
    10**30,
    2**63,
    1.5,
    True,
    None,
    [],
    {},
    {"type": "doc"},
    {"type": "doc", "content": "not a list"},
    {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"x": 1}]}]},
    "s" * 40_000,
    "é" * 300,
]

# Where a near miss hurts most: the ids, keys and bodies Tandem stores and acts on.
HOT_PATHS: list[tuple[Any, ...]] = [
    ("webhookEvent",),
    ("timestamp",),
    ("issue",),
    ("issue", "id"),
    ("issue", "key"),
    ("issue", "fields"),
    ("issue", "fields", "summary"),
    ("issue", "fields", "description"),
    ("issue", "fields", "issuetype"),
    ("issue", "fields", "issuetype", "id"),
    ("issue", "fields", "project"),
    ("issue", "fields", "labels"),
    ("comment",),
    ("comment", "id"),
    ("comment", "body"),
    ("comment", "author"),
    ("comment", "author", "accountId"),
    ("comment", "jsdPublic"),
    ("comment", "visibility"),
    ("changelog",),
    ("changelog", "items"),
    ("user",),
    ("user", "accountId"),
]


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a JSON value: dict keys and list positions."""
    children: Any = (
        value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list)
        else ()
    )  # fmt: skip
    for key, child in children:
        yield (*prefix, key)
        yield from paths(child, (*prefix, key))


def _exists(payload: Any, path: tuple[Any, ...]) -> bool:
    target = payload
    for part in path:
        if isinstance(target, dict) and part in target:
            target = target[part]
        elif isinstance(target, list) and isinstance(part, int) and part < len(target):
            target = target[part]
        else:
            return False
    return True


def _apply(payload: Any, path: tuple[Any, ...], action: str, value: Any) -> None:
    parent = payload
    for part in path[:-1]:
        parent = parent[part]
    if action == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = value


@st.composite
def near_misses(draw: st.DrawFn, bases: list[dict[str, Any]]) -> dict[str, Any]:
    """A real payload with one to three places deleted or replaced by junk or random JSON."""
    payload = copy.deepcopy(draw(st.sampled_from(bases)))
    for _ in range(draw(st.integers(1, 3))):
        hot = [path for path in HOT_PATHS if _exists(payload, path)]
        every = list(paths(payload))
        if not every:
            break
        where = draw(
            st.sampled_from(hot) if hot and draw(st.booleans()) else st.sampled_from(every)
        )
        action = draw(st.sampled_from(["delete", "junk", "random"]))
        value = draw(st.sampled_from(JUNK)) if action == "junk" else draw(json_values())
        _apply(payload, where, action, value)
    return payload
