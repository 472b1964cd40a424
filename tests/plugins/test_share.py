"""The "Share and Enjoy" row: plain links under a post, chosen by the admin, open to new targets."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from hlsblog.testing import admin_client, submit_form

# Share links are rendering and settings, the same from either database: SQLite only.
pytestmark = [
    pytest.mark.plugins("share"),
    pytest.mark.parametrize("backend", ["sqlite"], indirect=True),
]

SHARE = Path(__file__).resolve().parents[2] / "plugins" / "share"
BUNDLED = [
    "email",
    "print",
    "reddit",
    "facebook",
    "linkedin",
    "hackernews",
    "bluesky",
    "x",
    "mastodon",
]
LINK = re.compile(r'<li class="share-target share-([\w-]+)">\s*<a href="([^"]*)"')
TRICKY_TITLES = [
    "Quotes \"double\" & 'single' <b>not bold</b>",
    "100% + 50% = a #hash, ?query=1&x=2 and {url}",
    "Ünïcödé — 日本語のタイトル — Ελληνικά — עברית",
    "Emoji 🎉👩🏽‍💻 and a\u00a0no-break space",
]

# A whole third-party plugin that adds a target: what docs/plugins.md shows.
EXAMPLE_SOCIAL = '''"""Adds Example Social to the share row."""

from hlsblog import hookimpl


@hookimpl
def share_targets():
    return {
        "name": "examplesocial",
        "label": "Example Social",
        "url": "https://social.example/share?u={url}&t={title}",
    }
'''
BROKEN_TARGETS = '''"""Offers a target with a script address, which the share row refuses."""

from hlsblog import hookimpl


@hookimpl
def share_targets():
    return [{"name": "evil", "label": "Evil", "url": "javascript:alert(1)"}]
'''
BAD_TEMPLATE = BROKEN_TARGETS.replace("javascript:alert(1)", "https://a.example/?u={link}")
REMOTE_ICON = BROKEN_TARGETS.replace(
    '"url": "javascript:alert(1)"',
    '"url": "https://a.example/?u={url}", "icon": "//cdn.example/i.svg"',
)


def share_links(page: str) -> dict[str, str]:
    """The row's links by target name, addresses unescaped as a browser reads them."""
    return {name: html.unescape(href) for name, href in LINK.findall(page)}


def query(href: str) -> dict[str, str]:
    """The decoded query of a share address."""
    return {key: values[0] for key, values in parse_qs(urlsplit(href).query).items()}


def plugins_folder(tmp_path: Path, **plugins: str) -> str:
    """A plugins folder with the share plugin and the given third-party plugins in it."""
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "share").symlink_to(SHARE, target_is_directory=True)
    for name, source in plugins.items():
        (folder / name).mkdir()
        (folder / name / "__init__.py").write_text(source)
    return str(folder)


def publish(app, title: str = "Shared post", slug: str = "shared-post") -> str:
    """Publish a post through the core and return its permalink."""
    from hlsblog.extensions import db
    from hlsblog.models import Post, User
    from hlsblog.posts import permalink, save_post

    with app.app_context():
        author = db.session.scalar(db.select(User).where(User.username == "admin"))
        post = Post(
            title=title, slug=slug, body_source="Text.", author_id=author.id, status="published"
        )
        save_post(post, categories="News")
        with app.test_request_context():
            return permalink(post)


def save_share_settings(client, **values: str):
    """Send the share plugin's settings form as the admin would."""
    return submit_form(
        client,
        "/admin/plugins/",
        values,
        action="/admin/plugins/share/settings",
        follow_redirects=True,
    )


def test_a_post_shows_every_bundled_target_as_a_plain_local_link(client, make_post):
    post = make_post(title="Hello, readers", slug="hello-readers")
    page = client.get(post["url"]).get_data(as_text=True)
    row = page[page.index('<div class="share-row"') : page.index("</ul>\n</div>")]
    assert "Share and Enjoy:" in row
    assert list(share_links(row)) == [name for name in BUNDLED if name != "print"]
    assert 'data-share-action="print"' in row and " hidden>" in row  # shown by share.js
    for label in ["Email", "Print", "Reddit", "Hacker News", "X (Twitter)", "Mastodon"]:
        assert f'<span class="share-label">{label}</span>' in row  # each link's accessible name
    assert "<script" not in row and "style=" not in row and "onclick" not in row
    assert all(
        src.startswith("/plugins/share/static/") for src in re.findall(r'src="([^"]+)"', row)
    )
    for asset in re.findall(r'(?:src|href)="(/plugins/share/static/[^"]+)"', page):
        with client.get(asset) as served:  # closes the file send_from_directory opened
            assert served.status_code == 200 and "Set-Cookie" not in served.headers


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(one: str, other: str) -> float:
    low, high = sorted([_luminance(one), _luminance(other)])
    return (high + 0.05) / (low + 0.05)


def test_the_grey_icons_stand_out_on_light_and_dark_pages(client, make_post):
    # Mail, Print and the default link icon are grey drawings: at #555 they all but vanished
    # on the dark theme's near-black. Icons need 3:1 (WCAG 1.4.11) on any page colour.
    theme = (SHARE.parents[1] / "templates" / "static" / "theme.css").read_text()
    backgrounds = re.findall(r"--bg: (#[0-9a-f]{6});", theme) + ["#ffffff", "#000000"]
    assert len(backgrounds) == 4  # the theme's light and dark page colours
    page = client.get(make_post()["url"]).get_data(as_text=True)
    for name in ("email", "print", "link"):
        icon = f"/plugins/share/static/icons/{name}.svg"
        assert name == "link" or icon in page
        with client.get(icon) as served:
            greys = set(re.findall(r'"(#[0-9a-f]{3}(?:[0-9a-f]{3})?)"', served.text))
        greys = {c if len(c) == 7 else "#" + "".join(d * 2 for d in c[1:]) for c in greys}
        greys.discard("#ffffff")  # the white strokes inside a shape, on that shape's grey
        assert greys, name
        for grey in greys:
            for background in backgrounds:
                assert _contrast(grey, background) >= 3, (name, grey, background)


@pytest.mark.parametrize("title", TRICKY_TITLES)
def test_titles_and_permalinks_reach_each_service_intact(client, make_post, title):
    post = make_post(title=title, slug="tricky")
    permalink = "http://localhost" + post["url"]
    links = share_links(client.get(post["url"]).get_data(as_text=True))
    assert all(href.isascii() and " " not in href for href in links.values())
    assert query(links["email"]) == {"subject": title, "body": permalink}
    assert query(links["reddit"]) == {"url": permalink, "title": title}
    assert query(links["hackernews"]) == {"u": permalink, "t": title}
    assert query(links["x"]) == {"text": title, "url": permalink}
    assert query(links["bluesky"]) == {"text": f"{title} {permalink}"}
    assert query(links["facebook"]) == {"u": permalink}
    assert query(links["linkedin"]) == {"url": permalink}


def test_a_drafts_preview_has_no_row(client, make_user, auth, make_post):
    make_user()
    auth.login()
    draft = make_post(title="Not yet", slug="not-yet", status="draft")
    preview = client.get(draft["url"]).get_data(as_text=True)
    assert "Preview of a draft post:" in preview and "share-row" not in preview


def test_listings_show_the_row_only_when_the_admin_turns_it_on(app, client, make_user, auth):
    make_user()
    auth.login()
    url = publish(app)
    assert "share-row" in client.get(url).get_data(as_text=True)
    front = client.get("/").get_data(as_text=True)
    assert "share-row" not in front and "/plugins/share/" not in front
    page = save_share_settings(client, targets=",".join(BUNDLED), on_listings="1")
    assert "Settings of share saved." in page.get_data(as_text=True)
    for listing in ["/", "/category/news/"]:
        page = client.get(listing).get_data(as_text=True)
        assert 'id="share-title-1"' in page and "share.css" in page


def test_the_admin_picks_and_orders_the_targets(app, client, make_user, auth, make_post):
    make_user()
    auth.login()
    post = make_post()
    form = client.get("/admin/plugins/share/").get_data(as_text=True)
    assert f'value="{", ".join(BUNDLED)}"' in form  # the default: every target, in order
    save_share_settings(client, targets="mastodon, email, reddit")
    assert list(share_links(client.get(post["url"]).get_data(as_text=True))) == [
        "mastodon",
        "email",
        "reddit",
    ]
    refused = save_share_settings(client, targets="email, digg").get_data(as_text=True)
    assert "unknown choice digg" in refused
    assert list(share_links(client.get(post["url"]).get_data(as_text=True)))[0] == "mastodon"
    save_share_settings(client, targets="")
    assert "share-row" not in client.get(post["url"]).get_data(as_text=True)


def test_a_third_party_target_takes_a_dozen_lines_and_shows_everywhere(make_app, tmp_path):
    assert len(EXAMPLE_SOCIAL.strip().splitlines()) < 15
    folder = plugins_folder(tmp_path, examplesocial=EXAMPLE_SOCIAL)
    app = make_app(plugins=["share", "examplesocial"], PLUGINS_FOLDER=folder)
    client = admin_client(app)
    url = publish(app, title="Café & crème", slug="cafe")
    links = share_links(client.get(url).get_data(as_text=True))
    assert list(links)[-1] == "examplesocial"
    assert links["examplesocial"].startswith("https://social.example/share?")
    assert query(links["examplesocial"]) == {"u": f"http://localhost{url}", "t": "Café & crème"}
    form = client.get("/admin/plugins/share/").get_data(as_text=True)
    assert "From: " + ", ".join([*BUNDLED, "examplesocial"]) in form
    save_share_settings(client, targets="examplesocial, email")
    assert list(share_links(client.get(url).get_data(as_text=True))) == ["examplesocial", "email"]


def test_a_broken_target_is_reported_and_the_row_stays(make_app, tmp_path):
    broken = {
        "brokentarget": BROKEN_TARGETS,
        "remoteicon": REMOTE_ICON,
        "badtemplate": BAD_TEMPLATE,
    }
    folder = plugins_folder(tmp_path, **broken)
    app = make_app(plugins=["share", *broken], PLUGINS_FOLDER=folder)
    client = admin_client(app)
    url = publish(app)
    page = client.get(url).get_data(as_text=True)
    assert list(share_links(page)) == [name for name in BUNDLED if name != "print"]
    assert "javascript:" not in page and "cdn.example" not in page
    plugins = client.get("/admin/plugins/").get_data(as_text=True)
    assert plugins.count("Failing in share_targets") == 3
    assert "is not https:, http:, mailto:" in plugins and "icons load from the blog" in plugins
    assert "bad url template (KeyError(&#39;link&#39;))" in plugins


def test_mastodon_asks_for_the_readers_server_without_javascript(app, client, make_post):
    post = make_post(title="Toot “this” & that", slug="toot")
    ask = share_links(client.get(post["url"]).get_data(as_text=True))["mastodon"]
    page = app.test_client().get(ask)  # a new reader, with no session from the comment form
    assert page.status_code == 200 and 'name="instance"' in page.get_data(as_text=True)
    assert "Set-Cookie" not in page.headers  # the server is remembered by the browser alone
    text = f"Toot “this” & that http://localhost{post['url']}"
    for typed in ["mastodon.example", " @me@Mastodon.Example ", "https://mastodon.example/@me"]:
        answer = client.get(ask, query_string={"instance": typed})
        assert answer.status_code == 200  # a link to follow: never a redirect
        found = re.search(
            r'<a href="([^"]+)" rel="nofollow noreferrer">Continue to ([^<]+)</a>',
            answer.get_data(as_text=True),
        )
        assert found and found.group(2) == "mastodon.example"
        address = html.unescape(found.group(1))
        assert address.startswith("https://mastodon.example/share?")
        assert query(address) == {"text": text}


def test_mastodon_refuses_a_bad_server_and_keeps_what_was_typed(client, make_post):
    post = make_post(slug="toot")
    ask = share_links(client.get(post["url"]).get_data(as_text=True))["mastodon"]
    for typed in ["", "not a host", "javascript:alert(1)", "localhost", "a" * 300 + ".example"]:
        refused = client.get(ask, query_string={"instance": typed})
        assert refused.status_code == 400
        assert "is not a server name like mastodon.social" in refused.get_data(as_text=True)
    bad = client.get(ask, query_string={"instance": "<b>x</b>"}).get_data(as_text=True)
    assert 'value="&lt;b&gt;x&lt;/b&gt;"' in bad  # what the reader typed is kept, escaped
    assert client.get("/share/mastodon/999/").status_code == 404


def test_disabling_the_plugin_leaves_no_trace_and_every_page_works(make_app, tmp_path):
    app = make_app(plugins=None, PLUGINS_FOLDER=plugins_folder(tmp_path))  # not pinned
    client = admin_client(app)
    url = publish(app)
    assert "share-row" in client.get(url).get_data(as_text=True)
    submit_form(client, "/admin/plugins/", {"enable": "0"}, action="/admin/plugins/share/toggle")
    for address in [url, "/", "/category/news/", "/search?q=post"]:
        page = client.get(address)
        assert page.status_code == 200, address
        text = page.get_data(as_text=True)
        assert "share-row" not in text and "Share and Enjoy:" not in text
        assert "/plugins/share/" not in text and "/share/mastodon/" not in text
    for address in ["/admin/", "/admin/posts/", "/admin/plugins/"]:
        assert client.get(address).status_code == 200, address
    assert client.get("/share/mastodon/1/").status_code == 404
    with client.get("/plugins/share/static/share.js") as served:
        assert served.status_code == 404
    submit_form(client, "/admin/plugins/", {"enable": "1"}, action="/admin/plugins/share/toggle")
    assert "share-row" in client.get(url).get_data(as_text=True)
