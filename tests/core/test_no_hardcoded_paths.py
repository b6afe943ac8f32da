"""Pages and code build the project's URLs with ``{% url %}`` / ``reverse``, never by spelling out a path.

A template attribute that links, posts or polls (``href``, ``action``, ``src``, ``hx-get``, ``hx-post``) may not
start with "/" (static files come from ``{% static %}``); a string literal in an app's code may not start with
the path of one of the project's pages. Spelled-out paths break silently when a ``urls.py`` changes.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ATTRIBUTE = re.compile(r"""\b(href|action|src|hx-get|hx-post)=["']/""")
PAGE_PREFIXES = re.compile(r"^/(cases|dashboard|inbox|notices|assessment|report|track|today|residents|grids|accounts)/")
#: Not links: the language middleware's list of API prefixes, and the 12345 simulator (an outside client).
ALLOWED = {"core/middleware.py", "interop/simulator.py"}


def test_templates_link_with_the_url_tag():
    offenders = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()[:100]}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ATTRIBUTE.search(line)
    ]
    assert not offenders, "spelled-out paths in templates:\n" + "\n".join(offenders)


def test_app_code_builds_page_paths_with_reverse():
    offenders = []
    for app in sorted(p.parent for p in ROOT.glob("*/apps.py")):
        for path in sorted(app.rglob("*.py")):
            name = str(path.relative_to(ROOT))
            if "migrations" in path.parts or name in ALLOWED:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                parts = node.values if isinstance(node, ast.JoinedStr) else [node]
                first = parts[0] if parts else None
                text = first.value if isinstance(first, ast.Constant) else None
                if isinstance(text, str) and PAGE_PREFIXES.match(text):
                    offenders.append(f"{name}:{node.lineno}: {text[:60]}")
    assert not offenders, "spelled-out page paths in code:\n" + "\n".join(sorted(set(offenders)))
