"""The web shell: login page, home redirects by role, language switch, logout form, local static files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client, RequestFactory, override_settings

from governance.choices import Role
from governance.models import User
from tests.factories.world import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_login_page_renders_in_chinese_by_default(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'name="username"' in html and 'name="password"' in html
    assert "登录" in html
    assert 'name="viewport"' in html


def test_anonymous_home_goes_to_login(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


@pytest.mark.parametrize(
    ("persona", "target"),
    [
        ("grid_worker", "/today/"),
        ("community_officer", "/dashboard/"),
        ("street_officer", "/dashboard/"),
        ("district_officer", "/dashboard/"),
        ("liaison", "/inbox/"),
        ("admin", "/admin/"),
    ],
)
def test_home_sends_each_role_to_its_page(web, persona, target):
    response = web(persona).get("/")

    assert response.status_code == 302
    assert response["Location"] == target


def test_login_lands_on_the_role_home(world):
    client = Client()

    response = client.post("/accounts/login/", {"username": "wangge01", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/")["Location"] == "/today/"


def test_wrong_password_shows_an_error_and_does_not_log_in(world):
    client = Client()

    response = client.post("/accounts/login/", {"username": "wangge01", "password": "wrong"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert 'class="message message--error"' in response.content.decode()


def test_user_without_a_working_role_gets_a_plain_home_page(db):
    User.objects.create_user(username="citizen1", password=PASSWORD, role=Role.CITIZEN)
    client = Client()
    client.login(username="citizen1", password=PASSWORD)

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "citizen1" in html
    assert 'action="/accounts/logout/"' in html


def test_switching_to_english_changes_the_page_language(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302

    html = client.get("/accounts/login/").content.decode()

    assert '<html lang="en">' in html
    assert "Log in" in html
    assert "登录" not in html


def test_switching_back_to_chinese(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})

    html = client.get("/accounts/login/").content.decode()

    assert '<html lang="zh-hans">' in html
    assert "登录" in html


def test_logout_is_a_post_form_and_logs_out(web):
    client = web("street_officer")

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def _render_base(user) -> str:
    request = RequestFactory().get("/somewhere/")
    request.user = user
    return render_to_string("base.html", {}, request=request)


@pytest.mark.parametrize(
    ("persona", "present", "absent"),
    [
        ("grid_worker", ["/cases/mine/", "/cases/new/", "/cases/", "/notices/"], ["/dashboard/", "/inbox/"]),
        ("street_officer", ["/dashboard/", "/inbox/", "/cases/", "/assessment/", "/notices/"], ["/cases/mine/"]),
        ("liaison", ["/inbox/", "/cases/", "/notices/"], ["/dashboard/", "/cases/new/", "/assessment/"]),
        ("admin", ["/admin/", "/dashboard/", "/assessment/"], ["/inbox/"]),
    ],
)
def test_navigation_follows_the_role(world, persona, present, absent):
    html = _render_base(world.users[persona])

    links = set(re.findall(r'<a href="([^"]+)"', html))
    assert set(present) <= links, links
    assert not (set(absent) & links), links
    assert 'action="/accounts/logout/"' in html and 'method="post"' in html
    assert 'action="/i18n/setlang/"' in html


def test_unread_notice_count_shows_as_a_badge(world):
    request = RequestFactory().get("/")
    request.user = world.users["grid_worker"]

    html = render_to_string("base.html", {"unread_notice_count": 3}, request=request)

    assert re.search(r'<span class="badge badge--count"[^>]*>3</span>', html)


def test_base_template_loads_nothing_from_other_hosts():
    sources = [ROOT / "templates" / "base.html", *sorted((ROOT / "templates" / "includes").glob("*.html"))]
    for source in sources:
        text = source.read_text(encoding="utf-8")
        assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), source


def test_rendered_page_references_only_local_assets(client):
    html = client.get("/accounts/login/").content.decode()

    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls
    assert all(u.startswith(("/", "#")) and not u.startswith("//") for u in urls), urls
    assert f"{settings.STATIC_URL}css/app.css" in urls
    assert f"{settings.STATIC_URL}vendor/htmx/htmx.min.js" in urls


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
@pytest.mark.parametrize("path", ["css/app.css", "vendor/htmx/htmx.min.js", "img/favicon.svg"])
def test_static_files_are_served_by_the_app(path):
    response = Client().get(f"{settings.STATIC_URL}{path}")

    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert len(body) > 100


def test_vendored_htmx_keeps_its_licence():
    vendor = ROOT / "static" / "vendor" / "htmx"
    assert (vendor / "LICENSE").read_text().strip()
    assert "htmx" in (vendor / "htmx.min.js").read_text()[:2000]


def _po_entries(path: Path) -> dict[str, str]:
    """msgid → msgstr of the singular, context-free entries of a .po file (enough to compare with the .mo)."""
    return {
        msgid: msgstr
        for (context, msgid, plural), (msgstr, _fuzzy) in _po_messages(path).items()
        if context is None and not plural
    }


@pytest.mark.parametrize(("language", "at_least"), [("en", 100), ("zh_Hans", 20)])
def test_compiled_catalogues_match_their_po_files(language, at_least):
    """locale/en: the project's words in English; locale/zh_Hans: third-party words (django-axes) in Chinese."""
    import gettext

    folder = ROOT / "locale" / language / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    po = _po_entries(folder / "django.po")
    assert len(po) > at_least
    stale = {msgid for msgid, msgstr in po.items() if msgstr and compiled.gettext(msgid) != msgstr}
    assert not stale, f"django.mo is older than django.po: run compilemessages — {sorted(stale)[:5]}"


def test_an_english_label_that_runs_into_its_value_ends_with_a_space():
    """A Chinese label ending in "：" runs straight into what follows ("原因：超期"); its English needs the space that
    the full-width colon carries ("Reason: Overdue", not "Reason:Overdue"). A greeting ends its line instead."""
    po = _po_messages(ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po")
    cramped = [
        (msgid, msgstr)
        for (_context, msgid, _plural), (msgstr, _fuzzy) in po.items()
        if msgid.endswith("：") and msgstr and not msgstr.endswith((" ", ",", "\n"))
    ]
    assert not cramped, cramped


def _po_messages(path: Path) -> dict[tuple[str | None, str, bool], tuple[str, bool]]:
    """(msgctxt, msgid, plural?) → (msgstr — a plural's first form —, fuzzy?) of every entry of a .po file."""
    import ast

    messages: dict[tuple[str | None, str, bool], tuple[str, bool]] = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        fuzzy = False
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) (\".*\")$", line)
            if match:
                key = match.group(1)
                fields[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
        if fields.get("msgid"):
            msgstr = fields.get("msgstr", fields.get("msgstr[0]", ""))
            messages[(fields.get("msgctxt"), fields["msgid"], "msgid_plural" in fields)] = (msgstr, fuzzy)
    return messages


def test_every_chinese_message_of_the_code_has_its_english(tmp_path, monkeypatch):
    """Extract the messages from the code and templates as ``make messages`` does, into a copy of the catalogue:
    every Chinese one must be in the committed locale/en catalogue, translated and not fuzzy — a message added
    or changed without its English would otherwise reach English readers in Chinese."""
    import shutil

    from django.core.management import call_command

    committed = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
    # A copy of the sources with a locale folder of its own: run in the checkout, makemessages writes into every
    # locale folder above the files it reads — the committed catalogue included, whatever LOCALE_PATHS says.
    source = tmp_path / "src"
    skip = shutil.ignore_patterns(
        ".*", "var", "static", "tests", "bench", "locale", "media", "__pycache__", "*.egg-info"
    )
    shutil.copytree(ROOT, source, ignore=skip)
    catalogue = source / "locale" / "en" / "LC_MESSAGES" / "django.po"
    catalogue.parent.mkdir(parents=True)
    shutil.copy(committed, catalogue)
    before = committed.read_bytes()
    monkeypatch.chdir(source)
    with override_settings(LOCALE_PATHS=[str(source / "locale")]):
        call_command(
            "makemessages",
            locale=["en"],
            domain="django",
            extensions=["html", "txt", "py"],
            ignore_patterns=["var/*", "static/*", "tests/*", "bench/*", "locale/*"],
            no_obsolete=True,
            verbosity=0,
        )
    assert committed.read_bytes() == before  # the checkout's catalogue untouched
    extracted = _po_messages(catalogue)
    kept = _po_messages(committed)
    chinese = re.compile(r"[\u4e00-\u9fff]")
    assert len(extracted) > 1000
    missing = sorted(str(key) for key in extracted if chinese.search(key[1]) and key not in kept)
    assert not missing, f"not in locale/en (run make messages and translate): {missing[:5]}"
    untranslated = sorted(
        str(key) for key in extracted if chinese.search(key[1]) and (not kept[key][0] or kept[key][1])
    )
    assert not untranslated, f"without English or fuzzy in locale/en: {untranslated[:5]}"


def test_no_template_carries_an_inline_script_the_content_security_policy_would_block():
    """The pages' policy allows scripts from the site's own files only (django-csp): an inline handler
    (``onchange="this.form.submit()"``) or a ``<script>`` body is blocked in the browser, and a filter built on one
    did nothing (the registrations' status)."""
    handler = re.compile(r"\son(?:change|click|submit|input|load|keyup|keydown)\s*=", re.I)
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", re.I)
    found = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if handler.search(text := path.read_text(encoding="utf-8")) or inline.search(text)
    ]
    assert found == []


@override_settings(DEBUG=False)
def test_a_forbidden_or_missing_page_is_the_sites_page_with_its_way_home(world, web):
    """Django's bare "403 Forbidden" / "Not Found" had no layout, no way back and no phone viewport (it rendered
    980 px wide): the site's own pages, in the reader's language."""
    from django.core.exceptions import PermissionDenied
    from django.utils import translation
    from django.views import defaults

    client = web("grid_worker")
    missing = client.get("/cases/999999999/")
    assert missing.status_code == 404
    html = missing.content.decode()
    assert "页面不存在" in html and 'name="viewport"' in html and 'href="/"' in html
    client.cookies["django_language"] = "en"
    assert "Page not found" in client.get("/no/such/page/").content.decode()

    request = RequestFactory().get("/grids/staffing/")
    request.user = world.users["grid_worker"]
    with translation.override("zh-hans"):
        forbidden = defaults.permission_denied(request, PermissionDenied())
    assert forbidden.status_code == 403
    html = forbidden.content.decode()
    assert "无权访问" in html and 'name="viewport"' in html and "返回首页" in html


def test_the_server_error_page_needs_no_context_and_has_the_viewport():
    html = render_to_string("500.html")
    assert "系统出错" in html and 'name="viewport"' in html and "/static/" in html
