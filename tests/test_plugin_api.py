"""A plugin imports only ``hlsblog`` and ``hlsblog.api``: the bundled ones show the way."""

from __future__ import annotations

import ast
import inspect
import re
import time
import uuid
from pathlib import Path

import pytest
import task_samples

import hlsblog
from hlsblog import api, db, run_later, setting_key, settings_for
from hlsblog.settings import set_setting

ROOT = Path(__file__).resolve().parent.parent
PLUGINS = ROOT / "plugins"
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


def hookimpls(init: Path) -> list[ast.FunctionDef]:
    """The functions of a plugin's ``__init__.py`` marked ``@hookimpl`` (with options or not)."""
    marked = []
    for node in ast.parse(init.read_text()).body:
        for mark in node.decorator_list if isinstance(node, ast.FunctionDef) else []:
            called = mark.func if isinstance(mark, ast.Call) else mark
            if isinstance(called, ast.Name) and called.id == "hookimpl":
                marked.append(node)
    return marked


@pytest.mark.parametrize("plugin", sorted(p.name for p in PLUGINS.iterdir() if p.is_dir()))
def test_each_bundled_plugin_has_the_same_shape(plugin):
    folder = PLUGINS / plugin
    implemented = hookimpls(folder / "__init__.py")
    assert implemented, "its hookimpls live in (or are imported into) __init__.py"
    undocumented = [fn.name for fn in implemented if not ast.get_docstring(fn)]
    assert undocumented == [], f"{plugin}: each hookimpl says what it does"
    if "plugin_settings" in {fn.name for fn in implemented}:
        assert (folder / "settings.py").is_file(), f"{plugin} declares its settings in settings.py"


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


def test_docs_plugins_md_shows_each_name_of_the_api():
    section = (ROOT / "docs" / "plugins.md").read_text().split("\n## The plugin API\n")[1]
    section = section.split("\n## ")[0]
    shown = set(re.findall(r"\w+", "\n".join(re.findall(r"```python\n(.*?)```", section, re.S))))
    assert [name for name in api.__all__ if name not in shown] == []


def test_a_plugin_reads_its_settings_as_attributes(make_app):
    app = make_app(plugins=["feeds"])
    settings = settings_for("feeds")
    with app.test_request_context():
        assert (settings.items, settings.content) == (10, "full")  # the declared defaults
        set_setting(setting_key("feeds", "items"), "25")
        db.session.commit()
    with app.test_request_context():
        assert settings.items == 25
        with pytest.raises(AttributeError, match="declares no setting 'colour'"):
            _ = settings.colour


def test_run_later_works_in_the_app_after_the_caller_has_moved_on(make_app):
    app = make_app(plugins=[])
    label = uuid.uuid4().hex
    with app.app_context():
        set_setting("title", "Later")
        db.session.commit()
        run_later(task_samples.remember_title, label, delay=0.5)
        assert task_samples.RAN.count((label, "Later")) == 0  # not in the caller's time
    deadline = time.monotonic() + 15
    while (label, "Later") not in task_samples.RAN and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (label, "Later") in task_samples.RAN, "the task never ran"
