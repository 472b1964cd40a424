"""The share plugin's settings: which targets show, in what order, and where the row shows."""

from __future__ import annotations

from hlsblog import PluginSetting, settings_for

from .targets import known_targets

NAME = "share"
settings = settings_for(NAME)


def declared() -> list[PluginSetting]:
    """The settings, their choices being the targets the enabled plugins offer now."""
    names = tuple(known_targets())
    return [
        PluginSetting(
            "targets",
            "list",
            default=list(names),
            label="Targets, in order",
            help="Comma-separated, from the names below; leave one out to hide it (none: no row).",
            choices=names,
        ),
        PluginSetting(
            "on_listings",
            "bool",
            default=False,
            label="Also under each post on the front page and archives",
        ),
    ]
