"""Atlassian Document Format: build documents from text, read them back, enrich comments.

Documents Tandem does not understand are passed on as they are: helpers copy nodes, they
never rebuild them, so nothing an editor wrote is lost in a round trip.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

Node = dict[str, Any]

HEADER_SUFFIX = " wrote on "
_BLANK_LINES = re.compile(r"\n[ \t]*\n+")


def doc(content: Iterable[Node]) -> Node:
    return {"type": "doc", "version": 1, "content": list(content)}


def text(value: str, *marks: str) -> Node:
    node: Node = {"type": "text", "text": value}
    if marks:
        node["marks"] = [{"type": mark} for mark in marks]
    return node


def paragraph(content: Iterable[Node] = ()) -> Node:
    nodes = list(content)
    return {"type": "paragraph", "content": nodes} if nodes else {"type": "paragraph"}


def hard_break() -> Node:
    return {"type": "hardBreak"}


def is_doc(value: Any) -> bool:
    return isinstance(value, dict) and value.get("type") == "doc"


def _lines_to_paragraph(block: str) -> Node:
    nodes: list[Node] = []
    for index, line in enumerate(block.split("\n")):
        if index:
            nodes.append(hard_break())
        if line:
            nodes.append(text(line))
    return paragraph(nodes)


def from_text(value: str) -> Node:
    """Plain text as paragraphs (split on blank lines) with hard breaks for single newlines."""
    normalized = value.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if not normalized.strip():
        return doc([])
    return doc(_lines_to_paragraph(block) for block in _BLANK_LINES.split(normalized))


_INLINE_TYPES = {
    "text", "hardBreak", "mention", "emoji", "inlineCard", "status", "date", "placeholder",
    "inlineExtension", "mediaInline",
}  # fmt: skip
_LIST_TYPES = {"bulletList", "orderedList", "taskList", "decisionList"}


def _inline_text(node: Node) -> str:
    kind = node.get("type")
    attrs = node.get("attrs") or {}
    if kind == "text":
        return str(node.get("text", ""))
    if kind == "hardBreak":
        return "\n"
    if kind in ("mention", "emoji", "status"):
        return str(attrs.get("text") or attrs.get("shortName") or attrs.get("id") or "")
    if kind in ("inlineCard", "blockCard", "embedCard"):
        return str(attrs.get("url", ""))
    return "".join(_inline_text(child) for child in node.get("content") or [])


def _block_text(node: Node) -> str:
    kind = node.get("type")
    children: list[Node] = node.get("content") or []
    if kind in _LIST_TYPES:
        ordered = kind == "orderedList"
        return "\n".join(
            f"{f'{i}.' if ordered else '-'} {_block_text(item)}"
            for i, item in enumerate(children, start=1)
        )
    if kind == "rule":
        return "---"
    if not children or any(child.get("type") in _INLINE_TYPES for child in children):
        return _inline_text(node)
    separator = "\n" if kind in ("listItem", "taskItem", "decisionItem") else "\n\n"
    return separator.join(part for child in children if (part := _block_text(child)))


def to_text(document: Any) -> str:
    """The readable text of a document: paragraphs split by blank lines, breaks as newlines.

    Wiki markup strings are returned unchanged; ``None`` reads as an empty string.
    """
    if document is None:
        return ""
    if isinstance(document, str):
        return document
    return _block_text(document) if document.get("content") else ""


# --- wiki markup (old webhook payloads and the service desk API) ---

_WIKI_INLINE = re.compile(
    r"\[(?P<label>[^|\]\n]+)\|(?P<href>[^\]\s]+)\]"
    r"|\{\{(?P<code>[^}\n]+)\}\}"
    r"|(?<![\w*])\*(?P<strong>[^*\n]+)\*(?![\w*])"
    r"|(?<![\w_])_(?P<em>[^_\n]+)_(?![\w_])"
)


def _wiki_inline(line: str) -> list[Node]:
    nodes: list[Node] = []
    position = 0
    for match in _WIKI_INLINE.finditer(line):
        if match.start() > position:
            nodes.append(text(line[position : match.start()]))
        nodes.append(_wiki_node(match))
        position = match.end()
    if position < len(line):
        nodes.append(text(line[position:]))
    return nodes


def _wiki_node(match: re.Match[str]) -> Node:
    if match.group("href"):
        node = text(match.group("label"))
        node["marks"] = [{"type": "link", "attrs": {"href": match.group("href")}}]
        return node
    if match.group("code"):
        return text(match.group("code"), "code")
    if match.group("strong"):
        return text(match.group("strong"), "strong")
    return text(match.group("em"), "em")


def from_wiki(markup: str) -> Node:
    """Wiki markup as ADF paragraphs; bold, italic, monospace and links become marks.

    Other markup (tables, panels, macros) is kept as literal text rather than guessed at.
    """
    normalized = markup.replace("\r\n", "\n").replace("\r", "\n").replace("\\\\", "\n")
    normalized = normalized.strip("\n")
    if not normalized.strip():
        return doc([])
    blocks = []
    for block in _BLANK_LINES.split(normalized):
        nodes: list[Node] = []
        for index, line in enumerate(block.split("\n")):
            if index:
                nodes.append(hard_break())
            nodes.extend(_wiki_inline(line))
        blocks.append(paragraph(nodes))
    return doc(blocks)


def ensure_doc(value: Any) -> Node:
    """An ADF document for a field or comment body: documents pass through unchanged,
    strings (wiki markup from old payloads) are converted, ``None`` is an empty document."""
    if value is None:
        return doc([])
    if isinstance(value, str):
        return from_wiki(value)
    if is_doc(value):
        return dict(value)
    raise TypeError(f"expected an ADF document or a string, got {type(value).__name__}")


# --- enriched comment headers ---


@dataclass(frozen=True)
class Header:
    """Who wrote a synchronized comment, and where."""

    author: str
    where: str


def header_paragraph(author: str, where: str) -> Node:
    """``**author** wrote on where:`` as a paragraph of ADF nodes."""
    return paragraph(
        [text(author.strip() or "Someone", "strong"), text(f"{HEADER_SUFFIX}{where}:")]
    )


def with_header(document: Any, author: str, where: str) -> Node:
    """A copy of ``document`` with the header paragraph in front; its nodes are copied as is."""
    enriched = copy.deepcopy(ensure_doc(document))
    enriched["content"] = [header_paragraph(author, where), *(enriched.get("content") or [])]
    return enriched


def read_header(document: Any) -> Header | None:
    """The header of an enriched document, or None if it does not start with one."""
    if not is_doc(document) or not document.get("content"):
        return None
    first = document["content"][0]
    children = first.get("content") or []
    if first.get("type") != "paragraph" or len(children) != 2:
        return None
    name, rest = children
    if name.get("type") != "text" or name.get("marks") != [{"type": "strong"}]:
        return None
    tail = rest.get("text", "") if rest.get("type") == "text" and not rest.get("marks") else ""
    if not tail.startswith(HEADER_SUFFIX) or not tail.endswith(":"):
        return None
    return Header(author=str(name.get("text", "")), where=tail[len(HEADER_SUFFIX) : -1])


def strip_header(document: Any) -> Node:
    """``document`` without its header paragraph (unchanged copy if it has none)."""
    original = ensure_doc(document)
    stripped = copy.deepcopy(original)
    if read_header(original) is not None:
        stripped["content"] = stripped["content"][1:]
    return stripped
