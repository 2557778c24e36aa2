"""ADF documents as Jira wiki markup, the way Jira Cloud shows rich text in webhooks and REST v2.

No library on PyPI converts ADF to Jira wiki markup (there are converters to Markdown, and
from wiki markup to Markdown), so this is a small one of our own. It covers the nodes people
write in descriptions and comments: paragraphs, headings, lists (nested and mixed), code
blocks, quotes, panels, rules, tables, mentions (``[~accountid:...]``), emoji, links and
cards, media, and the text marks. Text that would read as markup is escaped with a
backslash. A node it does not know is rendered as its content, so no text is lost.
"""

from __future__ import annotations

import re
from typing import Any

Node = dict[str, Any]

_MARKS = {
    "strong": ("*", "*"),
    "em": ("_", "_"),
    "strike": ("-", "-"),
    "underline": ("+", "+"),
    "code": ("{{", "}}"),
}
_SUBSUP = {"sub": ("~", "~"), "sup": ("^", "^")}
_PANELS = {
    "info": "info", "note": "note", "warning": "warning", "success": "tip", "error": "warning",
}  # fmt: skip
_SPECIAL = re.compile(r"([\\*_{}\[\]|!^~+])")
_LINE_START = re.compile(r"^([-#]|h[1-6]\.|bq\.)", re.MULTILINE)
_LISTS = {"bulletList": "*", "orderedList": "#", "taskList": "*", "decisionList": "*"}


def to_wiki(document: Node | None) -> str:
    """The wiki markup of an ADF document; an empty or missing document is an empty string."""
    if not document:
        return ""
    return _blocks(document.get("content") or [], "").strip("\n")


def _blocks(nodes: list[Node], bullets: str) -> str:
    parts = [_block(node, bullets) for node in nodes]
    return "\n\n".join(part for part in parts if part)


def _block(node: Node, bullets: str) -> str:
    kind = str(node.get("type"))
    attrs = node.get("attrs") or {}
    content: list[Node] = node.get("content") or []
    if kind == "paragraph":
        return _inline(content)
    if kind == "heading":
        return f"h{int(attrs.get('level', 1))}. {_inline(content)}"
    if kind in _LISTS:
        return _list(content, bullets + _LISTS[kind])
    if kind == "codeBlock":
        language = attrs.get("language")
        opening = f"{{code:{language}}}" if language else "{code}"
        return f"{opening}\n{''.join(str(c.get('text', '')) for c in content)}\n{{code}}"
    if kind == "blockquote":
        return f"{{quote}}\n{_blocks(content, '')}\n{{quote}}"
    if kind == "panel":
        macro = _PANELS.get(str(attrs.get("panelType")), "panel")
        return f"{{{macro}}}\n{_blocks(content, '')}\n{{{macro}}}"
    if kind == "rule":
        return "----"
    if kind == "table":
        return "\n".join(_row(row) for row in content)
    if kind in ("mediaSingle", "mediaGroup"):
        return " ".join(_media(child) for child in content)
    if kind == "media":
        return _media(node)
    if kind == "blockCard" or kind == "embedCard":
        url = str(attrs.get("url", ""))
        return f"[{url}|{url}|smart-card]"
    if content and all(_is_inline(child) for child in content):
        return _inline(content)
    return _blocks(content, bullets)


def _list(items: list[Node], bullets: str) -> str:
    lines: list[str] = []
    for item in items:
        children: list[Node] = item.get("content") or []
        if children and _is_inline(children[0]):  # task and decision items hold inline nodes
            lines.append(f"{bullets} {_inline(children)}")
            continue
        head = True
        for child in children:
            if child.get("type") in _LISTS:
                lines.append(_block(child, bullets))
            elif head:
                lines.append(f"{bullets} {_block(child, '')}")
                head = False
            else:
                lines.append(_block(child, bullets))
    return "\n".join(line for line in lines if line)


def _row(row: Node) -> str:
    cells: list[Node] = row.get("content") or []
    text = ""
    for cell in cells:
        separator = "||" if cell.get("type") == "tableHeader" else "|"
        inner = _blocks(cell.get("content") or [], "").replace("\n\n", "\n") or " "
        text += separator + inner
    last = cells[-1].get("type") if cells else "tableCell"
    return text + ("||" if last == "tableHeader" else "|")


def _media(node: Node) -> str:
    attrs = node.get("attrs") or {}
    name = attrs.get("alt") or attrs.get("id") or attrs.get("url") or "attachment"
    return f"!{name}|thumbnail!"


def _is_inline(node: Node) -> bool:
    return node.get("type") in {
        "text", "hardBreak", "mention", "emoji", "inlineCard", "status", "date", "mediaInline",
        "placeholder", "inlineExtension",
    }  # fmt: skip


def _inline(nodes: list[Node]) -> str:
    return "".join(_inline_node(node) for node in nodes)


def _inline_node(node: Node) -> str:
    kind = node.get("type")
    attrs = node.get("attrs") or {}
    if kind == "text":
        return _marked(str(node.get("text", "")), node.get("marks") or [])
    if kind == "hardBreak":
        return "\n"
    if kind == "mention":
        return f"[~accountid:{attrs.get('id', '')}]"
    if kind == "emoji":
        return str(attrs.get("shortName") or attrs.get("text") or "")
    if kind == "inlineCard":
        url = str(attrs.get("url", ""))
        return f"[{url}|{url}|smart-link]"
    if kind == "status":
        return f"*{_escaped(str(attrs.get('text', '')))}*"
    if kind == "date":
        return str(attrs.get("timestamp", ""))
    return _inline(node.get("content") or [])


def _marked(text: str, marks: list[Node]) -> str:
    kinds = {str(mark.get("type")) for mark in marks}
    result = text if "code" in kinds else _escaped(text)
    for mark in marks:
        kind = str(mark.get("type"))
        attrs = mark.get("attrs") or {}
        if kind in _MARKS:
            opening, closing = _MARKS[kind]
            result = f"{opening}{result}{closing}"
        elif kind == "subsup":
            opening, closing = _SUBSUP.get(str(attrs.get("type")), ("", ""))
            result = f"{opening}{result}{closing}"
        elif kind == "textColor":
            result = f"{{color:{attrs.get('color', '')}}}{result}{{color}}"
        elif kind == "link":
            result = f"[{result}|{attrs.get('href', '')}]"
    return result


def _escaped(text: str) -> str:
    return _LINE_START.sub(r"\\\1", _SPECIAL.sub(r"\\\1", text))
