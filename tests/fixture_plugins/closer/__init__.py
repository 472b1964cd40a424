"""Closes discussion on every post (a test plugin)."""

from hlsblog import hookimpl


@hookimpl
def discussion_closed(post, kind):
    return "Closed by the closer plugin."
