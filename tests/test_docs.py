"""The hook reference is always true: generated from the hookspecs, checked here."""

from __future__ import annotations

import re
from pathlib import Path

from hlsblog.hookdoc import hook_functions, hooks_markdown, signature

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_every_hook_has_a_docstring_saying_its_kind():
    for name, fn in hook_functions():
        doc = fn.__doc__ or ""
        assert doc.strip(), f"{name} has no docstring"
        kind = re.match(r"(Collect|Action|Filter|First-result|Strictest-verdict)\b", doc.strip())
        assert kind, f"{name}: say its kind first"
        # pluggy stops a firstresult spec at the first answer: its docstring must say so.
        firstresult = bool(fn.hlsblog_spec.get("firstresult"))
        assert firstresult == (kind.group(1) == "First-result"), f"{name}: kind vs spec"


def test_docs_hooks_md_matches_the_code():
    written = (DOCS / "hooks.md").read_text()
    assert written == hooks_markdown(), "docs/hooks.md is stale: run `flask --app app hooks-doc`"
    for _, fn in hook_functions():
        assert f"## `{signature(fn)}`" in written
