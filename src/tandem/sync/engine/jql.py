"""JQL an admin adds to a pass over existing issues, checked before it joins Tandem's own.

Tandem's query is ``project = P AND issuetype in (...) AND (<admin's JQL>)``. The admin's
text must stay inside its parentheses: a quote or parenthesis that is never closed, a ``)``
that closes more than it opened, or an ``ORDER BY`` could change what the whole query means
(``id = 0) OR (project = PRIV``). The text is tokenized the way Jira reads it (quoted strings
with backslash escapes, parentheses, words, operators) and refused unless it is one
well-formed clause group. Every issue found is still checked for its project afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LENGTH = 2000
QUOTES = "\"'"
PUNCTUATION = "(),"
OPERATOR_CHARS = "=!~<>"
CONNECTIVES = {"and", "or", "&&", "||"}
NEGATIONS = {"not", "!"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class JqlRefused(ValueError):
    """The JQL cannot be added safely; ``reason`` says why, for the admin."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Token:
    kind: str  # "string", "word", "op", or the punctuation character itself
    text: str


def tokens(text: str) -> list[Token]:
    """Jira's view of ``text``: quoted strings (escapes kept), words, operators, punctuation."""
    found: list[Token] = []
    at = 0
    while at < len(text):
        char = text[at]
        if char.isspace():
            at += 1
        elif char in QUOTES:
            end = _string_end(text, at)
            found.append(Token("string", text[at:end]))
            at = end
        elif char in PUNCTUATION:
            found.append(Token(char, char))
            at += 1
        elif char in OPERATOR_CHARS:
            end = at
            while end < len(text) and text[end] in OPERATOR_CHARS:
                end += 1
            found.append(Token("op", text[at:end]))
            at = end
        else:
            end = at
            while end < len(text) and not _ends_word(text[end]):
                end += 1
            if "\\" in text[at:end]:
                raise JqlRefused("a backslash is only allowed inside a quoted string")
            found.append(Token("word", text[at:end]))
            at = end
    return found


def _ends_word(char: str) -> bool:
    return char.isspace() or char in QUOTES or char in PUNCTUATION or char in OPERATOR_CHARS


def _string_end(text: str, start: int) -> int:
    quote = text[start]
    at = start + 1
    while at < len(text):
        if text[at] == "\\":
            at += 2
            continue
        if text[at] == quote:
            return at + 1
        at += 1
    raise JqlRefused(f"a quoted string is never closed (the {quote} at character {start + 1})")


def check(text: str) -> str:
    """``text`` stripped, if it is one well-formed clause group; ``JqlRefused`` otherwise."""
    text = text.strip()
    if not text:
        raise JqlRefused("the JQL is empty")
    if len(text) > MAX_LENGTH:
        raise JqlRefused(f"the JQL is longer than {MAX_LENGTH} characters")
    if _CONTROL.search(text):
        raise JqlRefused("the JQL contains control characters")
    found = tokens(text)
    _check_parentheses(found)
    _check_order_by(found)
    _check_connectives(found)
    return text


def _check_parentheses(found: list[Token]) -> None:
    depth = 0
    for token in found:
        if token.kind == "(":
            depth += 1
        elif token.kind == ")":
            depth -= 1
            if depth < 0:
                raise JqlRefused("a ')' closes a parenthesis that was never opened")
    if depth:
        raise JqlRefused("a '(' is never closed")


def _check_order_by(found: list[Token]) -> None:
    words = [t.text.lower() if t.kind == "word" else "" for t in found]
    if any(a == "order" and b == "by" for a, b in zip(words, words[1:], strict=False)):
        raise JqlRefused("ORDER BY is not allowed: Tandem orders the issues itself")


def _check_connectives(found: list[Token]) -> None:
    """No clause may be missing around AND/OR, so the group cannot start or end open."""

    def connective(token: Token | None) -> bool:
        return token is not None and token.kind == "word" and token.text.lower() in CONNECTIVES

    def negation(token: Token) -> bool:
        return token.kind in ("word", "op") and token.text.lower() in NEGATIONS

    previous: Token | None = None
    for token in found:
        if connective(token) and (previous is None or previous.kind == "(" or connective(previous)):
            raise JqlRefused(f"{token.text.upper()} needs a clause before it")
        if token.kind == ")" and (connective(previous) or (previous and negation(previous))):
            raise JqlRefused(f"{previous.text.upper() if previous else ''} needs a clause after it")
        previous = token
    if previous is not None and (connective(previous) or negation(previous)):
        raise JqlRefused(f"{previous.text.upper()} needs a clause after it")


def restrict(base: str, extra: str | None) -> str:
    """``base`` narrowed by the admin's ``extra`` JQL, which stays in its own parentheses."""
    if not extra:
        return base
    return f"{base} AND ({check(extra)})"
