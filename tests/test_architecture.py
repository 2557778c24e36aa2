"""The allowed import directions (docs/ARCHITECTURE.md), checked on the source with ``ast``.

Every ``import`` counts, wherever it is (inside a function or ``if TYPE_CHECKING`` too). A
known exception is listed in ``EXCEPTIONS`` with its reason; one that is no longer needed fails
the check too, so the list only shrinks.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

DOORS = ("tandem.doors", "tandem.connect")
HTTP = ("fastapi", "starlette", "tandem.web", *DOORS)
WIRING = ("tandem.app", "tandem.services", "tandem.cli", "tandem.demo")
DOMAIN = (
    "tandem.sync",
    "tandem.tenants",
    "tandem.usecases",
    "tandem.web",
    *DOORS,
    "tandem.jira",
)
ADMIN_ADAPTERS = ("tandem.web.api", "tandem.web.pages")
# What the admin pages and the API may read of the domain directly: shapes, types, pure checks.
READ_ONLY = (
    "tandem.store.db",
    "tandem.tenants.models",
    "tandem.sync.models",
    "tandem.sync.errors",
    "tandem.sync.config.schemas",
    "tandem.sync.config.metadata",
    "tandem.sync.config.sections",
    "tandem.sync.config.fieldtypes",
)


@dataclass(frozen=True)
class Rule:
    """Modules under ``importers`` (but not ``exempt``) import nothing under ``forbidden``
    (except what is under ``unless``)."""

    name: str
    importers: tuple[str, ...]
    forbidden: tuple[str, ...]
    unless: tuple[str, ...] = ()
    exempt: tuple[str, ...] = ()

    def applies_to(self, module: str) -> bool:
        return _under(module, self.importers) and not _under(module, self.exempt)

    def forbids(self, imported: str) -> bool:
        allowed = _under(imported, self.unless) or _above(imported, self.unless)
        return _under(imported, self.forbidden) and not allowed


RULES = (
    Rule(
        "the simulator imports nothing of Tandem",
        ("tandem.simulator",),
        ("tandem",),
        unless=("tandem.simulator",),
    ),
    Rule(
        "the Jira client knows no engine, door, tenant or store",
        ("tandem.jira",),
        ("tandem.sync", "tandem.tenants", "tandem.store", "tandem.settings", *HTTP, *WIRING),
    ),
    Rule(
        "the store knows no domain and no settings",
        ("tandem.store",),
        (*DOMAIN, "tandem.settings", *WIRING),
    ),
    Rule(
        "tenants know no engine and no HTTP", ("tandem.tenants",), ("tandem.sync", *HTTP, *WIRING)
    ),
    Rule(
        "the engine knows no HTTP, no door, no use case and no wiring",
        ("tandem.sync",),
        (*HTTP, "tandem.usecases", *WIRING),
    ),
    Rule(
        "the queue knows the engine only as an Applier",
        ("tandem.sync.queue",),
        ("tandem.sync.engine",),
    ),
    Rule(
        "configuration knows no engine and no queue",
        ("tandem.sync.config",),
        ("tandem.sync.engine", "tandem.sync.queue"),
    ),
    Rule("use cases know no HTTP and no wiring", ("tandem.usecases",), (*HTTP, *WIRING)),
    Rule(
        "the admin pages and the API change things only through use cases",
        ADMIN_ADAPTERS,
        ("tandem.sync", "tandem.tenants", "tandem.store"),
        unless=READ_ONLY,
    ),
    Rule(
        "the site seam names no door, no engine and no wiring",
        ("tandem.doors",),
        ("tandem.connect", "tandem.web", "fastapi", "tandem.sync", *WIRING),
    ),
    Rule(
        "a door is no router: its HTTP entry points live in tandem.web",
        ("tandem.connect",),
        ("fastapi", "tandem.web", *WIRING),
    ),
    Rule(
        "only the CLI starts the demo",
        ("tandem",),
        ("tandem.demo",),
        exempt=("tandem.cli", "tandem.demo"),
    ),
)

# (importing module, imported prefix): allowed for now, each with the reason it still exists.
EXCEPTIONS: set[tuple[str, str]] = set()


def _under(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def _above(module: str, prefixes: tuple[str, ...]) -> bool:
    """``module`` is a package holding one of ``prefixes`` (``from package import allowed``)."""
    return any(prefix.startswith(module + ".") for prefix in prefixes)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str, *, is_package: bool = False) -> Iterator[str]:
    """Every module ``source`` imports, with ``from a import b`` read as ``a.b`` as well."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def violations(source: str, module: str, *, is_package: bool = False) -> set[tuple[str, str]]:
    """(module, forbidden prefix) for each forbidden import of ``source``."""
    found: set[tuple[str, str]] = set()
    for imported in imports_of(source, module, is_package=is_package):
        for rule in RULES:
            if rule.applies_to(module) and rule.forbids(imported):
                found.add((module, _prefix(imported, rule)))
    return found


def _prefix(imported: str, rule: Rule) -> str:
    """The rule's forbidden prefix that ``imported`` falls under (the longest)."""
    return max((p for p in rule.forbidden if _under(imported, (p,))), key=len)


def all_violations() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in sorted((SRC / "tandem").rglob("*.py")):
        module = module_name(path)
        found |= violations(path.read_text(), module, is_package=path.name == "__init__.py")
    return found


def test_no_module_imports_against_the_allowed_directions() -> None:
    unexpected = sorted(all_violations() - EXCEPTIONS)
    assert unexpected == [], "forbidden imports (see docs/ARCHITECTURE.md):\n" + "\n".join(
        f"  {module} imports {target}" for module, target in unexpected
    )


def test_every_listed_exception_is_still_needed() -> None:
    stale = sorted(EXCEPTIONS - all_violations())
    assert stale == [], f"exceptions no longer needed, remove them: {stale}"


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("tandem.simulator.site", "from tandem.jira import adf", ("tandem",)),
        ("tandem.jira.transport", "import tandem.sync.engine.apply", ("tandem.sync",)),
        ("tandem.jira.client", "from tandem.connect import jwt", ("tandem.connect",)),
        ("tandem.store.models", "from tandem.tenants.models import Tenant", ("tandem.tenants",)),
        ("tandem.store.secrets", "from tandem.settings import Settings", ("tandem.settings",)),
        ("tandem.sync.queue.worker", "from starlette.requests import Request", ("starlette",)),
        ("tandem.sync.engine.apply", "from ...web import render", ("tandem.web",)),
        ("tandem.web.pages.ui", "from tandem import demo", ("tandem.demo",)),
        (
            "tandem.sync.queue.worker",
            "from tandem.sync.engine.apply import Engine",
            ("tandem.sync.engine",),
        ),
        (
            "tandem.sync.config.drafts",
            "from tandem.sync.queue import events",
            ("tandem.sync.queue",),
        ),
        (
            "tandem.usecases.monitoring",
            "from tandem.services import Services",
            ("tandem.services",),
        ),
        ("tandem.sync.engine.runs", "from tandem.usecases import caller", ("tandem.usecases",)),
        ("tandem.web.pages.monitor", "from tandem.sync.queue import events", ("tandem.sync",)),
        ("tandem.web.api.configuration", "from tandem.sync.config import drafts", ("tandem.sync",)),
        ("tandem.sync.engine.runs", "from tandem.doors.door import Doors", ("tandem.doors",)),
        ("tandem.sync.queue.intake", "from tandem.connect import door", ("tandem.connect",)),
        ("tandem.doors.door", "from tandem.connect.door import ConnectDoor", ("tandem.connect",)),
        ("tandem.connect.door", "from fastapi import APIRouter", ("fastapi",)),
        ("tandem.connect.lifecycle", "from tandem.web.deps import ServicesDep", ("tandem.web",)),
        (
            "tandem.tenants.service",
            "def f():\n    from tandem.sync import service",
            ("tandem.sync",),
        ),
    ],
)
def test_a_forbidden_import_is_found(module: str, source: str, expected: tuple[str, ...]) -> None:
    assert {target for _, target in violations(source, module)} == set(expected)


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("tandem.simulator.site", "from tandem.simulator import clock"),
        ("tandem.sync.engine.apply", "from tandem.jira.client import JiraClient"),
        ("tandem.cli", "from tandem.demo.run import run"),
        ("tandem.connect.clientauth", "from tandem.jira.pool import ClientPool"),
        ("tandem.web.webhooks", "from fastapi import Request"),
        ("tandem.web.pages.monitor", "from tandem.usecases import monitoring"),
        ("tandem.web.api.synchronizations", "from tandem.sync.config.schemas import SyncOut"),
        ("tandem.sync.engine.apply", "from tandem.sync.queue import events"),
        ("tandem.connect.door", "from tandem.doors.door import Door"),
        ("tandem.web.webhooks", "from tandem.doors.door import Doors"),
    ],
)
def test_an_allowed_import_passes(module: str, source: str) -> None:
    assert violations(source, module) == set()
