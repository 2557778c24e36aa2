"""Runs the demo: start, set up, play, report, then keep serving (or exit)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from tandem.demo import report, story
from tandem.demo.stack import DemoStack
from tandem.demo.story import Echo


async def run(
    echo: Echo, *, data: Path | None, port: int | None, sim_port: int | None, exit_after: bool
) -> None:
    data_dir = data or Path(tempfile.mkdtemp(prefix="tandem-demo-"))
    stack = DemoStack(data_dir, port=port, sim_port=sim_port)
    await stack.start()
    try:
        story.introduce(stack, echo)
        await story.set_up(stack, echo)
        await story.play(stack, echo)
        await report.final_table(stack, echo)
        if exit_after:
            return
        echo("")
        echo(
            "Tandem keeps running: open the links above, or create issues and comments on the "
            "simulated sites with any Jira REST client and the API tokens listed. Ctrl-C stops."
        )
        await stack.serve_forever()
    finally:
        await stack.stop()
