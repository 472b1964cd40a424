"""Sends every comment from readers straight to the trash (a test plugin)."""

from hlsblog import Verdict, hookimpl


@hookimpl
def check_comment(comment, context):
    return Verdict("trash", "every comment is binned here", "binner")
