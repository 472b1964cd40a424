"""Fixtures shared by the plugins' tests."""

from __future__ import annotations

import pytest
from linkbacks_support import Blogs, configure, second_database

from hlsblog.testing import LiveServer


@pytest.fixture
def blogs(make_app, backend, tmp_path):
    """Two live blogs with the trackback plugin: ``here`` takes pings, ``there`` sends none."""
    here = make_app(plugins=["trackback"])
    there = make_app(plugins=["trackback"], **second_database(backend, tmp_path))
    with LiveServer(here) as here_server, LiveServer(there) as there_server:
        configure(here_server, allowed_hosts=["127.0.0.1"])
        configure(there_server, send_pings=False)
        yield Blogs(here_server, there_server)
