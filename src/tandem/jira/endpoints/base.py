"""What every endpoint group shares: the transport, and how query parameters are spelled."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tandem.jira.transport import Transport


class Endpoints:
    """A group of endpoints; the client that composes the groups sets ``transport``."""

    transport: Transport


def query_params(**values: Any) -> dict[str, Any]:
    """Query parameters without the unset ones; booleans as Jira spells them."""
    return {
        key: (str(value).lower() if isinstance(value, bool) else value)
        for key, value in values.items()
        if value is not None
    }


def csv(values: Sequence[str] | None) -> str | None:
    return ",".join(values) if values else None


def property_list(values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Entity properties as a create or edit body carries them."""
    return [{"key": key, "value": value} for key, value in values.items()]
