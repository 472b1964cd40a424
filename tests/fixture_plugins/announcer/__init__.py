"""Keeps the address of each post it is told was published, in a setting (a test plugin)."""

from hlsblog import db, get_setting, hookimpl, permalink
from hlsblog.settings import set_setting


@hookimpl
def post_published(post):
    heard = list(get_setting("announcer.heard") or [])
    set_setting("announcer.heard", [*heard, permalink(post, external=True)])
    db.session.commit()
