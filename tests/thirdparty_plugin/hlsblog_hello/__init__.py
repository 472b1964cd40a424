"""Says hello in the sidebar: a third-party plugin found through its entry point."""

from markupsafe import Markup

from hlsblog import hookimpl


@hookimpl
def template_slot(slot, context):
    if slot == "sidebar":
        return Markup('<p class="hello-plugin">Hello from a third-party plugin</p>')
    return None
