"""Which plugins exist: each package in the plugins folder and each ``hlsblog.plugins`` entry point.

Every plugin is imported once; one that fails to import is kept with its error, never fatal.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

log = logging.getLogger("hlsblog.plugins")
_NAMESPACE = "hlsblog_plugins"


@dataclass
class PluginInfo:
    """What the admin shows of one discovered plugin."""

    name: str
    origin: str
    module: ModuleType | None = None
    version: str = ""
    description: str = ""
    error: str | None = None
    hook_errors: dict[str, str] = field(default_factory=dict)
    tables: list[str] = field(default_factory=list)

    @property
    def path(self) -> Path | None:
        if self.module is None or not getattr(self.module, "__file__", None):
            return None
        return Path(str(self.module.__file__)).parent

    def folder(self, name: str) -> Path | None:
        """The plugin's ``templates`` or ``static`` folder, if it ships one."""
        path = self.path
        return path / name if path and (path / name).is_dir() else None


def _load_folder_plugin(path: Path) -> ModuleType:
    name = f"{_NAMESPACE}.{path.name}"
    if name in sys.modules:
        return sys.modules[name]
    if _NAMESPACE not in sys.modules:
        namespace = ModuleType(_NAMESPACE)
        namespace.__path__ = []
        sys.modules[_NAMESPACE] = namespace
    spec = importlib.util.spec_from_file_location(
        name, path / "__init__.py", submodule_search_locations=[str(path)]
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _describe(module: ModuleType) -> str:
    doc = (module.__doc__ or "").strip()
    return doc.splitlines()[0] if doc else ""


def discover(folder: str | None) -> dict[str, PluginInfo]:
    """Every plugin in ``folder`` and in the entry-point group, imported, errors kept."""
    found: dict[str, PluginInfo] = {}
    root = Path(folder) if folder else None
    for path in sorted(root.iterdir()) if root and root.is_dir() else []:
        if (path / "__init__.py").is_file() and not path.name.startswith((".", "_")):
            info = PluginInfo(name=path.name, origin=f"folder {root}")
            _import_into(info, lambda p=path: _load_folder_plugin(p))
            found[info.name] = info
    for ep in entry_points(group="hlsblog.plugins"):
        info = PluginInfo(name=ep.name, origin=f"package {ep.dist.name if ep.dist else ep.value}")
        _import_into(info, ep.load)
        if ep.dist and not info.version:
            info.version = ep.dist.version
        found.setdefault(info.name, info)
    return found


def _import_into(info: PluginInfo, load: Any) -> None:
    try:
        info.module = load()
    except Exception as exc:  # a broken plugin is reported, never fatal
        info.error = f"import failed: {exc!r}"
        log.exception("plugin %s failed to import", info.name)
        return
    info.version = str(getattr(info.module, "__version__", "") or "")
    info.description = _describe(info.module)
