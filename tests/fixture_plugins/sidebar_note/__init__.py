"""Puts a note in the sidebar (a test plugin)."""

from markupsafe import Markup

from hlsblog import hookimpl


@hookimpl
def template_slot(slot, context):
    if slot == "sidebar":
        return Markup('<p class="note">A note</p>')
    return None
