"""The full crash and fault-storm runs that RELIABILITY.md records.

Starts `tandem sim`, `tandem serve` (TANDEM_RUN_WORKER=false) and `tandem worker` processes on
a fresh database, sets up the Power Customer synchronization, then:

- crash: a seeded mix of changes while workers are SIGKILLed (and restarted) and serve is
  SIGKILLed once (and restarted), then quiescence and a reconciliation pass;
- each storm: a seeded mix of changes under one set of simulator faults.

After each, the oracle compares ACME and SUP through the simulator's state and prints the
changes, kills, faults injected and what was lost, duplicated or leaked (with keys). Exits 1
if anything was.

    .venv/bin/python bench/crash.py [--backend postgresql|sqlite] [--changes 500]
        [--seconds 150] [--kills 12] [--serve-kills 1] [--workers 2] [--seed 11]
        [--storms all|none|NAME,...] [--storm-changes 120] [--storm-seconds 40]
        [--outage-seconds 30] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.reliability.harness import (  # noqa: E402
    STORMS,
    Cluster,
    Outcome,
    play,
    started_cluster,
    storm,
)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--workers", type=int, default=2, help="tandem worker processes")
    parser.add_argument("--changes", type=int, default=500, help="changes in the crash run")
    parser.add_argument("--seconds", type=float, default=150.0, help="length of the crash run")
    parser.add_argument("--kills", type=int, default=12, help="worker SIGKILLs")
    parser.add_argument("--serve-kills", type=int, default=1, help="serve SIGKILLs")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--storms", default="all", help=f"all, none, or some of {','.join(STORMS)}")
    parser.add_argument("--storm-changes", type=int, default=120)
    parser.add_argument("--storm-seconds", type=float, default=40.0)
    parser.add_argument("--outage-seconds", type=float, default=30.0)
    parser.add_argument("--settle-timeout", type=float, default=300.0)
    parser.add_argument(
        "--create-confirm-seconds",
        type=float,
        default=120.0,
        help="TANDEM_CREATE_CONFIRM_SECONDS of the Tandem processes (Tandem's default)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the processes' logs")
    return parser.parse_args()


def _storms(choice: str) -> list[str]:
    if choice == "all":
        return list(STORMS)
    if choice == "none":
        return []
    names = [n.strip() for n in choice.split(",") if n.strip()]
    unknown = sorted(set(names) - set(STORMS))
    if unknown:
        raise SystemExit(f"unknown storms {unknown}; known: {', '.join(STORMS)}")
    return names


async def _main(args: argparse.Namespace, directory: Path) -> list[Outcome]:
    echo = print  # noqa: T201 (a command-line report)
    cluster: Cluster = await started_cluster(
        args.backend, directory, args.workers, echo, args.create_confirm_seconds
    )
    outcomes = []
    try:
        if args.changes > 0:
            outcomes.append(
                await play(
                    cluster,
                    name="crash",
                    seed=args.seed,
                    changes=args.changes,
                    seconds=args.seconds,
                    worker_kills=args.kills,
                    serve_kills=args.serve_kills,
                    settle_timeout=args.settle_timeout,
                )
            )
            echo(outcomes[-1].report())
        for number, name in enumerate(_storms(args.storms)):
            outcomes.append(
                await play(
                    cluster,
                    name=name,
                    seed=args.seed * 100 + number,
                    changes=args.storm_changes,
                    seconds=args.storm_seconds,
                    faults=storm(name, outage_seconds=args.outage_seconds),
                    settle_timeout=args.settle_timeout,
                )
            )
            echo(outcomes[-1].report())
    finally:
        cluster.stop()
    return outcomes


def _summary(outcomes: list[Outcome], seconds: float) -> str:
    lines = [
        "| run | changes | kills | faults injected | lost | duplicated | leaked | time |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        kills = sum(o.kills.values())
        faults = ", ".join(f"{k} {v}" for k, v in o.faults.items() if k != "REST calls")
        lines.append(
            f"| {o.name} | {o.changes} | {kills} | {faults or '-'} | {len(o.findings.lost)} "
            f"| {len(o.findings.duplicated)} | {len(o.findings.leaked)} | {o.seconds:.0f} s |"
        )
    lines.append(f"total {seconds:.0f} s")
    return "\n".join(lines)


def main() -> int:
    args = _arguments()
    directory = Path(tempfile.mkdtemp(prefix="tandem-crash-"))
    started = time.monotonic()
    try:
        outcomes = asyncio.run(_main(args, directory))
    finally:
        if args.keep:
            print(f"logs kept in {directory}")  # noqa: T201
        else:
            shutil.rmtree(directory, ignore_errors=True)
    print(_summary(outcomes, time.monotonic() - started))  # noqa: T201
    return 0 if all(o.clean for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
