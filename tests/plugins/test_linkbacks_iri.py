"""A source whose address has accents or spaces (an IRI, as real blogs write them) is fetched."""

from __future__ import annotations

import threading

import pytest
import requests
from linkbacks_support import configure, linkbacks, publish, trackback_outcomes, wait_for
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from hlsblog.testing import LiveServer


class LinkingSite:
    """A real web server whose every page links to ``target``; it notes the paths asked for."""

    def __init__(self, target: str) -> None:
        self.target, self.asked = target, []
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    @Request.application
    def app(self, request: Request) -> Response:
        self.asked.append(request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI"))
        body = f'<title>Café</title><p>See <a href="{self.target}">this</a>.</p>'
        return Response(body, mimetype="text/html")


@pytest.fixture
def here(make_app):
    with LiveServer(make_app(plugins=["trackback"])) as server:
        server.post_id, server.post_url = publish(server, "Tea", "All about tea.")
        configure(server, allowed_hosts=["127.0.0.1"])
        site = LinkingSite(server.post_url)
        thread = threading.Thread(target=site.server.serve_forever, daemon=True)
        thread.start()
        server.site = site
        yield server
        site.server.shutdown()
        thread.join(timeout=5)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_sources_with_accents_and_spaces_are_fetched_and_stored(here):
    mention = here.site.url + "/éé/a page/?q=thé au lait"
    data = {"source": mention, "target": here.post_url}
    sent = requests.post(here.url + "/linkbacks/webmention", data=data, timeout=5)
    assert sent.status_code == 202
    status_url = sent.text.split("Status: ")[1].strip()
    wait_for(lambda: requests.get(status_url, timeout=5).json()["status"] != "queued")
    outcome = requests.get(status_url, timeout=5).json()
    assert outcome["status"] == "accepted", outcome
    pinged = here.site.url + "/café/"
    answer = requests.post(here.post_url + "trackback/", data={"url": pinged}, timeout=5).text
    assert "<error>0</error>" in answer
    assert [status for status, _ in trackback_outcomes(here)] == ["accepted"]
    assert here.site.asked == [
        "/%C3%A9%C3%A9/a%20page/?q=th%C3%A9%20au%20lait",
        "/caf%C3%A9/",
    ]
    stored = {source for kind, _, _, source in linkbacks(here, here.post_id)}
    assert stored == {mention, pinged}  # shown as the sender wrote it
