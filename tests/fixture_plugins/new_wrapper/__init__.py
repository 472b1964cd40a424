"""Wraps every sidebar answer in a box: a new-style wrapper=True implementation (a test plugin)."""

from markupsafe import Markup

from hlsblog import hookimpl


@hookimpl(wrapper=True)
def template_slot(slot, context):
    answers = yield
    if slot != "sidebar":
        return answers
    return [Markup('<div class="boxed">') + answer + Markup("</div>") for answer in answers]
