"""Raises inside a template slot (a test plugin)."""

from hlsblog import hookimpl


@hookimpl
def template_slot(slot, context):
    if slot == "post_footer":
        raise ValueError("slot exploded")
    return None
