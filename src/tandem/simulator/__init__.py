"""A Jira Cloud simulator: several sites in one process, for the demo and end-to-end tests.

It imports nothing from the rest of Tandem, so that a misunderstanding of Jira written once
in Tandem is not repeated here.
"""

from __future__ import annotations

from .app import create_app
from .simulator import Simulator
from .site import Site

__all__ = ["Simulator", "Site", "create_app"]
