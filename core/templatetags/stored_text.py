"""``{{ text|localized }}``: a text the services stored from a message template, in the reader's language
(``core.stored_text``): notices, an event's role and note, a summons record."""

from django import template

from core.stored_text import localize

register = template.Library()


@register.filter
def localized(text: str, kind: str = "notice") -> str:
    """``{{ n.title|localized }}`` (a notice), ``{{ ev.actor_role|localized:"role" }}``, ``…|localized:"record"``."""
    return localize(text or "", kind)
