"""Every admin page in English shows English labels (issue 10: "Admin: … every label translated, no developer
words in help texts").

Walks every registered ModelAdmin of every app — governance, grids, cases, escalation, residents, assessment,
mobilisation, mediation, interop and the third-party ones — and reads its changelist and its add form as an
administrator who chose English, on the demo street (so the changelists have rows and show their column
headers). What an administrator reads as the page's own words — the title, headings, field labels, column
headers, filter titles, help texts, the actions menu, the admin index's app and model names — must hold no
untranslated Chinese. Data (names of regions, categories, people…) is Chinese by nature and is not read.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from governance.models import User

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u9fff]")
DEVELOPER_WORDS = ("外键", "主键", "ForeignKey", "foreign key", "primary key", "JSONField", "queryset")

#: Elements whose text is the page's own wording (not data), by tag and, where needed, class.
CHROME_TAGS = {"title", "h1", "h2", "h3", "label", "legend", "caption"}
CHROME_CLASSES = {"help", "helptext", "help-text"}


class _Chrome(HTMLParser):
    """Collects the texts of the page's own words: headings, labels, help texts, column headers, action names."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[tuple[str, str]] = []
        self._in_thead = 0
        self._in_action_select = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        if tag == "thead":
            self._in_thead += 1
        if tag == "select" and attrs.get("name") == "action":
            self._in_action_select = True
        chrome = (
            tag in CHROME_TAGS
            or bool(classes & CHROME_CLASSES)
            or (tag == "th" and (self._in_thead > 0 or attrs.get("scope") == "row"))
            or (tag == "option" and self._in_action_select)
        )
        if tag in {"br", "img", "input", "meta", "link", "hr"}:
            return
        self.stack.append((tag, chrome))

    def handle_endtag(self, tag):
        if tag == "thead":
            self._in_thead -= 1
        if tag == "select":
            self._in_action_select = False
        while self.stack:
            open_tag, _chrome = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        text = data.strip()
        if text and any(chrome for _tag, chrome in self.stack):
            tag = next(t for t, chrome in reversed(self.stack) if chrome)
            self.texts.append((tag, text))


def chinese_chrome(html: str, *, data: set[str]) -> list[str]:
    parser = _Chrome()
    parser.feed(html)
    found = []
    for tag, text in parser.texts:
        if not CJK.search(text):
            continue
        # A data value shown inside a heading (the object's name in "Change region 雄关街道") is data.
        rest = text
        for value in sorted(data, key=len, reverse=True):
            rest = rest.replace(value, "")
        if CJK.search(rest):
            found.append(f"<{tag}> {text}")
    return sorted(set(found))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from django.db import transaction

    from governance.selectors import clear_calendar_cache

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            clear_calendar_cache()


@pytest.fixture
def english_admin(demo):
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    client.cookies["django_language"] = "en"
    return client


def _data_values() -> set[str]:
    """Chinese data the pages may show in headings (an object's name): every str() of the demo's small tables."""
    values: set[str] = set()
    for model in site._registry:
        if model._default_manager.count() > 2000:
            continue
        for obj in model._default_manager.all()[:500]:
            values.add(str(obj))
    return {v for v in values if CJK.search(v)}


def _pages():
    for model in site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        yield f"{model._meta.label} changelist", f"admin:{info[0]}_{info[1]}_changelist"
        yield f"{model._meta.label} add", f"admin:{info[0]}_{info[1]}_add"


def test_every_admin_page_reads_english_in_english(english_admin):
    data = _data_values()
    problems: dict[str, list[str]] = {}
    visited = 0
    for what, name in [("admin index", "admin:index"), *_pages()]:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        response = english_admin.get(url)
        if response.status_code == 403:  # an admin that allows no adding (read-only records)
            continue
        assert response.status_code == 200, (what, response.status_code)
        visited += 1
        html = response.content.decode()
        assert 'lang="en"' in html, what
        if found := chinese_chrome(html, data=data):
            problems[what] = found
    assert visited > 60
    assert problems == {}
    rules = english_admin.get(reverse("admin:governance_jurisdictionrule_changelist")).content.decode()
    assert 'name="action"' not in rules or "delete_selected" not in rules  # versioned: no bulk delete


def test_every_registered_field_label_and_help_text_is_translated_and_plain():
    untranslated, developer = [], []
    for model in site._registry:
        with translation.override("en"):
            names = [str(model._meta.verbose_name), str(model._meta.verbose_name_plural)]
            if any(CJK.search(n) for n in names):
                untranslated.append(f"{model._meta.label}: {names}")
        for field in model._meta.get_fields():
            if not getattr(field, "concrete", False) or field.auto_created:
                continue
            with translation.override("en"):
                label, help_text = str(field.verbose_name), str(field.help_text or "")
            if CJK.search(label) or CJK.search(help_text):
                untranslated.append(f"{model._meta.label}.{field.name}: {label} / {help_text}")
            with translation.override("en"):
                choices = [str(label) for _value, label in (getattr(field, "flatchoices", None) or [])]
            untranslated += [f"{model._meta.label}.{field.name} choice: {c}" for c in choices if CJK.search(c)]
            with translation.override("zh-hans"):
                zh_help = str(field.help_text or "")
            if any(w.lower() in (zh_help + " " + help_text).lower() for w in DEVELOPER_WORDS):
                developer.append(f"{model._meta.label}.{field.name}: {zh_help}")
    assert untranslated == []
    assert developer == []


def test_the_walk_sees_an_untranslated_label():
    """The page check can fail: a label in Chinese outside the data is reported, data in a heading is not."""
    html = (
        '<html lang="en"><h1>Change region 雄关街道</h1><label for="x">网格名称:</label>'
        '<div class="help">Shown to citizens</div><table><thead><tr><th>状态</th></tr></thead>'
        "<tbody><tr><td>雄关街道</td></tr></tbody></table></html>"
    )
    assert chinese_chrome(html, data={"雄关街道"}) == ["<label> 网格名称:", "<th> 状态"]


def test_the_login_lockout_pages_read_chinese_in_chinese(demo):
    """django-axes ships no Chinese: its admin (the attempts, failures and logs an administrator deletes to unlock a
    user) is translated in ``locale/zh_Hans``. The oracle is axes' own list of words, read from one of its catalogues:
    none of them may be left in a page's title, heading, label or column header."""
    import axes

    from tests.core.test_shell import _po_entries

    axes_words = set(_po_entries(Path(axes.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po"))
    assert {"access attempts", "IP Address", "Attempt Time"} <= axes_words
    words = re.compile("|".join(rf"\b{re.escape(w)}\b" for w in sorted(axes_words, key=len, reverse=True)), re.I)
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(  # a record, so the lists show their columns and a row
        username="nosuchuser", ip_address="10.0.0.1", user_agent="test", failures_since_start=2, path_info="/login/"
    )
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    client.cookies["django_language"] = "zh-hans"
    index = client.get(reverse("admin:index")).content.decode()
    assert "登录锁定" in index and ">Axes<" not in index
    visited = 0
    for model in [m for m in site._registry if m._meta.app_label == "axes"]:
        for view in ("changelist", "add"):
            response = client.get(reverse(f"admin:axes_{model._meta.model_name}_{view}"))
            if response.status_code == 403:
                continue
            assert response.status_code == 200
            visited += 1
            parser = _Chrome()
            parser.feed(response.content.decode())
            left = {text for _tag, text in parser.texts if words.search(text)}
            assert left == set(), (model._meta.label, view)
    assert visited >= 3
    attempts = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "状态" in attempts and "剩余 3 次" in attempts  # five allowed, two used
