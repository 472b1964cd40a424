"""Every payload of a public XSS corpus goes through the comment form; none runs in a browser."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hlsblog.extensions import db
from hlsblog.models import Comment
from hlsblog.rendering import COMMENT_ATTRIBUTES
from hlsblog.testing import csrf_token, html_elements

pytestmark = pytest.mark.plugins()

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "xss" / "payloads.json"
PAYLOADS = json.loads(CORPUS.read_text())
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
  const scripts = [...document.scripts].map(s => s.src)
    .filter(s => !s.endsWith('comment-reply.js'));
  return bad.concat(scripts.map(s => 'script ' + (s || 'inline')));
}"""


def _post_every_payload(app, client, post_url):
    token = csrf_token(client, post_url)
    outcomes = {}
    for n, payload in enumerate(PAYLOADS):
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


def test_no_payload_survives_sanitizing_or_runs_in_chromium(
    app, client, make_post, live_server, page
):
    post = make_post("Target practice", comments_open=True)
    outcomes = _post_every_payload(app, client, post["url"])
    assert set(outcomes) <= {303, 400} and 500 not in outcomes
    with app.app_context():
        stored = db.session.scalars(db.select(Comment.body_html)).all()
    assert len(stored) == outcomes[303] >= 450
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
