"""Wiki markup and ADF, both ways: what REST v2 reads and writes for v3's documents."""

from __future__ import annotations

import pytest

from tandem.simulator import adf, wiki

ROUND_TRIPS = [
    "Plain text",
    "Hello *bold*, _em_, {{code}}, -gone- and +under+",
    "*_both_*",
    "h2. Title\n\nline one\nline two",
    "* a\n* b\n** b1\n* c",
    "# first\n# second\n#* mixed",
    "{code:python}\nprint(1)\n{code}",
    "{code}\nplain\n{code}",
    "{quote}\nquoted\n{quote}",
    "{info}\nnote this\n{info}",
    "{warning}\ncareful\n{warning}",
    "||h1||h2||\n|c1|c2|",
    "see [Docs|https://x.example] and [https://y.example]",
    "ping [~accountid:5b10a2844c20165700ede21g]",
    "----",
    "a-b-c 2*3*4 snake_case_name and 1 + 2 + 3",
    "",
]


@pytest.mark.parametrize("text", ROUND_TRIPS)
def test_wiki_round_trips_through_valid_adf(text: str) -> None:
    document = wiki.to_adf(text)
    assert adf.is_document(document)
    assert wiki.from_adf(document) == text


def test_wiki_reads_structure_and_marks() -> None:
    document = wiki.to_adf("h1. Title\nSome *bold* [link|https://x.example]\n\n* one\n* two")
    heading, paragraph, bullets = document["content"]
    assert heading == {
        "type": "heading",
        "attrs": {"level": 1},
        "content": [{"type": "text", "text": "Title"}],
    }
    assert paragraph["content"] == [
        {"type": "text", "text": "Some "},
        {"type": "text", "text": "bold", "marks": [{"type": "strong"}]},
        {"type": "text", "text": " "},
        {
            "type": "text",
            "text": "link",
            "marks": [{"type": "link", "attrs": {"href": "https://x.example"}}],
        },
    ]
    assert [item["content"][0]["content"][0]["text"] for item in bullets["content"]] == [
        "one",
        "two",
    ]


def test_lines_of_a_paragraph_are_hard_breaks() -> None:
    assert wiki.to_adf("one\ntwo") == adf.from_text("one\ntwo")
    assert wiki.from_adf(adf.from_text("one\ntwo\n\nthree")) == "one\ntwo\n\nthree"


def test_unknown_nodes_are_written_as_their_text() -> None:
    document = {
        "type": "doc",
        "version": 1,
        "content": [
            {
                "type": "paragraph",
                "content": [{"type": "emoji", "attrs": {"shortName": ":smile:", "text": "😄"}}],
            },
            {"type": "mediaSingle", "content": []},
        ],
    }
    assert wiki.from_adf(document) == "😄"
    assert wiki.from_adf(None) == ""
