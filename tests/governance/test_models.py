"""Model validation the admin and importers rely on: the region tree's levels and the two organisation lines."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from governance.choices import OrgKind, OrgLine, RegionLevel
from governance.models import Organisation, Region


def test_a_community_must_hang_under_a_street(world):
    with pytest.raises(ValidationError) as exc:
        Region(name="错挂社区", code="9", level=RegionLevel.COMMUNITY, parent=world.district).full_clean()
    assert "parent" in exc.value.message_dict


def test_an_organisations_line_follows_its_kind(world):
    org = Organisation(name="雄关社区党委", kind=OrgKind.COMMUNITY_PARTY_COMMITTEE, line=OrgLine.GOVERNMENT,
                       region=world.community)  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        org.full_clean()
    assert exc.value.message_dict["line"] == ["“社区党委/总支”属于党组织条线"]
    org.line = OrgLine.PARTY
    org.full_clean()
