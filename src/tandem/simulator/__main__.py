"""``python -m tandem.simulator``: the same as ``tandem sim``."""

from __future__ import annotations

import typer

from .cli import sim


def main() -> None:
    typer.run(sim)


if __name__ == "__main__":
    main()
