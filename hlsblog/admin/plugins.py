"""The Plugins page (what is installed, on, failing) and each plugin's own settings page."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for

from ..audit import record
from ..extensions import db
from ..plugin_settings import PluginSetting, setting_key
from ..plugins import current_host, implemented_hooks, set_enabled
from ..settings import get_setting, set_setting
from ..site_address import adopt_request_address
from . import admin_required, bp


@bp.route("/plugins/")
@admin_required
def plugins() -> Any:
    """Every discovered plugin with its state, hooks and errors; settings are on its own page."""
    host = current_host()
    rows = [_row(host, name) for name in sorted(host.infos)]
    return render_template("admin/plugins.html", rows=rows, pinned=host.pinned is not None)


@bp.route("/plugins/<name>/")
@admin_required
def plugin_page(name: str) -> Any:
    """One plugin: what it does, its state, and its settings form."""
    host = current_host()
    if name not in host.infos:
        abort(404)
    row = _row(host, name)
    values = _current_values(name, row["settings"])
    return render_template(
        "admin/plugin.html", row=row, pinned=host.pinned is not None, values=values
    )


def _row(host: Any, name: str) -> dict[str, Any]:
    info = host.infos[name]
    return {
        "info": info,
        "enabled": host.is_enabled(name),
        "hooks": implemented_hooks(info),
        "settings": list(host.settings_specs().get(name, {}).values()),
    }


def _current_values(plugin: str, specs: list[PluginSetting]) -> dict[str, Any]:
    values = {}
    for spec in specs:
        stored = get_setting(setting_key(plugin, spec.name))
        values[spec.name] = spec.default if stored is None else stored
    return values


@bp.route("/plugins/<name>/toggle", methods=["POST"])
@admin_required
def toggle_plugin(name: str) -> Any:
    """Turn a plugin on or off (refused while ``HLSBLOG_PLUGINS`` pins the set)."""
    host = current_host()
    if name not in host.infos:
        abort(404)
    if host.pinned is not None:
        flash("The plugin set is pinned by HLSBLOG_PLUGINS; change it there.", "error")
        return redirect(url_for("admin.plugins"))
    turn_on = request.form.get("enable") == "1"
    set_enabled(name, turn_on)
    record(f"plugin {'enabled' if turn_on else 'disabled'}", name)
    flash(f"Plugin {name} {'enabled' if turn_on else 'disabled'}.", "info")
    if request.form.get("back") == "plugin":  # pressed on the plugin's own page
        return redirect(url_for("admin.plugin_page", name=name))
    return redirect(url_for("admin.plugins"))


@bp.route("/plugins/<name>/settings", methods=["POST"])
@admin_required
def plugin_settings(name: str) -> Any:
    """Save a plugin's settings, each checked against its declared type."""
    specs = current_host().settings_specs().get(name)
    if specs is None:
        abort(404)
    errors, values = [], {}
    for spec in specs.values():
        if spec.env:
            continue
        raw: Any = (
            request.form.getlist(spec.name) if spec.type == "list" else request.form.get(spec.name)
        )
        if spec.type == "list" and len(raw) == 1:
            raw = raw[0]
        try:
            values[spec.name] = spec.parse(raw)
        except (TypeError, ValueError) as exc:
            errors.append(f"{spec.label or spec.name}: {exc}")
    if errors:
        for error in errors:
            flash(error, "error")
        return redirect(url_for("admin.plugin_page", name=name))
    for key, value in values.items():
        set_setting(setting_key(name, key), value)
    adopted = adopt_request_address()
    db.session.commit()
    record("plugin settings changed", name, ", ".join(sorted(values)))
    flash(f"Settings of {name} saved.", "info")
    if adopted:
        flash(
            f"The blog's address is now {adopted}: mails and feeds link there"
            " (Settings → Site address changes it).",
            "info",
        )
    return redirect(url_for("admin.plugin_page", name=name))
