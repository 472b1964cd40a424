"""Plugin settings: what a plugin declares (``PluginSetting``) and how it reads them back."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from flask import current_app

from .settings import all_settings

SETTING_TYPES = ("str", "text", "int", "bool", "choice", "list")


@dataclass(frozen=True)
class PluginSetting:
    """One setting a plugin takes, declared through the ``plugin_settings`` hook.

    ``type`` is one of ``str``, ``text`` (several lines), ``int``, ``bool``, ``choice`` (one of
    ``choices``) or ``list`` (several of ``choices``, in order; or free words when there are
    none). ``env`` names an environment variable the value is read from instead (for secrets:
    never stored, never shown).
    """

    name: str
    type: str = "str"
    default: Any = None
    label: str = ""
    help: str = ""
    choices: tuple[str, ...] = ()
    env: str | None = None

    def parse(self, raw: Any) -> Any:
        """The typed value of a form field or stored value; ``ValueError`` when it doesn't fit."""
        if self.type == "bool":
            return raw in (True, "on", "1", "true", "yes", 1)
        if self.type == "int":
            return int(raw)
        if self.type == "list":
            items = raw if isinstance(raw, list) else [p.strip() for p in str(raw).split(",")]
            items = [item for item in items if item]
            unknown = [item for item in items if self.choices and item not in self.choices]
            if unknown:
                raise ValueError(f"unknown choice {', '.join(unknown)}")
            return items
        value = "" if raw is None else str(raw)
        if self.type == "choice" and value not in self.choices:
            raise ValueError(f"must be one of {', '.join(self.choices)}")
        return value


def plugin_setting(plugin: str, name: str) -> Any:
    """The current value of a plugin's setting (environment, stored value, or default)."""
    spec = current_app.extensions["hlsblog.plugins"].setting_spec(plugin, name)
    if spec.env:
        return os.environ.get(spec.env, spec.default)
    stored = all_settings().get(setting_key(plugin, name))
    if stored is None:
        return spec.default
    try:
        return spec.parse(stored)
    except (TypeError, ValueError):
        current_app.logger.warning("plugin %s: stored %s is invalid; default used", plugin, name)
        return spec.default


def setting_key(plugin: str, name: str) -> str:
    """Where a plugin's setting is stored in the settings table."""
    return f"plugin:{plugin}:{name}"


class PluginSettings:
    """One plugin's settings as attributes, each read when asked (``settings.max_links``)."""

    def __init__(self, plugin: str) -> None:
        self._plugin = plugin

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # copy, pickle and friends probe for these
            raise AttributeError(name)
        try:
            return plugin_setting(self._plugin, name)
        except KeyError as exc:
            raise AttributeError(exc.args[0]) from None

    def __repr__(self) -> str:
        return f"<settings of plugin {self._plugin}>"


def settings_for(plugin: str) -> PluginSettings:
    """The settings ``plugin`` declares, read as attributes; make it once, at import time."""
    return PluginSettings(plugin)
