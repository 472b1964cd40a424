"""Marks a comment's HTML with [a] (a test plugin)."""

from hlsblog import hookimpl


@hookimpl
def filter_comment_html(comment, html):
    return html + "[a]"
