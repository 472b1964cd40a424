"""Holds the comment that says "hold the door" at the judge until the test opens it (a test plugin).

The core asks judges inside the write lock, so while that comment waits here every other
writer queues behind it.
"""

import threading

from hlsblog import hookimpl

reached = threading.Event()
door = threading.Event()


@hookimpl
def check_comment(comment, context):
    if "hold the door" in comment.body_source:
        reached.set()
        door.wait(60)
    return None
