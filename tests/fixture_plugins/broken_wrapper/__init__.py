"""A wrapper=True implementation that fails after the others answered (a test plugin)."""

from hlsblog import hookimpl


@hookimpl(wrapper=True)
def template_slot(slot, context):
    answers = yield
    if slot == "sidebar":
        raise ValueError("wrapper exploded")
    return answers
