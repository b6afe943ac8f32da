"""Texts the services keep in the database, shown in the reader's language. A notice's title, an event's role
("…综治中心", "…联络员") or a summons record's note is written once, from a fixed set of message templates, in the
language of the message ids (``kept``), whoever's request wrote it; here a kept text is matched back to its template
and rendered again through gettext, with the words inside it (levels, verdicts, reasons) translated too. Free text
typed by people (notes, case titles) stays as typed. Each app registers the templates it writes from its
``AppConfig.ready()`` (``register_templates``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext, pgettext

#: The language of the message ids, in which texts are kept: ``localize`` matches a kept text to its template
#: and shows it in any other language. A text written in a reader's language (an English liaison's report-in kept
#: as "城管执法 reported in…") would be shown in English to everybody else.
SOURCE_LANGUAGE = "zh-hans"


@contextmanager
def source_language() -> Iterator[None]:
    """Compose texts to keep under this (a block or, as ``@source_language()``, a function): ``_()`` and lazy
    labels then give the message ids' language, whatever language the request runs in."""
    with translation.override(SOURCE_LANGUAGE):
        yield


def kept(message: str | Promise) -> str:
    """``message`` (a message id, or a lazy label such as a choice's) as a text to keep: in ``SOURCE_LANGUAGE``."""
    with translation.override(SOURCE_LANGUAGE):
        return str(message) if isinstance(message, Promise) else gettext(message)


#: The registered templates and their words (parameters that are words of the application, translated; the
#: others are data, kept as written), by kind: "notice" (the outbox's titles and bodies), "role" (an event's
#: recorded role), "record" (a summons record's note). Kinds keep apart what is matched: a note a person typed
#: that happens to end like a role ("…综治中心") is never read as one, because notes are not matched as roles.
_REGISTRY: dict[str, tuple[list[str], set[str]]] = {}

#: Parameters whose values have a known shape, matched by it rather than by "anything": a case number holds no
#: full-width bracket, so in "【报到超时督办】%(why)s（%(number)s）" the number is the last bracket's content
#: and ``why`` keeps its own brackets ("住建未按时报到（报到时限12-02 04:38）").
SHAPES = {"number": r"[^（）]+"}


def register_templates(templates: list[str], *, words: tuple[str, ...] | set[str] = (), kind: str = "notice") -> None:
    """Add the message templates an app stores texts of ``kind`` from (and their parameters that are words)."""
    known, known_words = _REGISTRY.setdefault(kind, ([], set()))
    for template in templates:
        if template not in known:
            known.append(template)
    known_words.update(words)
    _patterns.cache_clear()


@cache
def _patterns(kind: str) -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for template in _REGISTRY.get(kind, ([], set()))[0]:
        seen: set[str] = set()
        parts, pos = [], 0
        for m in re.finditer(r"%\((\w+)\)s", template):
            parts.append(re.escape(template[pos : m.start()]))
            name = m.group(1)
            parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>{SHAPES.get(name, '.+?')})")
            seen.add(name)
            pos = m.end()
        parts.append(re.escape(template[pos:]))
        out.append((template, re.compile("".join(parts), re.S)))
    return out


def localize(text: str, kind: str = "notice", *, whole: bool = True) -> str:
    """``text`` in the active language when it is a known message, or was made from a template of ``kind``; else
    unchanged. ``whole=False``: templates only — a note a person typed that happens to be a message ("已处理") is
    theirs, as typed."""
    if not text or (get_language() or "").startswith("zh"):
        return text
    if whole:
        translated = gettext(text)
        if translated != text:
            return translated
    words = _REGISTRY.get(kind, ([], set()))[1]
    for template, pattern in _patterns(kind):
        m = pattern.fullmatch(text)
        if m is None:
            continue
        params = {k: (_word(v, kind) if k in words else v) for k, v in m.groupdict().items()}
        try:
            return gettext(template) % params
        except (KeyError, ValueError, TypeError):
            return text
    return text


def _word(value: str, kind: str) -> str:
    """A word inside a kept text, in the active language: as the word of that kind of text (context "<kind> word":
    上报 as a notice's label is "Escalated", not the event's "Report"; a verdict reads "approved" mid-sentence), else
    as a text of its own."""
    text = pgettext(f"{kind} word", value)
    return text if text != value else localize(value, kind)
