"""``manage.py hotline_sim`` against a live product: it sends orders (signed), and reports what it got."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from cases.models import Case
from interop.models import Order

from .hotline_helpers import make_partner

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_simulator_command_sends_signed_orders_to_a_live_product(world, live_server):
    make_partner(world, key_id="sim", secret="sim-secret")
    out = io.StringIO()
    call_command(
        "hotline_sim",
        base_url=live_server.url,
        key_id="sim",
        secret="sim-secret",
        port=0,
        orders=2,
        duplicates=True,
        lat=39.775,
        lng=98.295,
        seconds=0.5,
        stdout=out,
    )
    text = out.getvalue()
    assert "callbacks on http://127.0.0.1:" in text
    assert text.count(": 200 ") == 2  # each order sent twice: the second answer is the repeat
    assert Order.objects.count() == 2 and Case.objects.filter(channel="hotline").count() == 2


def test_the_simulator_command_with_a_bad_signature_files_nothing(world, live_server):
    make_partner(world, key_id="sim", secret="sim-secret")
    out = io.StringIO()
    call_command(
        "hotline_sim",
        base_url=live_server.url,
        key_id="sim",
        secret="sim-secret",
        port=0,
        orders=1,
        bad_signature=True,
        seconds=0.2,
        stdout=out,
    )
    assert ": 401 " in out.getvalue()
    assert not Order.objects.exists()


def test_the_simulator_command_refuses_a_malformed_answer_rule():
    with pytest.raises(CommandError):
        call_command("hotline_sim", key_id="k", secret="s", port=0, answer=["no-equals-sign"], seconds=0.1)
