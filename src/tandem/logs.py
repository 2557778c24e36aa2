"""Logging set-up: plain or JSON lines, with tokens and secrets redacted."""

from __future__ import annotations

import logging
import re

from pythonjsonlogger.json import JsonFormatter

# Page loads carry the Connect token in the query string, the admin UI's links carry Tandem's
# session token as ``s``, and uvicorn logs request lines.
_SECRET_PATTERNS = [
    (re.compile(r"(jwt=)[^&\s\"']+"), r"\1[redacted]"),
    (re.compile(r"([?&]s=)[^&\s\"']+"), r"\1[redacted]"),
    (re.compile(r"((?:JWT|Bearer|Basic) )[A-Za-z0-9._~+/=-]+"), r"\1[redacted]"),
    (re.compile(r"(\"?sharedSecret\"?\s*[:=]\s*\"?)[^\"',\s}]+"), r"\1[redacted]"),
]


def redact(text: str) -> str:
    """``text`` with JWTs, authorization credentials and shared secrets replaced."""
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's rendered message so that no secret reaches a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def configure(level: str = "INFO", *, json: bool = False) -> None:
    """Route Tandem's and uvicorn's logs to stderr, one line per record."""
    handler = logging.StreamHandler()
    formatter: logging.Formatter
    if json:
        formatter = JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    else:
        formatter = logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    handler.setFormatter(formatter)
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
