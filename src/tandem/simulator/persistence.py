"""Saving and loading all sites' state as one JSON file (``tandem sim --state FILE``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .models import SimulatorState
from .simulator import Simulator


def load(path: Path, **options: Any) -> Simulator:
    state = SimulatorState.model_validate_json(path.read_text())
    return Simulator.from_state(state, **options)


def save(simulator: Simulator, path: Path) -> None:
    """Write atomically, so that an interrupted save never leaves half a file."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(simulator.state().model_dump_json(indent=1))
    partial.replace(path)
