"""民情日记 → case, in one tap.

Why here: the conversion must call ``case_file``, and ``residents`` sits BELOW ``cases`` (cases may import
residents, never the reverse). So the step lives in cases, and the link is kept on the residents side as a
plain number (``DiaryEntry.case_id``, unique — like ``AccessLog.case_id``) written through
``residents.services.diary_link_case``. The case page reads the link back through
``residents.selectors.diary_entry_for_case``. The case also gets the entry's house (``Case.house``), which is
what the household map counts open cases by.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import InvalidInput, NotAllowed, NotFound
from core.stored_text import kept
from governance.models import Category, User
from residents.choices import DiaryTopic
from residents.selectors import diary_visible_to
from residents.services import diary_link_case

from ..choices import Channel
from ..models import Case
from .filing import case_file

TITLE_LENGTH = 40


@transaction.atomic
def case_file_from_diary(
    *, actor: User, entry_id: int, category: Category | None = None, now: datetime | None = None
) -> Case:
    """File a case from a diary entry the actor may see: grid, house address, topic and text prefilled.

    Steps: (1) lock the entry row; (2) refuse if it already became a case; (3) ``case_file`` with the
    entry's grid, house, address (the house's, else the place typed) and text, channel 巡查发现; (4) record the link
    with a conditional update (a second tap, even at the same moment, gets NotAllowed and its transaction —
    with its case — rolls back). ``category`` defaults to the entry's own.
    """
    entry = (
        diary_visible_to(user=actor).select_for_update(of=("self",)).select_related("house", "grid").filter(pk=entry_id)
    ).first()
    if entry is None:
        raise NotFound(_("没有找到该民情日记"), code="not_found")
    if entry.case_id:
        raise NotAllowed(_("该民情日记已转为事件"), code="already_converted")
    category = category or entry.category
    if category is None:
        raise InvalidInput(_("请选择事项类别"), code="category")
    address = entry.address or entry.grid.name
    # the case's title and description are kept: in the message ids' language, whoever converts the entry
    title = f"{kept(DiaryTopic(entry.topic).label)}：{entry.text.strip().splitlines()[0][:TITLE_LENGTH]}"
    description = (
        entry.text.strip()
        + "\n\n"
        + kept("（来源：民情日记 %(date)s，%(author)s）")
        % {
            "date": f"{entry.written_at:%Y-%m-%d}",
            "author": entry.author.display_name if entry.author is not None else "",
        }
    )
    house = entry.house
    lat = house.lat if house is not None else None
    lng = house.lng if house is not None and lat is not None else None
    if lng is None:
        lat = None
    case = case_file(
        actor=actor,
        category=category,
        title=title,
        description=description,
        address=address,
        channel=Channel.PATROL,
        lat=lat,
        lng=lng,
        grid=entry.grid,
        house=house if house is not None and house.grid_id == entry.grid_id else None,
        now=now,
    )
    diary_link_case(entry_id=entry.pk, case_id=case.pk, case_number=case.number)
    return case
