"""Hostile comments go through the comment form; none survives the cleaner or runs in a browser.

Two corpora: ours (``tests/fixtures/xss``, one case per way of sneaking script past a cleaner)
always runs; the public one beside the checkout (506 payloads from sanitizer test suites) runs
wherever it is present.
"""

from __future__ import annotations

import json
import re

import pytest
from corpora import OWN, public_corpus

from hlsblog.extensions import db
from hlsblog.models import Comment
from hlsblog.rendering import COMMENT_ATTRIBUTES
from hlsblog.testing import csrf_token, html_elements

pytestmark = pytest.mark.plugins()

ALLOWED = sorted({*COMMENT_ATTRIBUTES, "p", "br"} - {"acronym", "strike"})

INSPECT = """(allowed) => {
  const bad = [];
  for (const body of document.querySelectorAll('.comment-body')) {
    for (const el of body.querySelectorAll('*')) {
      const tag = el.tagName.toLowerCase();
      if (!allowed.includes(tag)) bad.push('element ' + tag);
      for (const attr of el.attributes) {
        if (attr.name.startsWith('on')) bad.push('handler ' + attr.name);
        if (/^\\s*(javascript|data|vbscript):/i.test(attr.value)) bad.push('url ' + attr.value);
      }
    }
  }
  // Only our own files run: the reply script and the theme's (its ?v= changes with it).
  const ours = ['/static/comment-reply.js', '/theme/theme.js'];
  const scripts = [...document.scripts].map(s => s.src)
    .filter(s => !(s && new URL(s).origin === location.origin
                   && ours.includes(new URL(s).pathname)));
  return bad.concat(scripts.map(s => 'script ' + (s || 'inline')));
}"""


def our_payloads() -> list[str]:
    """Our own hostile comments, one per trick."""
    cases = json.loads((OWN / "xss" / "hostile-comments.json").read_text())["cases"]
    return [text for _trick, text in cases]


def public_payloads() -> list[str]:
    """The public corpus, or a skip with the reason when this checkout has none beside it."""
    return json.loads(public_corpus("xss/payloads.json").read_text())


def _post_every_payload(client, post_url, payloads):
    token = csrf_token(client, post_url)
    outcomes = {}
    for n, payload in enumerate(payloads):
        response = client.post(
            post_url,
            data={
                "csrf_token": token,
                "author": f"Attacker {n}",
                "email": f"a{n}@example.org",
                "comment": payload,
            },
        )
        outcomes[response.status_code] = outcomes.get(response.status_code, 0) + 1
    return outcomes


@pytest.mark.parametrize(
    "corpus",
    [
        pytest.param(our_payloads, id="ours"),
        pytest.param(public_payloads, id="public", marks=pytest.mark.corpus),
    ],
)
def test_no_payload_survives_sanitizing_or_runs_in_chromium(
    app, client, make_post, live_server, page, corpus
):
    payloads = corpus()
    post = make_post("Target practice", comments_open=True)
    outcomes = _post_every_payload(client, post["url"], payloads)
    # A comment with control characters is refused (400, text kept); every other one is taken.
    assert set(outcomes) <= {303, 400}
    with app.app_context():
        stored = db.session.scalars(db.select(Comment.body_html)).all()
    assert len(stored) == outcomes[303] >= 0.9 * len(payloads)
    for html in stored:
        for tag, attrs in html_elements(html):
            assert tag in ALLOWED, (tag, html)
            for name, value in attrs:
                assert not name.startswith("on"), html
                if name in ("href", "cite"):
                    assert re.match(r"(https?://|mailto:)", value or ""), value

    page.goto(live_server.url + post["url"], wait_until="load")
    page.wait_for_timeout(500)  # give any onload/onerror/timer payload its chance
    assert page.evaluate(INSPECT, ALLOWED) == []
    assert page.dialogs == []
