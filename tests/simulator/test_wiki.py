"""ADF to Jira wiki markup, as webhooks carry rich text."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.simulator.adf import is_document
from tandem.simulator.wiki import to_wiki

Node = dict[str, Any]


def text(value: str, *marks: Node) -> Node:
    node: Node = {"type": "text", "text": value}
    if marks:
        node["marks"] = list(marks)
    return node


def para(*content: Node) -> Node:
    return {"type": "paragraph", "content": list(content)}


def doc(*content: Node) -> Node:
    document = {"type": "doc", "version": 1, "content": list(content)}
    assert is_document(document)
    return document


def item(*content: Node) -> Node:
    return {"type": "listItem", "content": list(content)}


def cell(kind: str, value: str) -> Node:
    return {"type": kind, "content": [para(text(value))]}


@pytest.mark.parametrize(
    ("document", "wiki"),
    [
        (doc(para(text("Hello")), para(text("World"))), "Hello\n\nWorld"),
        (doc(para(text("a"), {"type": "hardBreak"}, text("b"))), "a\nb"),
        (
            doc(
                para(
                    text("b", {"type": "strong"}),
                    text(" "),
                    text("i", {"type": "em"}),
                    text(" "),
                    text("x*y", {"type": "code"}),
                    text(" "),
                    text("gone", {"type": "strike"}),
                    text(" "),
                    text("site", {"type": "link", "attrs": {"href": "https://x.example"}}),
                )
            ),
            "*b* _i_ {{x*y}} -gone- [site|https://x.example]",
        ),
        (doc(para(text("2 * 3 [sic] {x}"))), "2 \\* 3 \\[sic\\] \\{x\\}"),
        (
            doc({"type": "heading", "attrs": {"level": 3}, "content": [text("Title")]}),
            "h3. Title",
        ),
        (
            doc(
                {
                    "type": "bulletList",
                    "content": [
                        item(
                            para(text("one")),
                            {"type": "orderedList", "content": [item(para(text("first")))]},
                        ),
                        item(para(text("two"))),
                    ],
                }
            ),
            "* one\n*# first\n* two",
        ),
        (
            doc(
                {
                    "type": "codeBlock",
                    "attrs": {"language": "python"},
                    "content": [text("if a * b:\n    pass")],
                }
            ),
            "{code:python}\nif a * b:\n    pass\n{code}",
        ),
        (doc({"type": "codeBlock", "content": [text("x")]}), "{code}\nx\n{code}"),
        (
            doc(
                {
                    "type": "table",
                    "content": [
                        {"type": "tableRow", "content": [cell("tableHeader", "H")] * 2},
                        {"type": "tableRow", "content": [cell("tableCell", "c")] * 2},
                    ],
                }
            ),
            "||H||H||\n|c|c|",
        ),
        (
            doc(para(text("Hi "), {"type": "mention", "attrs": {"id": "5b10", "text": "@Sam"}})),
            "Hi [~accountid:5b10]",
        ),
        (
            doc({"type": "panel", "attrs": {"panelType": "info"}, "content": [para(text("x"))]}),
            "{info}\nx\n{info}",
        ),
        (doc({"type": "blockquote", "content": [para(text("q"))]}), "{quote}\nq\n{quote}"),
        (doc(para(text("a")), {"type": "rule"}), "a\n\n----"),
        (doc(), ""),
    ],
)
def test_documents_become_wiki_markup(document: Node, wiki: str) -> None:
    assert to_wiki(document) == wiki


def test_no_document_is_an_empty_string() -> None:
    assert to_wiki(None) == ""
