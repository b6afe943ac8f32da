"""The demo's weight schemes: besides the two the migration stores (``seed`` 10/40/50, the default, and
``beijing`` 10/50/40), the district 示范区 assesses by Beijing's weights and 雄关街道 keeps the seed street's,
so the demo shows "the most specific scheme applies": ``jiedao01`` (雄关) sees 雄关街道's scheme, ``qu01``
and 水果湖街道 see the district's, and any scheme can still be picked on the page.

Idempotent: a scheme is found by its name and made (with its weights) only when missing; an existing one —
perhaps edited in the admin since — is left as it is.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from assessment.models import SchemeWeight, WeightScheme
from demo.governance import DISTRICT, STREETS
from governance.models import Region

#: (name, label, region code, (response, completion, satisfaction) weights, credit for 基本满意)
SCHEMES = [
    ("shifanqu", "示范区 10/50/40", DISTRICT[0], (10, 50, 40), Decimal("0.9")),
    ("xiongguan", "雄关街道 10/40/50", STREETS[0].code, (10, 40, 50), Decimal("1")),
]
INDICATORS = ("response", "completion", "satisfaction")


@transaction.atomic
def build() -> None:
    regions = {r.code: r for r in Region.objects.filter(code__in=[code for _n, _l, code, _w, _b in SCHEMES])}
    for name, label, code, weights, basic in SCHEMES:
        if WeightScheme.objects.filter(name=name).exists() or code not in regions:
            continue
        if WeightScheme.objects.filter(region=regions[code]).exists():
            continue  # the region has a scheme of its own already (one per region)
        scheme = WeightScheme.objects.create(name=name, label=label, region=regions[code], basic_credit=basic)
        SchemeWeight.objects.bulk_create(
            SchemeWeight(scheme=scheme, indicator=key, weight=w) for key, w in zip(INDICATORS, weights, strict=True)
        )
