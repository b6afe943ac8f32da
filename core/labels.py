"""Labels made of a name and what places it: "雄关一网格（雄关社区）" in Chinese, "雄关一网格 (雄关社区)" in English —
the brackets are the page language's, the names are data."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _


def name_within(name: str, context: str) -> str:
    """A name with the place, parent or code that tells it apart from its namesakes."""
    return _("%(name)s（%(context)s）") % {"name": name, "context": context}


def in_reader_language(name: str, name_en: str) -> str:
    """A catalogue name as the page's reader reads it: its English name on English pages where the catalogue has
    one, else the name as configured. For display only — stored texts keep the Chinese name."""
    if name_en and (get_language() or "").lower().startswith("en"):
        return name_en
    return name
