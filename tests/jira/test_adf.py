"""ADF helpers: every document they build is valid against Atlassian's published ADF schema."""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.jira import adf
from tests.support.openapi import SPECS_DIR

TEXT_CHARS = st.characters(exclude_categories=["Cs"])


@cache
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads((SPECS_DIR / "adf-schema-full.json").read_text())
    return jsonschema.Draft4Validator(schema)


def assert_valid(document: Any) -> None:
    errors = list(validator().iter_errors(document))
    assert not errors, [error.message for error in errors[:3]]


RICH_DOC: dict[str, Any] = {
    "type": "doc",
    "version": 1,
    "content": [
        {"type": "heading", "attrs": {"level": 2}, "content": [{"type": "text", "text": "Title"}]},
        {
            "type": "paragraph",
            "content": [
                {"type": "text", "text": "Hi "},
                {"type": "mention", "attrs": {"id": "557058:ann", "text": "@Ann"}},
                {"type": "text", "text": " "},
                {"type": "emoji", "attrs": {"shortName": ":smile:", "text": "😄"}},
            ],
        },
        {
            "type": "bulletList",
            "content": [
                {
                    "type": "listItem",
                    "content": [
                        {"type": "paragraph", "content": [{"type": "text", "text": "one"}]}
                    ],
                },
                {
                    "type": "listItem",
                    "content": [
                        {"type": "paragraph", "content": [{"type": "text", "text": "two"}]}
                    ],
                },
            ],
        },
        {
            "type": "codeBlock",
            "attrs": {"language": "python"},
            "content": [{"type": "text", "text": "print(1)"}],
        },  # fmt: skip
        {
            "type": "panel",
            "attrs": {"panelType": "info"},
            "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Note"}]}],
        },
        {"type": "rule"},
    ],
}

UNKNOWN_DOC: dict[str, Any] = {
    "type": "doc",
    "version": 1,
    "content": [
        {"type": "futureWidget", "attrs": {"x": [1, 2]}, "content": [{"type": "sparkle"}]},
        {
            "type": "paragraph",
            "marks": [{"type": "alignment", "attrs": {"align": "center"}}],
            "content": [{"type": "text", "text": "kept", "marks": [{"type": "textColor"}]}],
        },
    ],
}


def test_the_schema_rejects_a_bare_text_node_under_doc() -> None:
    with pytest.raises(AssertionError):
        assert_valid({"type": "doc", "version": 1, "content": [adf.text("bare")]})
    assert_valid(RICH_DOC)


@pytest.mark.parametrize(
    ("source", "paragraphs"),
    [
        ("Hello", [["Hello"]]),
        ("Hello\nworld", [["Hello", "\n", "world"]]),
        ("One\n\nTwo\n\n\n\nThree", [["One"], ["Two"], ["Three"]]),
        ("Windows\r\nlines\r\n\r\nend", [["Windows", "\n", "lines"], ["end"]]),
        ("\n\nTrimmed\n\n", [["Trimmed"]]),
    ],
)
def test_from_text(source: str, paragraphs: list[list[str]]) -> None:
    document = adf.from_text(source)
    assert_valid(document)
    assert [
        [node.get("text", "\n") for node in block["content"]] for block in document["content"]
    ] == paragraphs


@pytest.mark.parametrize("source", ["", "   ", "\n\n"])
def test_blank_text_is_an_empty_document(source: str) -> None:
    document = adf.from_text(source)
    assert document == {"type": "doc", "version": 1, "content": []}
    assert_valid(document)
    assert adf.to_text(document) == ""


def test_to_text_reads_paragraphs_and_breaks() -> None:
    assert adf.to_text(adf.from_text("a\nb\n\nc")) == "a\nb\n\nc"


def test_to_text_reads_rich_documents() -> None:
    assert adf.to_text(RICH_DOC) == (
        "Title\n\nHi @Ann 😄\n\n- one\n- two\n\nprint(1)\n\nNote\n\n---"
    )
    assert adf.to_text(UNKNOWN_DOC) == "kept"
    assert adf.to_text(None) == "" and adf.to_text("wiki *text*") == "wiki *text*"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=TEXT_CHARS, max_size=200))
def test_any_text_builds_a_valid_document_that_reads_back_stably(source: str) -> None:
    document = adf.from_text(source)
    assert_valid(document)
    again = adf.from_text(adf.to_text(document))
    assert again == document


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(exclude_characters="\r\n", exclude_categories=["Cs"]))
        .map(str.strip)
        .filter(bool),
        min_size=1,
        max_size=5,
    )
)
def test_paragraphs_round_trip_exactly(lines: list[str]) -> None:
    source = "\n\n".join(lines)
    assert adf.to_text(adf.from_text(source)) == source


def test_header_is_proper_adf_and_reads_back() -> None:
    original = adf.from_text("The printer is on fire.")
    enriched = adf.with_header(original, "Ann Smith", "customer.atlassian.net / ACME")
    assert_valid(enriched)
    assert enriched["content"][0] == {
        "type": "paragraph",
        "content": [
            {"type": "text", "text": "Ann Smith", "marks": [{"type": "strong"}]},
            {"type": "text", "text": " wrote on customer.atlassian.net / ACME:"},
        ],
    }
    assert adf.read_header(enriched) == adf.Header("Ann Smith", "customer.atlassian.net / ACME")
    assert adf.strip_header(enriched) == original
    assert adf.to_text(enriched).startswith("Ann Smith wrote on customer.atlassian.net / ACME:")


def test_header_with_a_blank_author_is_still_valid() -> None:
    enriched = adf.with_header(adf.from_text("x"), "  ", "SUP")
    assert_valid(enriched)
    assert adf.read_header(enriched) == adf.Header("Someone", "SUP")


def test_unknown_nodes_survive_header_round_trips_untouched() -> None:
    before = copy.deepcopy(UNKNOWN_DOC)
    enriched = adf.with_header(UNKNOWN_DOC, "Bob", "SUP")
    assert enriched["content"][1:] == UNKNOWN_DOC["content"]
    assert adf.strip_header(enriched) == UNKNOWN_DOC
    assert UNKNOWN_DOC == before  # the input was not modified
    enriched["content"][1]["attrs"]["x"].append(3)
    assert UNKNOWN_DOC == before  # nor shared with the output


def test_rich_documents_stay_valid_with_a_header() -> None:
    assert_valid(adf.with_header(RICH_DOC, "Ann", "ACME"))
    assert adf.strip_header(adf.with_header(RICH_DOC, "Ann", "ACME")) == RICH_DOC


@pytest.mark.parametrize(
    "document",
    [
        adf.from_text("Ann wrote on ACME:"),  # no strong author
        adf.doc([adf.paragraph([adf.text("Ann", "strong"), adf.text(" said:")])]),
        adf.doc([adf.paragraph([adf.text("Ann", "strong"), adf.text(" wrote on ACME")])]),
        adf.doc([adf.paragraph([adf.text("Ann", "em"), adf.text(" wrote on ACME:")])]),
        adf.doc([]),
        "Ann wrote on ACME:",
        None,
    ],
)
def test_documents_without_a_header(document: Any) -> None:
    assert adf.read_header(document) is None
    if document is not None and not isinstance(document, str):
        assert adf.strip_header(document) == document


def test_wiki_markup_becomes_adf_paragraphs() -> None:
    document = adf.from_wiki(
        "Hi *team*, see _this_ and {{code}}\nnext line\\\\forced\n\n[the docs|https://example.com]"
    )
    assert_valid(document)
    first, second = document["content"]
    assert first["content"] == [
        adf.text("Hi "),
        adf.text("team", "strong"),
        adf.text(", see "),
        adf.text("this", "em"),
        adf.text(" and "),
        adf.text("code", "code"),
        adf.hard_break(),
        adf.text("next line"),
        adf.hard_break(),
        adf.text("forced"),
    ]
    assert second["content"] == [
        {"type": "text", "text": "the docs", "marks": [{"type": "link", "attrs": {"href": "https://example.com"}}]}
    ]  # fmt: skip


def test_wiki_markup_leaves_unknown_markup_as_text() -> None:
    document = adf.from_wiki("{panel}snake_case_name and 2*3*4{panel}")
    assert_valid(document)
    assert adf.to_text(document) == "{panel}snake_case_name and 2*3*4{panel}"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=TEXT_CHARS, max_size=200))
def test_any_wiki_markup_builds_a_valid_document(markup: str) -> None:
    assert_valid(adf.from_wiki(markup))


@pytest.mark.parametrize(
    "payload",
    [
        "comment_created.jsdPublic.cloud.json",
        "comment_updated.jsdPublic.cloud.json",
        "comment_deleted.jsdPublic.cloud.json",
    ],
)
def test_webhook_comment_bodies_become_documents(payload: str) -> None:
    event = json.loads((SPECS_DIR / "webhooks" / payload).read_text())
    body = event["comment"]["body"]
    assert isinstance(body, str)
    document = adf.ensure_doc(body)
    assert_valid(document)
    assert adf.to_text(document) == body


def test_ensure_doc() -> None:
    assert adf.ensure_doc(RICH_DOC) == RICH_DOC
    assert adf.ensure_doc(None) == adf.doc([])
    assert adf.ensure_doc("plain") == adf.from_text("plain")
    with pytest.raises(TypeError):
        adf.ensure_doc(42)
