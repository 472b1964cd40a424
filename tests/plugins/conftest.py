"""Fixtures shared by the plugins' tests."""

from __future__ import annotations

import pytest
from linkbacks_support import Blogs, configure, second_database

from hlsblog.testing import LiveServer


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``blogs`` marker."""
    config.addinivalue_line(
        "markers",
        "blogs(here=[plugins], there={config}, there_sends=False): how `blogs` builds them",
    )


@pytest.fixture
def blogs(request, make_app, backend, tmp_path):
    """Two live blogs with the trackback plugin: ``here`` takes pings, ``there`` sends none.

    ``@pytest.mark.blogs(here=["trackback", "moderation"], there={...}, there_sends=True)``
    gives ``here`` those plugins, ``there`` that app config, and lets ``there`` ping ``here``.
    """
    marker = request.node.get_closest_marker("blogs")
    options = marker.kwargs if marker else {}
    here = make_app(plugins=options.get("here", ["trackback"]))
    there_config = {**options.get("there", {}), **second_database(backend, tmp_path)}
    there = make_app(plugins=["trackback"], **there_config)
    with LiveServer(here) as here_server, LiveServer(there) as there_server:
        configure(here_server, allowed_hosts=["127.0.0.1"])
        if options.get("there_sends"):
            configure(there_server, allowed_hosts=["127.0.0.1"])
        else:
            configure(there_server, send_pings=False)
        yield Blogs(here_server, there_server)
