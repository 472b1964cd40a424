"""Pingback 1.0 over XML-RPC: one method, ``pingback.ping``, parsed without expanding entities.

The spec has the answer say whether the source exists and links to the target (faults 16 and
17), so the source is fetched while the sender waits: with a short deadline (5 s at most), no
database connection held meanwhile, and one such fetch at a time on the machine (``inline``).

The XML is read with defusedxml and any DTD is refused, so an entity bomb or an external
entity never expands. Only ``pingback.ping`` is served: ``system.multicall`` (one request, a
thousand pings) and every other method get "method not found".
"""

from __future__ import annotations

import xmlrpc.client
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from flask import Response

from hlsblog import db

from . import inbound
from .inline import inline_fetch_slot
from .routes import client, count_ping, protocols, read_body, require
from .settings import limits

NOT_WELL_FORMED, NO_METHOD, BAD_PARAMS = -32700, -32601, -32602


def parse_call(body: bytes) -> tuple[str, list[Any]]:
    """The method name and parameters of an XML-RPC call; only strings are taken."""
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise inbound.PingRefused(f"Parse error: {type(exc).__name__}.", NOT_WELL_FORMED) from exc
    if root.tag != "methodCall":
        raise inbound.PingRefused("Not an XML-RPC method call.", NOT_WELL_FORMED)
    method = (root.findtext("methodName") or "").strip()
    return method, [_value(value) for value in root.findall("params/param/value")]


def _value(value: Element) -> Any:
    children = list(value)
    if not children:
        return (value.text or "").strip()  # a value without a type is a string
    if children[0].tag == "string":
        return (children[0].text or "").strip()
    return children[0]  # anything else is refused as a bad parameter


def reply(result: str | None = None, fault: inbound.PingRefused | None = None) -> Response:
    """An XML-RPC response (HTTP 200, as the protocol wants) or a fault."""
    payload: Any = (result,)
    if fault is not None:
        payload = xmlrpc.client.Fault(fault.code, fault.message)
    xml = xmlrpc.client.dumps(payload, methodresponse=True, encoding="utf-8")
    return Response(xml, mimetype="text/xml")


def ping(source: str, target: str) -> str:
    """Verify and store one pingback; a message for the sender."""
    post = inbound.post_for(target)
    inbound.check_open(post, source)
    fetching = limits(f"verifying a ping from {client()['ip']}", inline=True)
    inbound.check_source_address(source, fetching)  # a refusal needs no place to wait in
    with inline_fetch_slot():
        verified = inbound.verify_source(source, target, fetching)
    inbound.store(post, "pingback", verified, verified.title, verified.excerpt, **client())
    return f"Pingback from {source} to {target} registered."


@protocols.route("/linkbacks/pingback", methods=["POST"])
def pingback() -> Response:
    """The XML-RPC endpoint named by ``X-Pingback``."""
    try:
        count_ping()
        require("pingback")
        method, params = parse_call(read_body())
        if method != "pingback.ping":
            raise inbound.PingRefused(f"Method not found: {method[:100]!r}.", NO_METHOD)
        if len(params) != 2 or not all(isinstance(p, str) for p in params):
            raise inbound.PingRefused("pingback.ping takes two strings.", BAD_PARAMS)
        return reply(ping(params[0], params[1]))
    except inbound.PingRefused as refusal:
        db.session.rollback()
        return reply(fault=refusal)
