"""``{{ notice.title|localized }}``: a notice's text in the reader's language (``escalation.notice_text``)."""

from django import template

from ..notice_text import localize

register = template.Library()


@register.filter
def localized(text: str) -> str:
    return localize(text or "")
