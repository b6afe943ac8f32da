"""The categories every installation has (GB/T 31000's five core special populations and 重点青少年).

Visit frequencies are the demo defaults of RESIDENTS.md (configurable per place, not regulation);
departments (司法所, 派出所 …) are data of each place, so an admin links them on the category.
Migration 0004 holds a frozen copy; ``builtin_categories_ensure`` restores them (tests, demo, after a flush).
"""

from __future__ import annotations

LEADS = ["grid_leader", "full_time_worker"]

BUILTIN_CATEGORIES = [
    # code, name, name_en, group, sensitivity, audience, visit_every_days, colour
    (
        "released",
        "刑满释放人员（安置帮教）",
        "Released prisoners (resettlement)",
        "core",
        3,
        [*LEADS, "street_staff"],
        90,
        "#7c3aed",
    ),
    ("corrections", "社区矫正人员", "Community corrections", "core", 3, [*LEADS, "street_staff"], 30, "#b91c1c"),
    (
        "mental",
        "肇事肇祸等严重精神障碍患者",
        "Severe mental disorders",
        "core",
        3,
        [*LEADS, "community_staff", "street_staff"],
        30,
        "#be185d",
    ),
    ("drugs", "吸毒人员", "Drug users", "core", 3, [*LEADS, "street_staff"], 30, "#9a3412"),
    ("aids_risk", "艾滋病危险人员", "People at risk of HIV", "core", 3, [*LEADS, "street_staff"], 90, "#0f766e"),
    (
        "youth",
        "重点青少年",
        "Youth needing attention",
        "youth",
        2,
        [*LEADS, "part_time_worker", "community_staff", "street_staff"],
        30,
        "#1d4ed8",
    ),
]


def builtin_categories_ensure(tag_category_model) -> int:
    """Create the builtin categories that are missing (existing ones are left as each place configured them)."""
    created = 0
    for code, name, name_en, group, sensitivity, audience, every, colour in BUILTIN_CATEGORIES:
        _obj, made = tag_category_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "group": group,
                "sensitivity": sensitivity,
                "audience": audience,
                "visit_every_days": every,
                "colour": colour,
                "builtin": True,
            },
        )
        created += made
    return created
