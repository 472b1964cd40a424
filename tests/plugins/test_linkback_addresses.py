"""A refused source says "not a public address" and nothing more, whatever hides the address.

A stranger who names an intranet host learns no address from our answer; and an IPv6 address
that carries a private IPv4 inside it (6to4, NAT64, IPv4-mapped or -compatible, Teredo) is
refused like the IPv4 address itself.
"""

from __future__ import annotations

import xmlrpc.client

import pytest
import requests
from linkbacks_support import linkbacks, publish, trackback_outcomes, wait_for

from hlsblog.testing import LiveServer

EMBEDDING_PRIVATE_IPV4 = {
    "6to4 around 10.0.0.1": "2002:a00:1::1",
    "6to4 around 127.0.0.1": "2002:7f00:1::",
    "6to4 around 169.254.169.254": "2002:a9fe:a9fe::1",
    "NAT64 around 10.0.0.1": "64:ff9b::a00:1",
    "NAT64 around 192.168.1.1": "64:ff9b::c0a8:101",
    "local NAT64 around 10.0.0.1": "64:ff9b:1::a00:1",
    "IPv4-mapped 10.0.0.1": "::ffff:a00:1",
    "IPv4-compatible 127.0.0.1": "::7f00:1",
    "Teredo": "2001:0:4136:e378:8000:63bf:3fff:fdd2",
}


@pytest.fixture
def here(make_app):
    """A blog taking pings, no private host allowed; and a post on it."""
    with LiveServer(make_app(plugins=["trackback"])) as server:
        server.post_id, server.post_url = publish(server, "Tea", "All about tea.")
        yield server


def refusals(server, source):
    """What each protocol answers a ping from ``source``: trackback, pingback, webmention."""
    tb = requests.post(server.post_url + "trackback/", data={"url": source}, timeout=5).text
    proxy = xmlrpc.client.ServerProxy(server.url + "/linkbacks/pingback")
    with pytest.raises(xmlrpc.client.Fault) as fault:
        proxy.pingback.ping(source, server.post_url)
    data = {"source": source, "target": server.post_url}
    wm = requests.post(server.url + "/linkbacks/webmention", data=data, timeout=5)
    assert "<error>1</error>" in tb and fault.value.faultCode == 49 and wm.status_code == 400
    return tb, fault.value.faultString, wm.text


@pytest.mark.parametrize(
    "address", EMBEDDING_PRIVATE_IPV4.values(), ids=list(EMBEDDING_PRIVATE_IPV4)
)
def test_ipv6_addresses_that_embed_a_private_ipv4_are_refused(here, address):
    for answer in refusals(here, f"http://[{address}]/a-post/"):
        assert "not a public address" in answer
    assert linkbacks(here, here.post_id) == []


def test_a_refused_name_is_not_mapped_to_its_address(here):
    source = "http://localhost/a-post/"
    # A name is looked up only by the task verifying a TrackBack or Webmention: their
    # refusals are read from the outcome recorded there (and a Webmention's status page).
    tb = requests.post(here.post_url + "trackback/", data={"url": source}, timeout=5).text
    [(status, tb_message)] = trackback_outcomes(here)
    proxy = xmlrpc.client.ServerProxy(here.url + "/linkbacks/pingback")
    with pytest.raises(xmlrpc.client.Fault) as fault:
        proxy.pingback.ping(source, here.post_url)
    data = {"source": source, "target": here.post_url}
    wm = requests.post(here.url + "/linkbacks/webmention", data=data, timeout=5)
    status_url = wm.text.split("Status: ")[1].strip()
    wait_for(lambda: requests.get(status_url, timeout=5).json()["status"] != "queued")
    mention = requests.get(status_url, timeout=5).json()
    assert "<error>0</error>" in tb and status == "refused" and mention["status"] == "refused"
    for answer in (tb_message, fault.value.faultString, mention["message"]):
        assert "not a public address" in answer
        assert "127.0.0.1" not in answer and "::1" not in answer
    assert linkbacks(here, here.post_id) == []
