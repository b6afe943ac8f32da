# ruff: noqa: E501 — the oracle rows below are the template as it was written, long lines included
"""The queue's rows (``escalation.views.dashboard._queue_rows_html``) are built in Python from what ``_present_rows``
worked out. The oracle is the template loop they replace: the same cases — every light, supervised, returned,
dispatched to a department, closed, without a grid, a title full of markup — must come out as the same markup, in
both languages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.services import case_transition
from escalation.selectors import triage
from escalation.views.dashboard import _present_rows, _queue_rows_html
from tests.cases.helpers import file_case

from .test_dashboard import NOW, q, street  # noqa: F401 (the fixture)

#: The rows as the template wrote them before (the oracle).
TAGGED_ROWS = """{% load i18n %}
          {% for c in page.rows %}
            <tr class="{% if c.ui_light %}row--{{ c.ui_light }}{% endif %}" data-case="{{ c.pk }}">
              <td class="cell-check"><input type="checkbox" name="ids" value="{{ c.pk }}" aria-label="{{ c.ui_select_label }}"></td>
              <td class="cell-number"><a class="mono" href="{{ c.ui_url }}">{{ c.number }}</a>
                <time class="muted small" datetime="{{ c.ui_reported_iso }}">{{ c.ui_reported_short }}</time></td>
              <td class="cell-title"><a href="{{ c.ui_url }}">{{ c.title }}</a>
                <span class="muted small cell-meta">{{ c.category.name }} · <span class="grade">{{ c.grade }}</span>{% if c.grid %} · {{ c.grid.name }}{% elif c.community %} · {{ c.community.name }}{% endif %}{% if c.ui_level_text %} · {{ c.ui_level_text }}{% endif %}</span></td>
              <td class="cell-status">
                <span class="badge status-{{ c.status }}">{{ c.ui_status_label }}</span>
                {% if c.ui_light %}<span class="badge light-{{ c.ui_light }}">{{ c.ui_light_label }}</span>{% endif %}
                {% if c.supervised_at %}<span class="badge status-supervised">{{ supervised_label }}</span>{% endif %}
                {% if c.ui_returns_text %}<span class="badge status-overdue">{{ c.ui_returns_text }}</span>{% endif %}
                {% if c.ui_accept_late_text %}<span class="badge status-overdue" data-accept-late>{{ c.ui_accept_late_text }}</span>{% endif %}
                {% if c.ui_hold_due_text %}<span class="badge status-overdue" data-hold-due>{{ c.ui_hold_due_text }}</span>{% endif %}
              </td>
              <td class="cell-due{% if c.ui_light == 'red' %} is-overdue{% endif %}">{% if c.ui_due_iso %}<time datetime="{{ c.ui_due_iso }}">{{ c.ui_due_short }}</time> <span class="small">{{ c.ui_left_text }}</span>{% else %}<span class="muted">—</span>{% endif %}</td>
              <td class="cell-handler small">{{ c.ui_handler }}</td>
            </tr>
          {% endfor %}
"""


def _held_past_its_expected_end(world) -> None:
    """A case the district holds (挂账) until an hour before NOW: the queue marks it."""
    case = file_case(world, code="0301", title="挂账过期", now=NOW - timedelta(hours=5))
    case_transition(case_id=case.pk, action="accept", actor=world.district_officer, now=NOW - timedelta(hours=4))
    case_transition(
        case_id=case.pk,
        action="hold",
        actor=world.district_officer,
        note="等待资金",
        hold_until=(NOW - timedelta(hours=1)).isoformat(),
        now=NOW - timedelta(hours=3),
    )


def squash(text: str) -> str:
    """Runs of white space as one space, and none around table rows' and cells' tags (where it shows nothing)."""
    return re.sub(r"\s*(</?t[rd]\b[^>]*>)\s*", r"\1", re.sub(r"\s+", " ", text)).strip()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_are_the_template_loops_markup(world, street, language):  # noqa: F811
    file_case(world, code="0101", title="<b>\"引号\" & '单引号'</b>", now=NOW, address="<script>")
    _held_past_its_expected_end(world)
    with translation.override(language), time_machine.travel(NOW, tick=False):
        _fs, page = triage.queue(world.district_officer, q(view="all"), now=NOW, page_size=100)
        _present_rows(page.rows, NOW)
        built = _queue_rows_html(page.rows, _("督办"))
        oracle = Template(TAGGED_ROWS).render(Context({"page": page, "supervised_label": _("督办")}))
        resume_label = _("预计恢复办理")
    rows = page.rows
    # the cases cover every branch of a row
    assert {c.ui_light for c in rows} >= {"red", "yellow", ""}
    assert any(c.supervised_at for c in rows) and any(c.ui_returns_text for c in rows)
    assert [c.title for c in rows if c.ui_hold_due_text] == ["挂账过期"]
    held = next(c for c in rows if c.status == "on_hold")  # its due column: the hold's expected end, not "—"
    assert held.ui_due_short == timezone.localtime(NOW - timedelta(hours=1)).strftime("%m-%d %H:%M")
    assert held.ui_left_text.startswith(f"{resume_label} · ") and held.ui_light == ""
    late = [c for c in rows if c.ui_accept_late_text]
    assert late and all(c.status in ("reported", "accepted") and c.accept_due_at <= NOW for c in late)
    assert not [c for c in rows if not c.ui_accept_late_text and c.status in ("reported", "accepted")
                and c.accept_due_at and c.accept_due_at <= NOW]  # fmt: skip
    assert any(c.ui_departments for c in rows) and any(c.grid is None for c in rows)
    assert any(not c.ui_due_iso for c in rows) and any(c.ui_due_iso for c in rows)
    assert "&lt;b&gt;&quot;引号&quot; &amp; &#x27;单引号&#x27;&lt;/b&gt;" in built
    assert squash(built) == squash(oracle)
    assert built.count("<tr ") == len(rows) > 8


def test_the_filter_selects_options_are_what_format_html_wrote():
    """``_options`` against the ``format_html_join`` it replaced (the oracle): markup and quotes in labels and
    values escaped, the chosen value marked, codes in front of the category names."""
    from django.utils.html import format_html_join
    from django.utils.safestring import mark_safe

    from escalation.views.dashboard import _options

    def oracle(choices, selected, with_code=False):
        chosen = mark_safe(" selected")
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (v, chosen if str(v) == (selected or "") else "", f"{v} {label}" if with_code else label)
                for v, label in choices
            ),
        )

    choices = [(1, "第一网格（G1）"), (22, "<b>\"引号\" & '单引号'</b>"), ("0101", "<script>x</script>"), ('a"b', "值")]
    for selected in (None, "", "22", "0101", 'a"b', "nonsense"):
        for with_code in (False, True):
            built = _options(choices, selected, with_code=with_code)
            assert built == oracle(choices, selected, with_code), (selected, with_code)
    assert str(_options(choices, "22")).count(" selected") == 1
    assert "<script>" not in _options(choices, None)
