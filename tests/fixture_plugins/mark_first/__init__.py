"""Marks a comment's HTML with [first], asking pluggy to run it first (a test plugin)."""

from hlsblog import hookimpl


@hookimpl(tryfirst=True)
def filter_comment_html(comment, html):
    return html + "[first]"
