"""Strict JSON for bodies Jira sends: standard JSON only, nested to a bounded depth.

Python's ``json`` accepts ``NaN`` and ``Infinity`` (not JSON, and not storable in PostgreSQL's
JSON) and recurses once per level, so a deeply nested body would fail far from the receiver.
Strings with NUL characters or unpaired surrogates (which Jira never sends and PostgreSQL
cannot store) are refused too. Each refusal says why.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 64  # ADF documents with nested lists and tables stay well below this


class InvalidJson(ValueError):
    """The body is not strict JSON; the message says why."""


def _refuse_constant(name: str) -> Any:
    raise InvalidJson(f"{name} is not a JSON value")


def _check_string(value: str) -> None:
    if "\x00" in value:
        raise InvalidJson("a JSON string contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidJson("a JSON string contains an unpaired surrogate") from exc


def depth(value: Any) -> int:
    """How deeply objects and arrays nest in ``value`` (a scalar is 0), without recursion;
    ``InvalidJson`` for a string Jira would never send."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, str):
            _check_string(item)
            continue
        if isinstance(item, dict):
            stack.extend((key, level) for key in item)
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level + 1)
        stack.extend((child, level + 1) for child in children)
    return deepest


def loads(body: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON value of ``body``; ``InvalidJson`` if it is not strict JSON or nests too deep."""
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
    except UnicodeDecodeError as exc:
        raise InvalidJson("the body is not UTF-8") from exc
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise InvalidJson(f"the JSON nests deeper than {max_depth} levels") from exc
    except json.JSONDecodeError as exc:
        raise InvalidJson(f"the body is not JSON ({exc.msg} at position {exc.pos})") from exc
    if depth(value) > max_depth:
        raise InvalidJson(f"the JSON nests deeper than {max_depth} levels")
    return value
