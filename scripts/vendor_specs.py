"""Copy what the tests need of Atlassian's published specs into ``tests/specs``.

    python scripts/vendor_specs.py SOURCE_DIR

SOURCE_DIR holds the published files as SOURCES.md there describes them (the platform and
service desk OpenAPI specs, the ADF schema, the qsh vectors, genuine webhook samples). The
OpenAPI specs are trimmed to the path families below, with every schema those paths reach
through ``$ref``; everything else is copied unchanged. ``tests/specs/SOURCES.md`` records the
source files' sha256 and what was kept, so a regenerated copy can be compared with this one.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

TARGET = Path(__file__).resolve().parents[1] / "tests" / "specs"

# First path segment after /rest/api/3/ (platform) or /rest/servicedeskapi/ (service desk):
# the families Tandem, the simulator and the clients tested against it use.
PLATFORM_FAMILIES = {
    "attachment",
    "changelog",
    "comment",
    "component",
    "field",
    "issue",
    "issueLink",
    "issueLinkType",
    "issuetype",
    "myself",
    "mypermissions",
    "permissions",
    "priority",
    "project",
    "resolution",
    "search",
    "serverInfo",
    "status",
    "statuscategory",
    "statuses",
    "user",
    "version",
    "webhook",
    "worklog",
}
COPIED = ("adf-schema-full.json", "qsh-vectors.json")
REF = re.compile(r'"\$ref":\s*"#/components/schemas/([^"]+)"')


def _family(path: str) -> str:
    match = re.match(r"/rest/(?:api/3|servicedeskapi)/([^/{]+)", path)
    return match.group(1) if match else ""


def _schemas_reached(document: dict[str, Any], start: Any) -> set[str]:
    schemas = document.get("components", {}).get("schemas", {})
    reached: set[str] = set()
    pending = set(REF.findall(json.dumps(start)))
    while pending:
        name = pending.pop()
        if name in reached or name not in schemas:
            continue
        reached.add(name)
        pending |= set(REF.findall(json.dumps(schemas[name]))) - reached
    return reached


def trim(document: dict[str, Any], keep_path: Any) -> dict[str, Any]:
    """``document`` with only the paths ``keep_path`` accepts and the schemas they reach."""
    paths = {path: item for path, item in document["paths"].items() if keep_path(path)}
    reached = _schemas_reached(document, paths)
    components = dict(document.get("components", {}))
    components["schemas"] = {
        name: schema for name, schema in components.get("schemas", {}).items() if name in reached
    }
    kept = {key: value for key, value in document.items() if key not in ("paths", "components")}
    return {**kept, "paths": paths, "components": components}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(source: Path) -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    lines = ["| file | source sha256 | kept |", "|---|---|---|"]
    platform = json.loads((source / "jira-platform-v3.json").read_text())
    trimmed = trim(platform, lambda path: _family(path) in PLATFORM_FAMILIES)
    _write(TARGET / "jira-platform-v3.json", trimmed)
    lines.append(_row(source / "jira-platform-v3.json", trimmed))
    service_desk = json.loads((source / "jira-servicedesk.json").read_text())
    _write(TARGET / "jira-servicedesk.json", trim(service_desk, lambda path: True))
    lines.append(_row(source / "jira-servicedesk.json", service_desk))
    for name in COPIED:
        shutil.copyfile(source / name, TARGET / name)
        lines.append(f"| `{name}` | {_sha256(source / name)} | unchanged |")
    shutil.rmtree(TARGET / "webhooks", ignore_errors=True)
    shutil.copytree(source / "webhooks", TARGET / "webhooks", copy_function=shutil.copyfile)
    (TARGET / "webhooks").chmod(0o755)  # the source folder may be read-only
    for sample in sorted((source / "webhooks").glob("*.json")):
        lines.append(f"| `webhooks/{sample.name}` | {_sha256(sample)} | unchanged |")
    provenance = (source / "SOURCES.md").read_text()
    (TARGET / "SOURCES.md").write_text(
        "# Atlassian's published specs, as the tests use them\n\n"
        "Made by `python scripts/vendor_specs.py SOURCE_DIR`; do not edit by hand. The OpenAPI\n"
        "specs keep the path families listed in that script and the schemas those paths reach.\n\n"
        + "\n".join(lines)
        + "\n\n## Where the source files come from\n\n"
        + provenance.split("\n", 1)[1]
    )


def _row(path: Path, document: dict[str, Any]) -> str:
    schemas = len(document.get("components", {}).get("schemas", {}))
    return (
        f"| `{path.name}` | {_sha256(path)} | {len(document['paths'])} paths, {schemas} schemas |"
    )


def _write(path: Path, document: dict[str, Any]) -> None:
    path.write_text(json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
