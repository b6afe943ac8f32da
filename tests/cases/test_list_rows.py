# ruff: noqa: E501 — the oracle row below is the template as it was written, long lines included
"""A list row (``cases/_case_row.html``) prints what ``cases.views.pages._decorate`` worked out once per page. The
oracle is the row as it was written with template tags (``{% url %}``, ``get_FOO_display``, ``|date``, the light
include): the same cases must come out as the same markup, in both languages, on the list and on "my cases". And
the filter form's selects are Django's own ``Select`` markup."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django import forms
from django.template import Context, Template
from django.utils import translation

from cases.forms import CaseFilterForm
from cases.models import Case
from cases.views.pages import _decorate

from .helpers import at, file_case

#: The row as it was before its values were worked out in Python (the oracle).
TAGGED_ROW = """{% load i18n %}<li class="case-row{% if c.ui_light %} case-row--{{ c.ui_light }}{% endif %}">
  <a class="case-row__link" href="{% url 'cases:detail' c.pk %}">
    <span class="case-row__head">
      <span class="mono case-row__number">{{ c.number }}</span>
      <span class="badge status-{{ c.status }}">{{ c.get_status_display }}</span>
      {% if c.ui_light %}{% include "includes/light.html" with light=c.ui_light %}{% endif %}
      {% if c.supervised_at %}<span class="badge status-supervised">{% translate "督办" %}</span>{% endif %}
      {% if c.status == "reported" or c.status == "accepted" %}{% if c.accept_due_at and c.accept_due_at <= now %}<span class="badge status-overdue">{% translate "受理/派遣超时" %}</span>{% endif %}{% endif %}
    </span>
    <span class="case-row__title">{{ c.title }}</span>
    <span class="case-row__meta muted small">
      <span>{{ c.category.name }}</span>
      <span>{% if c.grid %}{{ c.grid.name }}{% elif c.community %}{{ c.community.name }}{% else %}{{ c.street.name }}{% endif %}</span>
      <span>{% blocktranslate with level=c.get_level_display %}{{ level }}级{% endblocktranslate %}</span>
      <span><time datetime="{{ c.reported_at|date:'c' }}">{{ c.reported_at|date:"m-d H:i" }}</time></span>
    </span>
    {% if c.ui_due %}
      <span class="case-row__due small{% if c.ui_due.overdue %} is-overdue{% endif %}">{% if c.status == "on_hold" %}{{ c.ui_due.label }}{% else %}{% translate "时限" %}{% endif %} {{ c.ui_due.at|date:"m-d H:i" }} · {{ c.ui_due.text }}</span>
    {% endif %}
  </a>
</li>"""

ROW = re.compile(r'<li class="case-row.*?</li>', re.S)
NOW = at(2026, 11, 20, 16, 0)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\n", " ")).strip()


@pytest.fixture
def varied(world):
    """Cases in every light, open and finished, supervised, at several levels, filed late at night (a date that
    differs between UTC and Beijing time)."""
    cases = [
        file_case(
            world, code="0101", title=f"行 {i} <标题> & 符号", now=at(2026, 11, 19, 23, 30) + timedelta(minutes=i)
        )
        for i in range(6)
    ]
    Case.objects.filter(pk=cases[0].pk).update(due_at=NOW - timedelta(hours=1))  # red
    Case.objects.filter(pk=cases[1].pk).update(due_at=NOW + timedelta(hours=1), yellow_at=NOW - timedelta(hours=1))
    Case.objects.filter(pk=cases[2].pk).update(status="closed", closed_at=NOW)
    Case.objects.filter(pk=cases[3].pk).update(supervised_at=NOW, level="street")
    Case.objects.filter(pk=cases[4].pk).update(level="district", status="dispatched")
    # on hold, its expected end an hour ago: the row shows that end, overdue
    Case.objects.filter(pk=cases[5].pk).update(status="on_hold", held_at=NOW, hold_until=NOW - timedelta(hours=1))
    return world


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("path", ["/cases/", "/cases/mine/?tab=all"])
def test_rows_print_what_the_tags_printed(varied, web, language, path):
    tagged = Template(TAGGED_ROW)
    client = web("street_officer" if path == "/cases/" else "grid_worker")
    with time_machine.travel(NOW, tick=False):
        client.cookies["django_language"] = language
        page = client.get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        shown = ROW.findall(page)
        ids = [int(m) for m in re.findall(r'href="/cases/(\d+)/"', "".join(shown))]
        assert len(shown) == len(ids) >= 6
        with translation.override(language):
            rows = _decorate(
                Case.objects.filter(pk__in=ids).select_related("category", "grid", "community", "street"), NOW
            )
            expected = {c.pk: squash(tagged.render(Context({"c": c, "now": NOW}))) for c in rows}
    lights = {c.pk: c.ui_light for c in rows}
    assert {"red", "yellow", "green", ""} <= set(lights.values())
    for html, pk in zip(shown, ids, strict=True):
        assert squash(html) == expected[pk], pk
    late = [html for html in shown if ("受理/派遣超时" if language == "zh-hans" else "Late to accept") in html]
    assert late and all("status-reported" in html or "status-accepted" in html for html in late)
    (held,) = [html for html in shown if "status-on_hold" in html]
    due = squash(re.search(r'<span class="case-row__due.*?</span>', held, re.S).group())
    assert "is-overdue" in due and ("预计恢复办理" if language == "zh-hans" else "Expected") in due


def test_the_filter_forms_selects_are_djangos_select_markup(world):
    form = CaseFilterForm(
        {
            "status": "reported",
            "level": "grid",
            "light": "red",
            "channel": "",
            "sort": "due",
            "grid": str(world.grid_a.id),
        },
        user=world.street_officer,
    )
    for name, field in form.fields.items():
        if not isinstance(field.widget, forms.Select):
            continue
        mine = str(form[name])
        oracle_widget = forms.Select(choices=field.widget.choices, attrs=field.widget.attrs)
        oracle = oracle_widget.render(
            name, form[name].value(), attrs=form[name].build_widget_attrs({"id": form[name].auto_id})
        )
        assert re.sub(r">\s+<", "><", mine) == re.sub(r">\s+<", "><", oracle.strip()), name
