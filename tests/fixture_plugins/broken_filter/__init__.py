"""Raises inside the comment and post filters (a test plugin)."""

from hlsblog import hookimpl


@hookimpl
def filter_comment_html(comment, html):
    raise ValueError("filter exploded")


@hookimpl
def filter_post_html(post, html):
    raise ValueError("post filter exploded")
