"""Holds every comment for moderation (a test plugin)."""

from hlsblog import Verdict, hookimpl


@hookimpl
def check_comment(comment, context):
    return Verdict("hold", "every comment waits here")
