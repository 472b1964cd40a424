"""The enabled plugins and their order, and calling hooks through pluggy.

One ``PluginHost`` per app, kept in ``app.extensions["hlsblog.plugins"]``. Which plugins exist:
``plugin_discovery``; how a hook call stays safe when one plugin fails, and how it is traced:
``hookcalls``.
"""

from __future__ import annotations

import logging
import threading
from types import ModuleType
from typing import Any

import pluggy
from flask import Flask, current_app
from jinja2 import BaseLoader, Environment, FileSystemLoader, TemplateNotFound
from markupsafe import Markup, escape

from . import hookspecs
from .hookcalls import (
    GuardedPlugin,
    call_attributed,
    filter_steps,
    hook_caller,
    is_firstresult,
    show_trace,
    trace_calls,
)
from .plugin_discovery import PluginInfo, discover
from .plugin_settings import PluginSetting

log = logging.getLogger("hlsblog.plugins")
STATE_KEY = "plugins"  # setting: {"disabled": [...], "version": n}


class PluginHost:
    """The app's plugins: which exist, which are on, and how their hooks are called."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.infos = discover(app.config.get("PLUGINS_FOLDER"))
        self.pinned = _names(app.config.get("PLUGINS"))
        self.tracing = bool(app.config.get("TRACE_HOOKS"))
        if self.tracing:
            show_trace()
        self._lock = threading.Lock()
        self._state: tuple[Any, ...] | None = None
        self.enabled: tuple[str, ...] = ()
        self._use(self.default_enabled())
        self._settings: dict[str, dict[str, PluginSetting]] | None = None
        self.schedule_checked_at = float("-inf")
        self._everyone: pluggy.PluginManager | None = None

    # -- the enabled set --------------------------------------------------------------
    def loadable(self) -> list[str]:
        """Names of plugins that imported cleanly, sorted."""
        return sorted(name for name, info in self.infos.items() if info.module is not None)

    def default_enabled(self) -> list[str]:
        if self.pinned is not None:
            return [name for name in self.pinned if name in self.loadable()]
        return self.loadable()

    def ordered(self, names: list[str]) -> list[str]:
        """``names`` in call order: as pinned, else as ``PLUGIN_ORDER`` lists, then by name."""
        order = self.pinned
        if order is None:
            order = _names(self.app.config.get("PLUGIN_ORDER")) or []
        rank = {name: place for place, name in enumerate(order)}
        return sorted(names, key=lambda name: (rank.get(name, len(rank)), name))

    def enabled_from(self, state: dict[str, Any] | None) -> list[str]:
        """The enabled set for a stored state: every loadable plugin not disabled, unless pinned."""
        if self.pinned is not None:
            return self.default_enabled()
        disabled = set((state or {}).get("disabled", []))
        return [name for name in self.loadable() if name not in disabled]

    def refresh(self, state: dict[str, Any] | None) -> None:
        """Rebuild the hook manager when the stored state moved (called once per request)."""
        key = (state or {}).get("version", 0), tuple(sorted((state or {}).get("disabled", [])))
        if key == self._state:
            return
        with self._lock:
            if key != self._state:
                self._use(self.enabled_from(state))
                self._settings = None
                if self.app.jinja_env.cache is not None:
                    self.app.jinja_env.cache.clear()  # plugin templates may override the theme's
                self._state = key

    def _use(self, names: list[str]) -> None:
        pm = self._build(names)
        self.enabled = tuple(n for n in self.ordered(names) if pm.get_plugin(n) is not None)
        self.pm = pm

    def is_enabled(self, name: str) -> bool:
        return name in self.enabled

    def _build(self, names: list[str]) -> pluggy.PluginManager:
        pm = pluggy.PluginManager("hlsblog")
        pm.add_hookspecs(hookspecs)
        for info in self.infos.values():
            own = getattr(info.module, "hookspecs", None)
            if isinstance(own, ModuleType):
                pm.add_hookspecs(own)
        for name in reversed(self.ordered(names)):  # pluggy calls the last registered first
            module = self.infos[name].module
            assert module is not None  # only loadable plugins are registered
            try:
                pm.register(GuardedPlugin(name, module, self.report), name=name)
            except Exception as exc:
                self.infos[name].error = f"registration failed: {exc}"
                log.exception("plugin %s failed to register", name)
        if self.tracing:
            trace_calls(pm)
        return pm

    # -- calling hooks ----------------------------------------------------------------
    def report(self, plugin: str, hook_name: str, exc: BaseException) -> None:
        """Log a plugin's failure and keep it for the Plugins page."""
        log.error("plugin %s failed in %s", plugin, hook_name, exc_info=exc)
        if plugin in self.infos:
            self.infos[plugin].hook_errors[hook_name] = repr(exc)

    def collect(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Each enabled plugin's non-``None`` answer, with the plugin's name, in call order."""
        hook = hook_caller(self.pm, hook_name)
        return call_attributed(hook, kwargs) if hook is not None else []

    def first(self, hook_name: str, **kwargs: Any) -> Any:
        """The first answer that is not ``None`` (pluggy stops there for a firstresult spec)."""
        hook = hook_caller(self.pm, hook_name)
        if hook is None:
            return None
        answer = hook(**kwargs)
        return answer if is_firstresult(hook) else next(iter(answer), None)

    def notify(self, hook_name: str, **kwargs: Any) -> None:
        """Tell every enabled plugin (an action hook)."""
        hook = hook_caller(self.pm, hook_name)
        if hook is not None:
            hook(**kwargs)

    def filter(self, hook_name: str, value_arg: str, value: Any, **kwargs: Any) -> Any:
        """Pass ``value`` through each plugin in call order; ``None`` leaves it unchanged."""
        hook = hook_caller(self.pm, hook_name)
        for step in filter_steps(self.pm, hook) if hook is not None else ():
            for result in step(**kwargs, **{value_arg: value}):
                value = result
        return value

    def collect_all(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Like ``collect`` but over every loadable plugin, enabled or not (start-up hooks)."""
        if self._everyone is None:
            self._everyone = self._build(self.loadable())
        hook = hook_caller(self._everyone, hook_name)
        return call_attributed(hook, kwargs) if hook is not None else []

    def record_models(self) -> None:
        """Import every plugin's models (``init-db`` creates their tables); list their tables."""
        for plugin, models in self.collect_all("register_models"):
            for model in models if isinstance(models, list | tuple) else [models]:
                table = getattr(getattr(model, "__table__", None), "name", None)
                if table is None:
                    error = TypeError(f"{model!r} is not a model on hlsblog.db")
                    self.report(plugin, "register_models", error)
                elif plugin in self.infos:
                    self.infos[plugin].tables.append(table)

    def slot(self, slot: str, context: dict[str, Any]) -> Markup:
        """The joined HTML every enabled plugin gives for a template slot."""
        parts = [
            value if isinstance(value, Markup) else escape(value)
            for _, value in self.collect("template_slot", slot=slot, context=context)
        ]
        return Markup("\n").join(parts)

    # -- plugin settings --------------------------------------------------------------
    def settings_specs(self) -> dict[str, dict[str, PluginSetting]]:
        """Each enabled plugin's declared settings, by plugin and setting name."""
        if self._settings is None:
            specs: dict[str, dict[str, PluginSetting]] = {}
            for plugin, declared in self.collect("plugin_settings"):
                specs[plugin] = {spec.name: spec for spec in declared}
            self._settings = specs
        return self._settings

    def setting_spec(self, plugin: str, name: str) -> PluginSetting:
        try:
            return self.settings_specs()[plugin][name]
        except KeyError:
            raise KeyError(f"plugin {plugin!r} declares no setting {name!r}") from None


def _names(value: Any) -> list[str] | None:
    """A comma-separated list (or a list) of plugin names; ``None`` stays ``None``."""
    if value is None:
        return None
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    return [str(name).strip() for name in items if str(name).strip()]


class PluginTemplateLoader(BaseLoader):
    """Enabled plugins' ``templates/`` first (they may override the theme), then the theme."""

    def __init__(self, host_getter: Any, theme: BaseLoader) -> None:
        self.host_getter = host_getter
        self.theme = theme  # the chosen theme, then the bundled one (themes.ThemeLoader)

    def get_source(self, environment: Environment, template: str) -> Any:
        host: PluginHost = self.host_getter()
        for name in host.enabled:
            folder = host.infos[name].folder("templates")
            if folder is None:
                continue
            try:
                return FileSystemLoader(str(folder)).get_source(environment, template)
            except TemplateNotFound:
                continue
        return self.theme.get_source(environment, template)

    def list_templates(self) -> list[str]:
        return self.theme.list_templates()


def current_host() -> PluginHost:
    """The current app's plugin host."""
    host: PluginHost = current_app.extensions["hlsblog.plugins"]
    return host


def implemented_hooks(info: PluginInfo) -> list[str]:
    """Names of the hooks a plugin's module implements."""
    if info.module is None:
        return []
    return sorted(
        name for name, value in vars(info.module).items() if hasattr(value, "hlsblog_impl")
    )


def set_enabled(name: str, enabled: bool) -> None:
    """Turn a plugin on or off for every worker (they notice on their next request)."""
    from .extensions import db
    from .settings import get_setting, set_setting

    state = dict(get_setting(STATE_KEY) or {})
    disabled = set(state.get("disabled", []))
    (disabled.discard if enabled else disabled.add)(name)
    state["disabled"] = sorted(disabled)
    state["version"] = int(state.get("version", 0)) + 1
    set_setting(STATE_KEY, state)
    db.session.commit()
