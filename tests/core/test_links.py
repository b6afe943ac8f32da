"""``core.links.reverse_pk`` gives what ``reverse`` gives, for any pk and after the URL changes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.links import reverse_pk


@pytest.mark.parametrize("pk", [1, 42, 2147483646, 9_999_999_999])
@pytest.mark.parametrize("url_name", ["cases:detail", "escalation:summons"])
def test_reverse_pk_matches_reverse(url_name, pk):
    assert reverse_pk(url_name, pk) == reverse(url_name, kwargs={"pk": pk})


def test_reverse_pk_refuses_a_non_integer_pk():
    with pytest.raises(ValueError):
        reverse_pk("cases:detail", "1/../../admin")
