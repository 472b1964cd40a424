"""A plugin imports only ``hlsblog`` and ``hlsblog.api``: the bundled ones show the way."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import hlsblog
from hlsblog import api

PLUGINS = Path(__file__).resolve().parent.parent / "plugins"
PUBLIC = {"hlsblog": set(hlsblog.__all__), "hlsblog.api": set(api.__all__)}


def core_imports(path: Path) -> list[str]:
    """Each ``hlsblog…`` import in a file that leaves the plugin API, as ``line: what``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [f"{node.lineno}: import {a.name}" for a in node.names if leaves(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            module = node.module
            if leaves(module):
                found.append(f"{node.lineno}: from {module}")
            elif module in PUBLIC:
                hidden = [a.name for a in node.names if a.name not in PUBLIC[module]]
                found += [f"{node.lineno}: {module}.{name}" for name in hidden]
    return found


def leaves(module: str) -> bool:
    """Whether importing ``module`` reaches past the plugin API into the core."""
    return module.startswith("hlsblog.") and module != "hlsblog.api"


def test_every_bundled_plugin_imports_only_the_plugin_api():
    files = sorted(PLUGINS.rglob("*.py"))
    assert len({path.relative_to(PLUGINS).parts[0] for path in files}) >= 4
    leaks = {
        str(path.relative_to(PLUGINS)): found for path in files if (found := core_imports(path))
    }
    assert leaks == {}, "plugins may import only hlsblog and hlsblog.api"


def test_hlsblog_re_exports_the_whole_api_and_keeps_the_plugin_host():
    assert set(api.__all__) <= set(hlsblog.__all__)
    assert all(getattr(hlsblog, name) is getattr(api, name) for name in api.__all__)
    assert {"current_host", "PluginHost"}.isdisjoint(hlsblog.__all__)


@pytest.mark.parametrize("name", api.__all__)
def test_each_name_of_the_api_says_what_it_is(name):
    value = getattr(api, name)
    if inspect.isfunction(value) or inspect.isclass(value):
        doc = (value.__doc__ or "").strip()
        # A dataclass without a docstring gets its signature as one: that says nothing.
        assert doc and not doc.startswith(f"{name}("), f"hlsblog.api.{name} has no docstring"
