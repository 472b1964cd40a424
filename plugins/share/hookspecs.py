"""The share plugin's own hook: how any plugin adds a place to share a post."""

from __future__ import annotations

from typing import Any

from hlsblog import hookspec


@hookspec
def share_targets() -> list[Any] | Any | None:
    """Collect, while the share row renders: places a reader can share a post to.

    Return one target or a list; each is a ``dict`` (or a ``ShareTarget`` of this plugin) with
    ``name`` (lower-case letters, digits, ``-`` or ``_``: the word the admin's settings use),
    ``label`` (the link's accessible name, e.g. "Reddit"), ``url`` and optionally ``icon``.

    ``url`` is a template: ``{url}`` (the post's permalink), ``{title}`` (its title) and
    ``{text}`` (title and permalink) are replaced by their percent-encoded values, so any text
    (quotes, ``&``, any script, emoji) arrives intact. It may also be a function that takes a
    ``SharedPost`` (``title``, ``url``, ``text``, ``post``) and returns the address. Only
    ``https:``, ``http:``, ``mailto:`` and addresses on the blog itself are allowed.

    ``icon`` is an image address on the blog (e.g. your plugin's static file); a bare file
    name picks one of the share plugin's icons; empty: a generic icon. A target with ``action``
    instead of ``url`` renders as a button that a script wires up (``print`` is built in).

    Every bundled target comes through this hook too. A target whose name is already taken
    replaces the earlier one in its place; the admin's "targets" setting picks which show.
    ``None``: nothing to add.
    """
