"""``{% countdown_words as w %}``: the countdown's patterns (``core.durations``) for the pages' tickers, in the page's
language. Written with ``{% translate '%(d)s 天' %}`` they were never translated: the tag looks the literal up with
its ``%`` doubled, a message the catalogue does not hold, so an English page's tickers counted down in Chinese."""

from django import template

from core.durations import countdown_words as words

register = template.Library()


@register.simple_tag
def countdown_words() -> dict[str, str]:
    return words()
