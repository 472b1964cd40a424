"""The targets that ship with the plugin, registered through ``share_targets`` like any other."""

from __future__ import annotations

from flask import url_for

from .targets import SharedPost, ShareTarget


def mastodon_page(shared: SharedPost) -> str:
    """Mastodon has no central site: our own page asks the reader for their server."""
    return str(url_for("share.mastodon", post_id=shared.post.id))


BUNDLED = [
    ShareTarget("email", "Email", "mailto:?subject={title}&body={url}", "email.svg"),
    ShareTarget("print", "Print", action="print", icon="print.svg"),
    ShareTarget(
        "reddit", "Reddit", "https://www.reddit.com/submit?url={url}&title={title}", "reddit.svg"
    ),
    ShareTarget(
        "facebook", "Facebook", "https://www.facebook.com/sharer/sharer.php?u={url}", "facebook.svg"
    ),
    ShareTarget(
        "linkedin",
        "LinkedIn",
        "https://www.linkedin.com/sharing/share-offsite/?url={url}",
        "linkedin.svg",
    ),
    ShareTarget(
        "hackernews",
        "Hacker News",
        "https://news.ycombinator.com/submitlink?u={url}&t={title}",
        "hackernews.svg",
    ),
    ShareTarget("bluesky", "Bluesky", "https://bsky.app/intent/compose?text={text}", "bluesky.svg"),
    ShareTarget("x", "X (Twitter)", "https://x.com/intent/post?text={title}&url={url}", "x.svg"),
    ShareTarget("mastodon", "Mastodon", mastodon_page, "mastodon.svg"),
]
