"""The ceiling: a bare Flask app that returns one fixed page, served exactly like the blog.

``BENCH_CEILING_BYTES`` sets the page's size (the benchmark passes the post page's size).
"""

from __future__ import annotations

import os

from flask import Flask

app = Flask(__name__)
_SIZE = int(os.environ.get("BENCH_CEILING_BYTES", "20000"))
_PAGE = ("<!doctype html><title>ceiling</title><p>" + "x" * _SIZE)[:_SIZE]


@app.route("/")
def page() -> str:
    """The same bytes every time: what Flask and gunicorn cost with no work at all."""
    return _PAGE
