"""Jira wiki markup and ADF, both ways: rich text as REST v2 (wiki strings) and v3 (ADF) see it.

``to_adf(text)`` reads the markup Jira's v2 API takes; ``from_adf(document)`` writes what it
returns. Supported: paragraphs (lines joined by hard breaks), ``h1.``-``h6.``, ``----``,
``bq.``, ``{quote}``, ``{code[:lang]}``, ``{noformat}``, ``{panel}``/``{info}``/``{note}``/
``{warning}``/``{tip}``, ``*``/``#``/``-`` lists (nested by repeating the marker), ``||head||``
and ``|cell|`` tables; inline ``*strong*``, ``_em_``, ``{{code}}``, ``-strike-``,
``+underline+``, ``[text|url]``, ``[url]`` and ``[~accountid:ID]`` mentions. Documents made of
those nodes survive ``to_adf(from_adf(doc))``; other nodes are written as their text.
"""

from __future__ import annotations

import re
from typing import Any

Node = dict[str, Any]

_HEADING = re.compile(r"^h([1-6])\.\s+(.*)$")
_LIST_ITEM = re.compile(r"^([*#-]+)\s+(.*)$")
_MACRO_OPEN = re.compile(
    r"^\{(code|noformat|quote|panel|info|note|warning|tip)(?::([^}]*))?\}(.*)$"
)
_PANEL_MACROS = {
    "panel": "info",
    "info": "info",
    "note": "note",
    "warning": "warning",
    "tip": "success",
}
_MACRO_OF_PANEL = {"info": "info", "note": "note", "warning": "warning", "success": "tip"}
_MARK_CHARS = {"*": "strong", "_": "em", "-": "strike", "+": "underline"}
_CHAR_OF_MARK = {mark: char for char, mark in _MARK_CHARS.items()}
_INLINE = re.compile(
    r"\{\{(?P<code>.+?)\}\}"
    r"|\[~accountid:(?P<mention>[^\]]+)\]"
    r"|\[(?P<link>[^\]|]+?)(?:\|(?P<href>[^\]|]+))?\]"
    r"|(?<![\w*_+-])(?P<mark>[*_+-])(?P<marked>[^\s*_+-](?:.*?[^\s])?)(?P=mark)(?![\w])"
)


# --- wiki markup to ADF -----------------------------------------------------------------


def to_adf(text: str) -> Node:
    """The ADF document for wiki markup ``text`` (an empty string gives an empty document)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return {"type": "doc", "version": 1, "content": _blocks(lines)}


def _blocks(lines: list[str]) -> list[Node]:
    blocks: list[Node] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if not stripped:
            index += 1
            continue
        macro = _MACRO_OPEN.match(stripped)
        if macro:
            block, index = _macro(macro, lines, index)
        elif _LIST_ITEM.match(stripped) and not _is_rule(stripped):
            block, index = _list(lines, index)
        elif stripped.startswith("|"):
            block, index = _table(lines, index)
        else:
            block, index = _single(lines, index)
        blocks.append(block)
    return blocks


def _is_rule(line: str) -> bool:
    return re.fullmatch(r"-{4,}", line) is not None


def _single(lines: list[str], index: int) -> tuple[Node, int]:
    stripped = lines[index].strip()
    heading = _HEADING.match(stripped)
    if heading:
        level = int(heading.group(1))
        node = {"type": "heading", "attrs": {"level": level}, "content": inline(heading.group(2))}
        return _without_empty(node), index + 1
    if _is_rule(stripped):
        return {"type": "rule"}, index + 1
    if stripped.startswith("bq. "):
        return {"type": "blockquote", "content": [_paragraph([stripped[4:]])]}, index + 1
    paragraph: list[str] = []
    while index < len(lines) and _continues_paragraph(lines[index]):
        paragraph.append(lines[index])
        index += 1
    return _paragraph(paragraph), index


def _continues_paragraph(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return False
    starts_block = (
        _MACRO_OPEN.match(stripped)
        or _HEADING.match(stripped)
        or _is_rule(stripped)
        or stripped.startswith(("|", "bq. "))
        or _LIST_ITEM.match(stripped)
    )
    return not starts_block


def _paragraph(lines: list[str]) -> Node:
    content: list[Node] = []
    for number, line in enumerate(lines):
        if number:
            content.append({"type": "hardBreak"})
        content.extend(inline(line))
    return _without_empty({"type": "paragraph", "content": content})


def _without_empty(node: Node) -> Node:
    if not node.get("content"):
        node.pop("content", None)
    return node


def _macro(match: re.Match[str], lines: list[str], index: int) -> tuple[Node, int]:
    name, parameter, rest = match.group(1), match.group(2), match.group(3)
    closing = "{" + name + "}"
    body: list[str] = []
    if rest.endswith(closing):
        body, end = [rest[: -len(closing)]], index + 1
    else:
        body = [rest] if rest else []
        end = index + 1
        while end < len(lines) and lines[end].strip() != closing:
            body.append(lines[end])
            end += 1
        end += 1
    if name in ("code", "noformat"):
        node: Node = {"type": "codeBlock"}
        if name == "code" and parameter:
            node["attrs"] = {"language": parameter}
        code = "\n".join(body)
        if code:
            node["content"] = [{"type": "text", "text": code}]
        return node, end
    inner = _blocks(body) or [{"type": "paragraph"}]
    if name == "quote":
        return {"type": "blockquote", "content": inner}, end
    return {"type": "panel", "attrs": {"panelType": _PANEL_MACROS[name]}, "content": inner}, end


def _list(lines: list[str], index: int) -> tuple[Node, int]:
    """One list: the items that follow, until one starts a list of the other kind."""
    items: list[tuple[str, str]] = []
    end = index
    while end < len(lines):
        match = _LIST_ITEM.match(lines[end].strip())
        if not match or _is_rule(lines[end].strip()):
            break
        items.append((match.group(1).replace("-", "*"), match.group(2)))
        end += 1
    node, consumed = _list_level(items, 0, 1)
    return node, index + consumed


def _list_level(items: list[tuple[str, str]], start: int, depth: int) -> tuple[Node, int]:
    marker = items[start][0][depth - 1]
    kind = "orderedList" if marker == "#" else "bulletList"
    node: Node = {"type": kind, "content": []}
    index = start
    while index < len(items) and len(items[index][0]) >= depth:
        markers, text = items[index]
        if markers[depth - 1] != marker:
            break
        if len(markers) > depth:
            nested, index = _list_level(items, index, depth + 1)
            if not node["content"]:
                node["content"].append({"type": "listItem", "content": [{"type": "paragraph"}]})
            node["content"][-1]["content"].append(nested)
            continue
        node["content"].append({"type": "listItem", "content": [_paragraph([text])]})
        index += 1
    if kind == "orderedList":
        node["attrs"] = {"order": 1}
    return node, index


def _table(lines: list[str], index: int) -> tuple[Node, int]:
    rows: list[Node] = []
    while index < len(lines) and lines[index].strip().startswith("|"):
        rows.append(_table_row(lines[index].strip()))
        index += 1
    return {"type": "table", "content": rows}, index


def _table_row(line: str) -> Node:
    header = line.startswith("||")
    separator = "||" if header else "|"
    cells = line.strip("|").split(separator)
    kind = "tableHeader" if header else "tableCell"
    return {
        "type": "tableRow",
        "content": [{"type": kind, "content": [_paragraph([cell.strip()])]} for cell in cells],
    }


def inline(text: str, marks: tuple[Node, ...] = ()) -> list[Node]:
    """The inline nodes of one line of wiki markup, each carrying ``marks`` as well."""
    nodes: list[Node] = []
    position = 0
    for match in _INLINE.finditer(text):
        nodes.extend(_text(text[position : match.start()], marks))
        nodes.extend(_inline_match(match, marks))
        position = match.end()
    nodes.extend(_text(text[position:], marks))
    return nodes


def _text(text: str, marks: tuple[Node, ...]) -> list[Node]:
    if not text:
        return []
    node: Node = {"type": "text", "text": text}
    if marks:
        node["marks"] = list(marks)
    return [node]


def _inline_match(match: re.Match[str], marks: tuple[Node, ...]) -> list[Node]:
    if match.group("code") is not None:
        return _text(match.group("code"), (*marks, {"type": "code"}))
    if match.group("mention") is not None:
        account = match.group("mention")
        return [{"type": "mention", "attrs": {"id": account, "text": "@" + account}}]
    if match.group("link") is not None:
        label, href = match.group("link"), match.group("href")
        link = {"type": "link", "attrs": {"href": href or label}}
        return inline(label, (*marks, link))
    mark = {"type": _MARK_CHARS[match.group("mark")]}
    return inline(match.group("marked"), (*marks, mark))


# --- ADF to wiki markup -----------------------------------------------------------------


def from_adf(document: Node | None) -> str:
    """The wiki markup for an ADF document (``""`` for none)."""
    if not document:
        return ""
    return "\n\n".join(b for b in (_block(n) for n in document.get("content", [])) if b)


def _block(node: Node, list_prefix: str = "") -> str:
    kind = node.get("type")
    attrs = node.get("attrs") or {}
    content = node.get("content", [])
    if kind == "paragraph":
        return _inline_wiki(content)
    if kind == "heading":
        return f"h{attrs.get('level', 1)}. {_inline_wiki(content)}"
    if kind == "rule":
        return "----"
    if kind == "codeBlock":
        code = "".join(str(child.get("text", "")) for child in content)
        opening = "{code:" + str(attrs["language"]) + "}" if attrs.get("language") else "{code}"
        return f"{opening}\n{code}\n{{code}}"
    if kind == "blockquote":
        return "{quote}\n" + _blocks_wiki(content) + "\n{quote}"
    if kind == "panel":
        macro = _MACRO_OF_PANEL.get(str(attrs.get("panelType")), "panel")
        return "{" + macro + "}\n" + _blocks_wiki(content) + "\n{" + macro + "}"
    if kind in ("bulletList", "orderedList"):
        return _list_wiki(node, list_prefix)
    if kind == "table":
        return "\n".join(_row_wiki(row) for row in content)
    return _inline_wiki(content) if content else ""


def _blocks_wiki(nodes: list[Node]) -> str:
    return "\n\n".join(b for b in (_block(n) for n in nodes) if b)


def _list_wiki(node: Node, prefix: str) -> str:
    marker = prefix + ("#" if node.get("type") == "orderedList" else "*")
    lines: list[str] = []
    for item in node.get("content", []):
        for child in item.get("content", []):
            if child.get("type") in ("bulletList", "orderedList"):
                lines.append(_list_wiki(child, marker))
            elif child.get("content"):
                lines.append(f"{marker} {_inline_wiki(child.get('content', []))}")
    return "\n".join(lines)


def _row_wiki(row: Node) -> str:
    cells = row.get("content", [])
    header = bool(cells) and all(cell.get("type") == "tableHeader" for cell in cells)
    separator = "||" if header else "|"
    texts = [_blocks_wiki(cell.get("content", [])).replace("\n\n", "\n") for cell in cells]
    return separator + separator.join(texts) + separator


def _inline_wiki(nodes: list[Node]) -> str:
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
        return str(attrs.get("text") or attrs.get("shortName", ""))
    if kind == "inlineCard":
        return f"[{attrs.get('url', '')}]"
    return _inline_wiki(node.get("content", []))


def _marked(text: str, marks: list[Node]) -> str:
    for mark in reversed(marks):
        kind = mark.get("type")
        if kind == "code":
            text = "{{" + text + "}}"
        elif kind == "link":
            href = str((mark.get("attrs") or {}).get("href", ""))
            text = f"[{href}]" if text == href else f"[{text}|{href}]"
        elif kind in _CHAR_OF_MARK:
            char = _CHAR_OF_MARK[str(kind)]
            text = f"{char}{text}{char}"
    return text
