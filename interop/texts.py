"""The texts the 12345 desk keeps (``core.stored_text.kept``), registered by ``InteropConfig.ready()`` so each reader
sees them in their own language: the notes it writes on a case for the officer who acted (kind "note": the case page
reads a person's note through these templates only) and the hotline's account name on the timeline (kind "role")."""

from django.utils.translation import gettext_noop as N_

from core.stored_text import kept

RETURN_ASKED = N_("向12345热线申请退单（%(reason)s）：%(text)s")
TRIAGED = N_("已完成分类，移出待分类队列")
PLACED = N_("已分类：事项小类 %(category)s%(grid)s；办理时限 %(due)s")
PLACED_IN_GRID = N_("，网格 %(grid)s")
HOTLINE_ACCOUNT = N_("12345热线（%(name)s）")

# The hotline's decisions (``interop.services.decisions``): a fixed text, followed by the hotline's own note (data,
# as typed) when it sent one — each in both forms, the noted one first, so a note is never read as part of a word.
RETURN_APPROVED = N_("12345热线同意退单，工单由热线改派")
RETURN_APPROVED_NOTED = N_("12345热线同意退单，工单由热线改派：%(note)s")
RETURN_REFUSED = N_("12345热线驳回退单（终审，不得再退）")
RETURN_REFUSED_NOTED = N_("12345热线驳回退单（终审，不得再退）：%(note)s")
EXTENSION_REFUSED = N_("12345热线驳回延期申请")
FOLLOW_UP_UNREACHED = N_("12345热线回访未能联系到诉求人（无效回访）")
FOLLOW_UP_UNREACHED_NOTED = N_("12345热线回访未能联系到诉求人（无效回访）：%(note)s")
FOLLOW_UP_MERGED = N_("12345热线回访（本工单已并入%(into)s）：%(result)s")
FOLLOW_UP_MERGED_NOTED = N_("12345热线回访（本工单已并入%(into)s）：%(result)s；%(note)s")
REOPENED = N_("12345热线回访不满意，要求重办")

NOTE_TEMPLATES = [
    RETURN_ASKED,
    TRIAGED,
    PLACED,
    PLACED_IN_GRID,
    RETURN_APPROVED_NOTED,
    RETURN_APPROVED,
    RETURN_REFUSED_NOTED,
    RETURN_REFUSED,
    EXTENSION_REFUSED,
    FOLLOW_UP_UNREACHED_NOTED,
    FOLLOW_UP_UNREACHED,
    FOLLOW_UP_MERGED_NOTED,
    FOLLOW_UP_MERGED,
    REOPENED,
]
#: Parameters that are words of the application: the 退单 reason's label, the placing's grid clause (itself a
#: template) and a follow-up's satisfaction; the text, notes, category, case number and times are data.
NOTE_WORDS = ("reason", "grid", "result")


def decision_note(bare: str, noted: str, note: str, **params: str) -> str:
    """A hotline decision's fixed text, kept, with the hotline's own note after it (as typed) when it sent one."""
    if note:
        return kept(noted) % {**params, "note": note}
    return kept(bare) % params
