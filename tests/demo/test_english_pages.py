"""Every login's pages of the demo street, read in English, as a reader of those pages would: each link a page
offers opens, and what is not data reads in English — no untranslated message, no Chinese punctuation glued to
English words ("Skills：…", "住建 （Signed for）"). The oracle for "data": the text the database holds (names, titles,
notes people typed are Chinese and stay so). Pages are reached by following links from each role's landing page,
breadth first, a bounded number per role."""

from __future__ import annotations

import json
import re
from collections import Counter, deque

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext

from governance.models import User

from .test_load_demo import demo  # noqa: F401  (the module's demo fixture)

pytestmark = pytest.mark.django_db

ROLES = ["wangge01", "shequ01", "jiedao01", "qu01", "chengguan01", "dangyuan01", "gongdian01", "admin"]
PAGES_PER_ROLE = 60
PER_SHAPE = 3  # pages per path shape (/cases/<n>/): a few, as they differ (a whistled case, a closed one…)
SKIP = ("/static/", "/media/", "/i18n/", "/api/", "/accounts/logout", "/admin/logout", "/admin/password_change")
CJK_RUN = re.compile(r"[\u4e00-\u9fff][\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]*")
GLUED = re.compile(r"[A-Za-z][：（）；、，。]|[：（）；、，。][A-Za-z]")
OWN_NAME = {"简体中文"}  # the language switcher names each language in itself


def _database_text() -> str:
    values = []
    for model in apps.get_models():
        kinds = models.CharField | models.TextField | models.JSONField
        fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, kinds)]
        if fields:
            values += [
                v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                for row in model.objects.values_list(*fields)
                for v in row
                if v
            ]
    return "\n".join(values)


def _visible(html: str) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    attributes = " ".join(re.findall(r'(?:title|placeholder|aria-label|alt)="([^"]*)"', html))
    return re.sub(r"<[^>]+>", " ", html) + " " + attributes


def _links(html: str, *, admin: bool) -> list[str]:
    out = []
    for href in re.findall(r'href="(/[^"#]*)"', html):
        href = href.replace("&amp;", "&")
        if href.startswith(SKIP) or "export" in href or href.endswith((".csv", ".xlsx", ".svg")):
            continue
        if href.startswith("/admin/") and not admin:  # the staff pages link the admin for admins only
            continue
        out.append(href)
    return out


def _crawl(username: str):
    client = Client()
    client.force_login(User.objects.get(username=username))
    client.cookies["django_language"] = "en"
    seen, queue, parent, pages = set(), deque(["/"]), {}, []
    shapes: Counter[str] = Counter()
    while queue and len(pages) < PAGES_PER_ROLE:
        url = queue.popleft()
        shape = re.sub(r"\d+", "n", url.split("?")[0])
        if url in seen or shapes[shape] >= PER_SHAPE:
            continue
        seen.add(url)
        shapes[shape] += 1
        response = client.get(url, follow=True)
        pages.append((url, parent.get(url), response))
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            for href in _links(response.content.decode(), admin=username == "admin"):
                if href not in seen:
                    parent.setdefault(href, url)
                    queue.append(href)
    return pages


@pytest.mark.parametrize("username", ROLES)
def test_every_page_a_role_reaches_opens_and_reads_in_english(demo, username):  # noqa: F811
    data = _database_text()
    pages = _crawl(username)
    assert len(pages) >= 8  # the role's pages were reached, not only its landing page
    broken = [(url, came_from, r.status_code) for url, came_from, r in pages if r.status_code >= 400]
    assert broken == []
    untranslated, glued = {}, {}
    for url, _from, response in pages:
        if "html" not in response.get("Content-Type", ""):
            continue
        text = _visible(response.content.decode())
        for run in CJK_RUN.findall(text):
            if run not in data and run not in OWN_NAME:
                untranslated.setdefault(run, url)
        for m in GLUED.finditer(text):
            glued.setdefault(text[max(0, m.start() - 20) : m.end() + 20], url)
    assert untranslated == {}
    assert glued == {}


#: The project's apps (the admin's other lists are Django's and the libraries').
OURS = {"cases", "escalation", "interop", "governance", "grids", "residents", "mediation", "mobilisation"}


def _admin_client() -> Client:
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    return client


#: Tables that grow with the years (a province's millions of rows): their admin lists must not scan them.
GROWING = {
    "cases.Case",
    "cases.CaseEvent",
    "cases.Evidence",
    "interop.OutboundMessage",
    "interop.Order",
    "residents.AccessLog",
    "mobilisation.MobilisationEvent",
    "mediation.DisputeEvent",
}


def test_every_admin_list_names_its_columns_in_chinese_and_reads_no_growing_table_whole(demo):  # noqa: F811
    """The admin in the site's language: each list of the project's models heads its columns in Chinese — a field
    without a name of its own showed as "Partner", "Created at", a method as "Registrant name"."""
    client = _admin_client()
    english = {}
    for model in admin.site._registry:
        meta = model._meta
        if meta.app_label not in OURS:
            continue
        with CaptureQueriesContext(connection) as queries:
            html = client.get(f"/admin/{meta.app_label}/{meta.model_name}/").content.decode()
        if meta.label in GROWING:  # no filter or date hierarchy reads the whole table for its distinct values
            assert not [q["sql"] for q in queries.captured_queries if "DISTINCT" in q["sql"].upper()], meta.label
        if 'id="result_list"' not in html:  # nothing to list in the demo: no columns shown
            continue
        heads = re.findall(r'<th scope="col"[^>]*>.*?<div class="text">(?:<a[^>]*>)?(.*?)(?:</a>)?</div>', html, re.S)
        assert heads, meta.label
        latin = [h for h in heads if re.search(r"[A-Za-z]", re.sub(r"<[^>]+>|\bID\b", "", h))]  # "ID" is read as is
        if latin:
            english[meta.label] = latin
    assert english == {}


def test_every_admin_record_page_names_its_fields_in_chinese(demo, db):  # noqa: F811
    """A record's own page too, with its inlines: each field and column named in Chinese ("Requested by",
    "Status code" were left), and an event shown in words, not its stored codes."""
    from django.forms.models import _get_foreign_key

    from interop.models import DeliveryAttempt, OutboundMessage

    # the demo loads its hotline's messages without sending them (the outbox sends them once the site runs): one
    # failed try, so that a message's page shows its delivery attempts' columns (undone after the test)
    DeliveryAttempt.objects.create(
        message=OutboundMessage.objects.order_by("pk").first(), status_code=503, error="busy", duration_ms=120
    )
    client = _admin_client()
    english = {}
    inlines_seen: dict[str, bool] = {}
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        if meta.app_label not in OURS:
            continue
        # its first record, and for each inline a record that has a row of it (the first may have none: a row's
        # columns are named only where one is shown)
        pks = {model.objects.order_by("pk").values_list("pk", flat=True).first()}
        for inline in model_admin.inlines:
            fk = _get_foreign_key(model, inline.model, fk_name=inline.fk_name)
            parent = inline.model.objects.order_by("pk").values_list(fk.attname, flat=True).first()
            inlines_seen[inline.model._meta.label] = parent is not None
            pks.add(parent)
        for pk in pks - {None}:
            html = client.get(f"/admin/{meta.app_label}/{meta.model_name}/{pk}/change/").content.decode()
            names = re.findall(r"<label[^>]*>(.*?)</label>", html, re.S)
            names += re.findall(r'<th class="column-[^"]*"[^>]*>(.*?)</th>', html, re.S)
            latin = [n for n in names if re.search(r"[A-Za-z]", re.sub(r"<[^>]+>|\bID\b|HTTP|GeoJSON", "", n))]
            if latin:
                english[f"{meta.label} {pk}"] = latin
    assert english == {}
    assert [label for label, seen in inlines_seen.items() if not seen] == []
