"""``{{ notice.title|localized }}``: a notice's text in the reader's language (``core.stored_text``; the notice
templates are registered by ``escalation.notice_text``)."""

from core.templatetags.stored_text import register  # noqa: F401 - the same ``localized`` filter, by its old name
