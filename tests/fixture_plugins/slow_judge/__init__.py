"""Takes a moment over every comment, as a judge asking a spam service would (a test plugin)."""

import time

from hlsblog import hookimpl

SECONDS = 0.02


@hookimpl
def check_comment(comment, context):
    time.sleep(SECONDS)  # inside the write lock: the core asks judges while holding it
    return None
