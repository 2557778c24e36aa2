"""Atlassian Document Format: validation against Atlassian's schema, plain text and HTML."""

from __future__ import annotations

import json
from functools import cache
from html import escape
from importlib import resources
from typing import Any

from jsonschema import Draft4Validator  # type: ignore[import-untyped]

Node = dict[str, Any]

_BLOCK_SEPARATOR = "\n\n"
_CONTAINERS = {"doc", "bulletList", "orderedList", "listItem", "table", "tableRow", "layoutSection"}
_HTML_BLOCKS = {
    "paragraph": "p",
    "blockquote": "blockquote",
    "bulletList": "ul",
    "orderedList": "ol",
    "listItem": "li",
    "table": "table",
    "tableRow": "tr",
    "tableHeader": "th",
    "tableCell": "td",
    "panel": "div",
}
_HTML_MARKS = {"strong": "b", "em": "em", "code": "code", "strike": "s", "underline": "u"}


@cache
def _validator() -> Draft4Validator:
    text = resources.files("tandem.simulator").joinpath("schemas/adf-full.json").read_text()
    return Draft4Validator(json.loads(text))


def is_document(value: Any) -> bool:
    """Whether ``value`` is a valid ADF document per Atlassian's published schema."""
    return isinstance(value, dict) and _validator().is_valid(value)


def from_text(text: str) -> Node:
    """A document of one paragraph per blank-line separated block, lines joined by hard breaks."""
    blocks = [block for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]
    return {"type": "doc", "version": 1, "content": [_paragraph(block) for block in blocks]}


def _paragraph(block: str) -> Node:
    content: list[Node] = []
    for index, line in enumerate(block.split("\n")):
        if index:
            content.append({"type": "hardBreak"})
        if line:
            content.append({"type": "text", "text": line})
    return {"type": "paragraph", "content": content}


def to_text(node: Node | None) -> str:
    """The document's text: blocks separated by blank lines, hard breaks as newlines."""
    if not node:
        return ""
    return _text(node).strip("\n")


def _text(node: Node) -> str:
    kind = node.get("type")
    attrs = node.get("attrs") or {}
    if kind == "text":
        return str(node.get("text", ""))
    if kind == "hardBreak":
        return "\n"
    if kind == "mention":
        return str(attrs.get("text") or "@" + str(attrs.get("id", "")))
    if kind == "emoji":
        return str(attrs.get("text") or attrs.get("shortName", ""))
    if kind in ("inlineCard", "blockCard"):
        return str(attrs.get("url", ""))
    children = [_text(child) for child in node.get("content", [])]
    if kind in _CONTAINERS:
        return _BLOCK_SEPARATOR.join(child.strip("\n") for child in children if child)
    if kind in ("paragraph", "heading", "codeBlock", "blockquote", "panel", "tableCell"):
        return "".join(children) + _BLOCK_SEPARATOR
    return "".join(children)


def to_html(node: Node | None) -> str:
    """A minimal HTML rendering, as in ``renderedFields``."""
    if not node:
        return ""
    return _html(node)


def _html(node: Node) -> str:
    kind = str(node.get("type"))
    attrs = node.get("attrs") or {}
    if kind == "text":
        return _marked(escape(str(node.get("text", ""))), node.get("marks", []))
    if kind == "hardBreak":
        return "<br/>"
    if kind == "rule":
        return "<hr/>"
    if kind in ("mention", "emoji", "inlineCard", "blockCard"):
        return escape(_text(node))
    inner = "".join(_html(child) for child in node.get("content", []))
    if kind == "heading":
        level = int(attrs.get("level", 1))
        return f"<h{level}>{inner}</h{level}>"
    if kind == "codeBlock":
        return f"<pre><code>{inner}</code></pre>"
    tag = _HTML_BLOCKS.get(kind)
    return f"<{tag}>{inner}</{tag}>" if tag else inner


def _marked(html: str, marks: list[Node]) -> str:
    for mark in marks:
        kind = mark.get("type")
        if kind == "link":
            href = escape(str((mark.get("attrs") or {}).get("href", "")), quote=True)
            html = f'<a href="{href}">{html}</a>'
        elif kind in _HTML_MARKS:
            tag = _HTML_MARKS[str(kind)]
            html = f"<{tag}>{html}</{tag}>"
    return html
