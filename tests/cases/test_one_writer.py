"""Only ``cases/services`` writes a case's status, level or clock (due times, the yellow point and its warning, the
hold-due warning).

An AST scan of every app (migrations aside): an assignment ``<case>.status = …``, a ``setattr(<case>, …)``, or
an ``.update(…)`` / ``.create(…)`` / ``.bulk_update(…)`` with one of those fields on ``Case.objects…`` or on a
variable named for a case, anywhere outside ``cases/services/``, fails the test with the places it found.
A case is recognised by name (``case``, ``self.case``, ``cases``, ``Case.objects``): the code base names its
cases so, and other models with a ``status`` (summonses, notices) are left alone.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUARDED = {
    "status",
    "level",
    "accept_due_at",
    "due_at",
    "response_due_at",
    "yellow_at",
    "warned_yellow",
    "hold_due_warned_at",
}
WRITE_CALLS = {"update", "create", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
THE_WRITER = ROOT / "cases" / "services"


def _app_dirs() -> list[Path]:
    return sorted(p.parent for p in ROOT.glob("*/apps.py"))


def _root_name(node: ast.AST) -> str:
    """The leftmost name of ``a.b(c).d`` — ``a``."""
    while True:
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return node.id if isinstance(node, ast.Name) else ""


def _names_a_case(node: ast.AST) -> bool:
    """``case``, ``self.case``, ``old_case``, ``cases[0]``, ``Case.objects.filter(…)``."""
    if isinstance(node, ast.Name):
        return "case" in node.id.lower()
    if isinstance(node, ast.Attribute) and "case" in node.attr.lower() and node.attr != "objects":
        return True
    root = _root_name(node)
    return root == "Case" or (root[:1].islower() and "case" in root.lower())


def case_writes(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, code) of every write of a guarded case field in ``tree``."""
    found = []
    for node in ast.walk(tree):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, ast.Attribute) and part.attr in GUARDED and _names_a_case(part.value):
                    found.append((node.lineno, ast.unparse(part)))
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "setattr" and node.args and _names_a_case(node.args[0]):
            field = node.args[1] if len(node.args) > 1 else None
            if not isinstance(field, ast.Constant) or field.value in GUARDED:
                found.append((node.lineno, ast.unparse(node)))
        elif isinstance(func, ast.Attribute) and func.attr in WRITE_CALLS and _names_a_case(func.value):
            fields = {k.arg for k in node.keywords} & GUARDED
            if fields:
                found.append((node.lineno, f"{func.attr}({', '.join(sorted(fields))})"))
    return found


def test_only_cases_services_writes_a_cases_status_level_or_clock():
    offenders = []
    for app in _app_dirs():
        for path in sorted(app.rglob("*.py")):
            if "migrations" in path.parts or path.is_relative_to(THE_WRITER):
                continue
            for line, code in case_writes(ast.parse(path.read_text(encoding="utf-8"))):
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {code}")
    assert not offenders, "writes of a case's status/level/clock outside cases/services:\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    "source",
    [
        "case.status = 'closed'",
        "self.case.level = 'street'",
        "case.due_at += delta",
        "Case.objects.filter(pk=1).update(warned_yellow=True)",
        "cases.update(status='closed')",
        "setattr(case, 'yellow_at', now)",
        "setattr(case, name, value)",
        "Case.objects.create(title='x', status='reported')",
    ],
)
def test_the_scan_finds_each_way_of_writing_a_case_field(source):
    assert case_writes(ast.parse(source)), source


@pytest.mark.parametrize(
    "source",
    [
        "summons.status = 'done'",
        "Summons.objects.filter(case_id=1).update(status='done')",
        "case.title = 'x'",
        "Case.objects.filter(status='closed').count()",
        "setattr(case, 'title', 'x')",
    ],
)
def test_the_scan_leaves_other_models_and_other_fields_alone(source):
    assert not case_writes(ast.parse(source)), source
