"""Counts the sidebar's answers: an old-style hookwrapper=True implementation (a test plugin)."""

from markupsafe import Markup

from hlsblog import hookimpl


@hookimpl(hookwrapper=True)
def template_slot(slot, context):
    outcome = yield
    if slot == "sidebar":
        answers = outcome.get_result()
        count = Markup('<p class="counted">{} answer(s) above</p>').format(len(answers))
        outcome.force_result([*answers, count])
