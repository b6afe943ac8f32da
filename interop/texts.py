"""The texts the 12345 desk keeps (``core.stored_text.kept``), registered by ``InteropConfig.ready()`` so each reader
sees them in their own language: the notes it writes on a case for the officer who acted (kind "note": the case page
reads a person's note through these templates only) and the hotline's account name on the timeline (kind "role")."""

from django.utils.translation import gettext_noop as N_

RETURN_ASKED = N_("向12345热线申请退单（%(reason)s）：%(text)s")
TRIAGED = N_("已完成分类，移出待分类队列")
PLACED = N_("已分类：事项小类 %(category)s%(grid)s；办理时限 %(due)s")
PLACED_IN_GRID = N_("，网格 %(grid)s")
HOTLINE_ACCOUNT = N_("12345热线（%(name)s）")

NOTE_TEMPLATES = [RETURN_ASKED, TRIAGED, PLACED, PLACED_IN_GRID]
#: Parameters that are words of the application: the 退单 reason's label, and the placing's grid clause (itself
#: a template); the text, category and times are data.
NOTE_WORDS = ("reason", "grid")
