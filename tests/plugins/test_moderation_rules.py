"""Each moderation rule decides on a crafted comment: the status, the rule and the reason."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hlsblog import CommentInput, db, submit_comment
from hlsblog.api import setting_key
from hlsblog.models import Comment, Post, utcnow
from hlsblog.settings import set_setting
from hlsblog.testing import csrf_token, submit_form

pytestmark = pytest.mark.plugins("moderation")

ADA = {"author": "Ada", "email": "ada@example.org", "url": "", "comment": "Lovely post."}
HOUR_AGO = timedelta(hours=1)


def configure(app, **values):
    """Store moderation settings as the Plugins page would."""
    with app.app_context():
        for name, value in values.items():
            set_setting(setting_key("moderation", name), value)
        db.session.commit()


def stored(app):
    with app.app_context():
        return db.session.scalars(db.select(Comment).order_by(Comment.id.desc())).first()


def returning_ada(make_comment, post_id, ago=HOUR_AGO, body="An earlier comment."):
    """Ada has had a comment approved before, so her first-comment hold is over."""
    make_comment(
        post_id,
        body,
        author_name="Ada",
        author_email="ada@example.org",
        created_at=utcnow() - ago,
        status="approved",
    )


CASES = [
    # id, settings, form changes, arrangement, headers, expected status, rule, reason part
    ("returning commenter", {}, {}, "returning", {}, "approved", "", ""),
    ("first comment", {}, {}, None, {}, "pending", "first", "First comment from this name"),
    (
        "two links",
        {},
        {"comment": "See http://a.example.com/ and https://b.example.org/x"},
        "returning",
        {},
        "pending",
        "links",
        "2 links (held at 2 or more)",
    ),
    (
        "two anchors",
        {},
        {"comment": '<a href="http://a.example/">one</a> and <a href="http://b.example/">two</a>'},
        "returning",
        {},
        "pending",
        "links",
        "2 links (held at 2 or more)",
    ),
    (
        "a link and a quote's cite",
        {},
        {
            "comment": '<a href="http://a.example/">Ben</a> wrote '
            '<blockquote cite="http://a.example/post">Tea first.</blockquote>'
        },
        "returning",
        {},
        "approved",
        "",
        "",
    ),
    (
        "addresses in a code sample",
        {},
        {"comment": "Try <code>curl http://a.example/ http://b.example/</code> at home."},
        "returning",
        {},
        "approved",
        "",
        "",
    ),
    (
        "moderation word in text",
        {"moderation_words": "casino\n"},
        {"comment": "Best CASINO in town"},
        "returning",
        {},
        "pending",
        "moderation_words",
        "Moderation word “casino” in the text",
    ),
    (
        "moderation word in user agent",
        {"moderation_words": "evilbot"},
        {},
        "returning",
        {"User-Agent": "EvilBot/1.0"},
        "pending",
        "moderation_words",
        "“evilbot” in the user agent",
    ),
    (
        "moderation word is an IP",
        {"moderation_words": "127.0.0.1"},
        {},
        "returning",
        {},
        "pending",
        "moderation_words",
        "“127.0.0.1” in the IP",
    ),
    (
        "moderation word in website",
        {"moderation_words": "pills"},
        {"url": "https://cheap-pills.example/"},
        "returning",
        {},
        "pending",
        "moderation_words",
        "“pills” in the website",
    ),
    (
        "disallowed word in name",
        {"disallowed_words": "spammer"},
        {"author": "Big Spammer"},
        "returning",
        {},
        "spam",
        "disallowed_words",
        "Disallowed word “spammer” in the name",
    ),
    (
        "disallowed word hidden by tags",
        {"disallowed_words": "viagra"},
        {"comment": "Buy vi<b>ag</b>ra now"},
        "returning",
        {},
        "spam",
        "disallowed_words",
        "“viagra” in the text without tags",
    ),
    (
        "disallowed words around an ampersand, hidden by tags",
        {"disallowed_words": "ben & jerry"},
        {"comment": "Eat <i>ben</i> & jerry"},
        "returning",
        {},
        "spam",
        "disallowed_words",
        "“ben & jerry” in the text without tags",
    ),
    (
        "disallowed word to trash",
        {"disallowed_words": "viagra", "disallowed_action": "trash"},
        {"comment": "viagra"},
        "returning",
        {},
        "trash",
        "disallowed_words",
        "Disallowed word “viagra” in the text",
    ),
    (
        "hold everything",
        {"hold_all": True},
        {},
        "returning",
        {},
        "pending",
        "hold_all",
        "Every comment is held",
    ),
    (
        "honeypot filled",
        {},
        {"moderation_hp": "http://bot.example/"},
        "returning",
        {},
        "spam",
        "honeypot",
        "hidden field people never see was filled in",
    ),
    (
        "old post closed",
        {"close_old": True},
        {},
        "old post",
        {},
        403,
        "closed",
        "Comments are closed: this post is more than 14 days old.",
    ),
    (
        "flood",
        {},
        {"comment": "Second thought."},
        "just now",
        {},
        429,
        "flood",
        "You are posting comments too quickly. Please wait 15 seconds",
    ),
    (
        "duplicate",
        {},
        {},
        "same text",
        {},
        409,
        "duplicate",
        "Duplicate comment: it looks as though you have already said that.",
    ),
    (
        "flood beats a disallowed word",
        {"disallowed_words": "viagra"},
        {"comment": "viagra"},
        "just now",
        {},
        429,
        "flood",
        "too quickly",
    ),
]


def arrange(app, make_post, make_comment, how):
    if how == "old post":
        post = make_post("Old", published_at=utcnow() - timedelta(days=15))
        returning_ada(make_comment, post["id"])
        return post
    post = make_post()
    if how == "returning":
        returning_ada(make_comment, post["id"])
    elif how == "just now":
        returning_ada(make_comment, post["id"], ago=timedelta(seconds=3))
    elif how == "same text":
        returning_ada(make_comment, post["id"], body=ADA["comment"])
    return post


@pytest.mark.parametrize(
    ("settings", "change", "how", "headers", "expected", "rule", "reason"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_each_rule_decides_with_its_reason(
    app, client, make_post, make_comment, settings, change, how, headers, expected, rule, reason
):
    configure(app, **settings)
    post = arrange(app, make_post, make_comment, how)
    data = {**ADA, **change}
    # The login page's token serves the session: an old post has no form to take one from.
    token = csrf_token(client, "/login")
    response = client.post(post["url"], data={"csrf_token": token, **data}, headers=headers)
    if isinstance(expected, int):
        html = response.get_data(as_text=True)
        assert response.status_code == expected
        assert reason in html
        assert data["comment"] in html  # the reader's text stays in the form
        return
    assert response.status_code == 303
    comment = stored(app)
    assert (comment.status, comment.verdict_rule) == (expected, rule)
    assert reason in comment.verdict_reason


@pytest.mark.parametrize("kind", ["trackback", "pingback", "webmention"])
def test_linkbacks_pass_the_same_rules_and_are_held(app, make_post, kind):
    post = make_post()
    with app.test_request_context("/", method="POST"):
        found = db.session.get(Post, post["id"])
        ping = CommentInput(
            author="Other blog",
            url="http://other.example/",
            body="They wrote about this.",
            kind=kind,
            source_url="http://other.example/post",
        )
        comment = submit_comment(found, ping, ip="192.0.2.7")
        assert (comment.status, comment.verdict_rule) == ("pending", "pings")
        assert kind in comment.verdict_reason


def test_linkbacks_meet_disallowed_words_too(app, make_post):
    configure(app, disallowed_words="casino")
    post = make_post()
    with app.test_request_context("/", method="POST"):
        found = db.session.get(Post, post["id"])
        ping = CommentInput(author="Casino news", body="Linked.", kind="pingback")
        comment = submit_comment(found, ping, ip="192.0.2.8")
        assert (comment.status, comment.verdict_rule) == ("spam", "disallowed_words")


def test_approving_one_comment_ends_the_first_comment_hold(app, client, make_post, make_comment):
    post = make_post()
    make_comment(
        post["id"],
        "My first",
        author_name="Ada",
        author_email="ada@example.org",
        status="pending",
        created_at=utcnow() - HOUR_AGO,
    )
    submit_form(client, post["url"], {**ADA, "comment": "Still waiting?"})
    assert stored(app).status == "pending"
    configure(app, flood_seconds=0)
    with app.app_context():
        db.session.execute(db.update(Comment).values(status="approved"))
        db.session.commit()
    submit_form(client, post["url"], {**ADA, "comment": "Now trusted."})
    assert (stored(app).status, stored(app).verdict_rule) == ("approved", "")


def test_the_blogger_logged_in_skips_every_rule(app, client, auth, make_user, make_post):
    make_user()
    configure(app, hold_all=True, disallowed_words="spam")
    post = make_post()
    auth.login()
    submit_form(client, post["url"], {"comment": "No spam here, I am the blogger."})
    assert stored(app).status == "approved"


def test_an_old_post_says_why_comments_are_closed_instead_of_a_form(
    app, client, make_post, make_comment
):
    configure(app, close_old=True, close_after_days=14)
    old = make_post("Old", published_at=utcnow() - timedelta(days=15))
    make_comment(old["id"], "From back then", status="approved")
    fresh = make_post("Fresh", published_at=utcnow() - timedelta(days=13))
    html = client.get(old["url"]).get_data(as_text=True)
    assert "Comments are closed: this post is more than 14 days old." in html
    assert 'id="commentform"' not in html and "comment-reply-link" not in html
    assert 'id="commentform"' in client.get(fresh["url"]).get_data(as_text=True)
