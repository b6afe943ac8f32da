"""The admin pages of the mobilisation and mediation apps open (changelists and the configuration forms)."""

from __future__ import annotations

import pytest
from django.contrib import admin

from mediation.models import Dispute
from mobilisation.models import Wish

from ..mediation.helpers import open_dispute
from .helpers import published_wish

pytestmark = pytest.mark.django_db


def test_admin_changelists_and_change_pages_open(world, web):
    published_wish(world)
    open_dispute(world)
    c = web("admin")
    for model in admin.site._registry:
        if model._meta.app_label not in ("mobilisation", "mediation"):
            continue
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert c.get(url).status_code == 200, url
    for obj in (Wish.objects.get(), Dispute.objects.get()):
        url = f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"
        assert c.get(url).status_code == 200, url
    assert c.get("/admin/mobilisation/pointsrule/add/").status_code == 200
    assert c.get("/admin/mediation/tracklimit/add/").status_code == 200
