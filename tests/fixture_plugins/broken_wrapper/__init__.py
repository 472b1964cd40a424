"""A wrapper=True implementation that fails before its yield, or after the others answered.

A test plugin: in ``head`` it fails before the others are asked, in ``sidebar`` after.
"""

from hlsblog import hookimpl


@hookimpl(wrapper=True)
def template_slot(slot, context):
    if slot == "head":
        raise ValueError("wrapper exploded before its yield")
    answers = yield
    if slot == "sidebar":
        raise ValueError("wrapper exploded after its yield")
    return answers
