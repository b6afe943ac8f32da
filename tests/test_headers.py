"""Every page carries a Content-Security-Policy that forbids inline script, and passes it: no inline
<script>, no on* handler attributes, no javascript: URLs; plus the usual security headers."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.cases.helpers import file_case
from tests.cases.setups import b_accepted, home

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
HANDLER_ATTRIBUTE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)

PAGES = {
    None: ["/accounts/login/", "/report/", "/api/docs/", "/api/redoc/"],
    "grid_worker": ["/cases/mine/", "/cases/new/", "/cases/", "/notices/", "/cases/{case}/"],
    "street_officer": ["/dashboard/", "/assessment/", "/cases/{case}/", "/cases/{case}/whistle/", "/grids/staffing/"],
    "liaison": ["/inbox/"],
    "admin": ["/admin/", "/admin/cases/case/", "/admin/cases/case/{case}/change/", "/admin/axes/accessattempt/"],
}


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_the_policy_allows_only_the_sites_own_scripts(world, client):
    directives = policy(client.get("/accounts/login/"))
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("persona", list(PAGES))
def test_pages_pass_the_policy_with_no_inline_script(world, persona):
    case = b_accepted(home(world))
    client = Client()
    if persona:
        client.force_login(world.users[persona])
    for url in PAGES[persona]:
        response = client.get(url.format(case=case.pk))
        assert response.status_code == 200, url
        assert "Content-Security-Policy" in response, url
        html = response.content.decode()
        assert not INLINE_SCRIPT.findall(html), (url, INLINE_SCRIPT.findall(html))
        assert not HANDLER_ATTRIBUTE.findall(html), (url, HANDLER_ATTRIBUTE.findall(html)[:3])
        assert "javascript:" not in html, url


def test_track_page_passes_the_policy(world, client):
    case = file_case(world)
    html = client.get(f"/track/{case.follow_up_token}/").content.decode()
    assert not INLINE_SCRIPT.findall(html)


def test_the_usual_security_headers(world, client):
    response = client.get("/accounts/login/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
