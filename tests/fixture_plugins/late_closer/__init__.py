"""Fails whenever it is asked whether discussion is closed (a test plugin)."""

from hlsblog import hookimpl


@hookimpl
def discussion_closed(post, kind):
    raise RuntimeError("late_closer was asked")
