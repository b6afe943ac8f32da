"""Texts the services stored in the language of whoever caused them, shown in the reader's language. A notice's
title, an event's role ("…综治中心", "…联络员") or a summons record's note is written once, from a fixed set of message
templates; here a stored text is matched back to its template and rendered again through gettext, with the words
inside it (levels, verdicts, reasons) translated too. Free text typed by people (notes, case titles) stays as
typed. Each app registers the templates it writes from its ``AppConfig.ready()`` (``register_templates``)."""

from __future__ import annotations

import re
from functools import cache

from django.utils.translation import get_language, gettext

#: Every registered template (the same msgids as where the texts are written).
TEMPLATES: list[str] = []

#: Parameters that are words of the application (translated), not data (kept as written).
WORDS: set[str] = set()


def register_templates(templates: list[str], *, words: tuple[str, ...] = ()) -> None:
    """Add the message templates an app stores texts from (and the parameters that are words of the application)."""
    for template in templates:
        if template not in TEMPLATES:
            TEMPLATES.append(template)
    WORDS.update(words)
    _patterns.cache_clear()


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for template in TEMPLATES:
        seen: set[str] = set()
        parts, pos = [], 0
        for m in re.finditer(r"%\((\w+)\)s", template):
            parts.append(re.escape(template[pos : m.start()]))
            name = m.group(1)
            parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
            seen.add(name)
            pos = m.end()
        parts.append(re.escape(template[pos:]))
        out.append((template, re.compile("".join(parts), re.S)))
    return out


def localize(text: str) -> str:
    """``text`` in the active language when it was made from a known message; else unchanged."""
    if not text or (get_language() or "").startswith("zh"):
        return text
    whole = gettext(text)
    if whole != text:
        return whole
    for template, pattern in _patterns():
        m = pattern.fullmatch(text)
        if m is None:
            continue
        params = {k: (localize(v) if k in WORDS else v) for k, v in m.groupdict().items()}
        try:
            return gettext(template) % params
        except (KeyError, ValueError, TypeError):
            return text
    return text
