"""Labels made of a name and what places it: "雄关一网格（雄关社区）" in Chinese, "雄关一网格 (雄关社区)" in English —
the brackets are the page language's, the names are data."""

from __future__ import annotations

from django.utils.translation import gettext as _


def name_within(name: str, context: str) -> str:
    """A name with the place, parent or code that tells it apart from its namesakes."""
    return _("%(name)s（%(context)s）") % {"name": name, "context": context}
