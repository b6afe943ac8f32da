"""Follow-up tokens never reach a log: ``/track/<token>/`` and ``/api/v1/public/cases/<token>/`` are written
as ``/track/[token]/`` in every log line (Django's request and dev-server logs through the console handler's
filter, gunicorn's access log through ``config.gunicorn_logging.RedactingLogger``).

The token is the citizen's only credential: whoever reads it can follow and rate the case, so logs (kept
longer and read by more people than the database) must not hold it.
"""

from __future__ import annotations

import logging
import re

TOKEN_PATHS = re.compile(r"(/track/|/api/v1/public/cases/)(?!\[token\])[^/?#\s\"']+")
REDACTED = r"\1[token]"


def redact(text: str) -> str:
    return TOKEN_PATHS.sub(REDACTED, text)


class RedactTokensFilter(logging.Filter):
    """A handler filter: the record's formatted message (and traceback text) with tokens redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        request = getattr(record, "request", None)
        if request is not None and TOKEN_PATHS.search(getattr(request, "path", "")):
            record.request = None  # Django's handlers would print the path again from it
        return True
