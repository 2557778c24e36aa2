"""A JQL subset: parse a query into clauses joined by AND/OR/NOT, plus ORDER BY.

Evaluation lives in ``jql_eval``; this module only knows the language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import JiraError

_TOKEN = re.compile(
    r"""
    \s*(?:
      (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<property>issue\.property\[[^\]]+\](?:\.[\w.]+)?)
    | (?P<cf>cf\[\d+\])
    | (?P<op>!=|>=|<=|!~|=|>|<|~|\(|\)|,)
    | (?P<word>[-+]?[\w./:@-]+)
    )""",
    re.VERBOSE | re.IGNORECASE,
)
_KEYWORDS = {"and", "or", "not", "in", "is", "empty", "null", "order", "by", "asc", "desc"}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str

    def keyword(self, *words: str) -> bool:
        return self.kind == "word" and self.text.lower() in words


@dataclass
class Value:
    text: str | None  # None for EMPTY/NULL
    function: bool = False


@dataclass
class Clause:
    field: str
    operator: str
    values: list[Value]


@dataclass
class Not:
    operand: Node


@dataclass
class Junction:
    operator: str  # "and" | "or"
    operands: list[Node]


Node = Clause | Not | Junction


@dataclass
class Query:
    where: Node | None
    order_by: list[tuple[str, bool]] = field(default_factory=list)  # (field, descending)


def syntax_error(detail: str) -> JiraError:
    return JiraError(400, [f"Error in the JQL Query: {detail}"])


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        if not text[position:].strip():
            break
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise syntax_error(
                f"The character '{text[position:].strip()[0]}' is a reserved "
                f"JQL character. (line 1, character {position + 1})"
            )
        kind = str(match.lastgroup)
        raw = match.group(kind)
        if kind == "string":
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        tokens.append(Token(kind, raw))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise syntax_error("Expecting more input at the end of the query.")
        self.position += 1
        return token

    def expect_op(self, text: str) -> None:
        token = self.take()
        if token.kind != "op" or token.text != text:
            raise syntax_error(f"Expecting '{text}' but got '{token.text}'.")

    def query(self) -> Query:
        where = None
        token = self.peek()
        if token is not None and not token.keyword("order"):
            where = self.disjunction()
        order = self.order_by()
        if self.peek() is not None:
            raise syntax_error(f"Expecting either 'OR' or 'AND' but got '{self.take().text}'.")
        return Query(where, order)

    def disjunction(self) -> Node:
        operands = [self.conjunction()]
        while (token := self.peek()) is not None and token.keyword("or"):
            self.take()
            operands.append(self.conjunction())
        return operands[0] if len(operands) == 1 else Junction("or", operands)

    def conjunction(self) -> Node:
        operands = [self.negation()]
        while (token := self.peek()) is not None and token.keyword("and"):
            self.take()
            operands.append(self.negation())
        return operands[0] if len(operands) == 1 else Junction("and", operands)

    def negation(self) -> Node:
        token = self.peek()
        if token is not None and (token.keyword("not") or token.text == "!"):
            self.take()
            return Not(self.negation())
        if token is not None and token.kind == "op" and token.text == "(":
            self.take()
            inner = self.disjunction()
            self.expect_op(")")
            return inner
        return self.clause()

    def clause(self) -> Clause:
        name = self.take()
        if name.kind == "op" or name.text.lower() in _KEYWORDS:
            raise syntax_error(f"Expecting a field name but got '{name.text}'.")
        operator = self.operator()
        if operator in ("in", "not in"):
            return Clause(name.text, operator, self.value_list())
        return Clause(name.text, operator, [self.value()])

    def operator(self) -> str:
        token = self.take()
        if token.kind == "op" and token.text not in "(),":
            return token.text
        if token.keyword("in"):
            return "in"
        if token.keyword("is"):
            following = self.peek()
            if following is not None and following.keyword("not"):
                self.take()
                return "is not"
            return "is"
        if token.keyword("not"):
            following = self.take()
            if following.keyword("in"):
                return "not in"
        raise syntax_error(f"Expecting an operator but got '{token.text}'.")

    def value_list(self) -> list[Value]:
        """``(a, b, ...)``, or one list function: ``issuetype in standardIssueTypes()``."""
        token = self.peek()
        if token is not None and token.kind == "word":
            return [self.value()]
        self.expect_op("(")
        values = [self.value()]
        while (token := self.peek()) is not None and token.text == ",":
            self.take()
            values.append(self.value())
        self.expect_op(")")
        return values

    def value(self) -> Value:
        token = self.take()
        if token.keyword("empty", "null"):
            return Value(None)
        if token.kind == "op":
            raise syntax_error(f"Expecting a value but got '{token.text}'.")
        following = self.peek()
        if token.kind == "word" and following is not None and following.text == "(":
            self.take()
            self.expect_op(")")
            return Value(token.text.lower(), function=True)
        return Value(token.text)

    def order_by(self) -> list[tuple[str, bool]]:
        token = self.peek()
        if token is None or not token.keyword("order"):
            return []
        self.take()
        if not self.take().keyword("by"):
            raise syntax_error("Expecting 'BY' after 'ORDER'.")
        order = [self.sort_key()]
        while (token := self.peek()) is not None and token.text == ",":
            self.take()
            order.append(self.sort_key())
        return order

    def sort_key(self) -> tuple[str, bool]:
        name = self.take().text
        token = self.peek()
        if token is not None and token.keyword("asc", "desc"):
            self.take()
            return name, token.text.lower() == "desc"
        return name, False


def parse(text: str) -> Query:
    return _Parser(tokenize(text)).query()
