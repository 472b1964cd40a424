"""The feeds plugin's settings: how many items a feed holds, and whether posts go in whole."""

from __future__ import annotations

from hlsblog import PluginSetting, settings_for

NAME = "feeds"
SETTINGS = [
    PluginSetting("items", "int", 10, label="Items per feed", help="The newest posts or comments."),
    PluginSetting(
        "content",
        "choice",
        "full",
        label="Each post in a feed shows",
        help="full: the whole text; excerpt: the excerpt, or the text before <!--more-->.",
        choices=("full", "excerpt"),
    ),
]
settings = settings_for(NAME)
