"""Accessible by test: axe-core finds nothing serious on any page, light or dark, and a reader
or blogger who only has a keyboard reaches the comment form, the reply links and the admin's
main actions, and always sees where they are.

axe's script is injected into the page, which our strict CSP would refuse: these tests (and
only these) open their browser context with ``bypass_csp=True``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from site_tour import admin_pages, build_tour_blog

from hlsblog.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

SERIOUS = {"serious", "critical"}
AXE = Axe()
# The dark scheme changes colours only, so in it only axe's colour rules can find anything new
# (half the time of a full run, on every page).
COLOUR_RULES = {"runOnly": ["color-contrast", "link-in-text-block"], "resultTypes": ["violations"]}

# Where keyboard focus is now, and whether a person can see it there.
FOCUSED = r"""(n) => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const again = el.hasAttribute('data-tabbed');
  const first = el.getAttribute('data-tabbed') === '0';
  if (!again) el.setAttribute('data-tabbed', String(n));
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const name = (el.getAttribute('aria-label') || el.textContent || el.value || '')
    .replace(/\s+/g, ' ').trim();
  return {id: el.id, tag: el.tagName.toLowerCase(), cls: el.className || '',
          name: name.slice(0, 40), visible: outline || shadow,
          focusVisible: el.matches(':focus-visible'), again, first};
}"""


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    """One tab whose context lets axe's injected script run despite the CSP."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _log_in(page: Any, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.locator("form:has(#password) [type=submit]").click()
    page.wait_for_url(f"{base}/admin/**")


def _serious_problems(page: Any, url: str) -> list[str]:
    """What axe calls serious or critical on ``url``, in the light and the dark scheme."""
    page.emulate_media(color_scheme="light")
    page.goto(url, wait_until="load")
    found = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        result = AXE.run(page) if scheme == "light" else AXE.run(page, options=COLOUR_RULES)
        for rule in result.response["violations"]:
            if rule["impact"] in SERIOUS:
                targets = [" ".join(map(str, node["target"])) for node in rule["nodes"][:3]]
                found.append(f"{scheme}: {rule['id']} ({rule['help']}) at {targets}")
    return found


def test_no_reader_or_admin_page_has_a_serious_accessibility_problem(
    live_server, tab, make_user, make_post, make_comment
):
    make_user()
    reader = build_tour_blog(make_post, make_comment)
    base = live_server.url
    problems = {}
    for name, path in reader.items():
        problems[name] = _serious_problems(tab, base + path)
    _log_in(tab, base)
    pages = admin_pages(lambda path: tab.context.request.get(base + path).text())
    assert len(pages) >= 10, pages  # the walk found the admin's pages, not just the dashboard
    for path in pages:
        problems[path] = _serious_problems(tab, base + path)
    assert {name: found for name, found in problems.items() if found} == {}


def _tab_through(page: Any, presses: int) -> list[dict[str, Any]]:
    """Press Tab from the top of the page until focus comes round to the first stop again (at
    most ``presses`` times); each element focused on the way, once (a date field takes
    several presses)."""
    page.locator("body").focus()
    seen: list[dict[str, Any]] = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED, len(seen))
        if focused and focused["first"]:
            break
        if focused and not focused["again"]:
            seen.append(focused)
    return seen


def _unseen(stops: list[dict[str, Any]]) -> list[str]:
    """The focus stops that showed no outline or shadow: a keyboard user lost the cursor."""
    return [f"{s['tag']}#{s['id']}.{s['cls']} {s['name']!r}" for s in stops if not s["visible"]]


def test_a_keyboard_reader_reaches_the_form_and_the_reply_links_and_sees_the_focus(
    live_server, tab, make_user, make_post, make_comment
):
    reader = build_tour_blog(make_post, make_comment)
    tab.goto(live_server.url + reader["post with comments"])
    replies = tab.locator(".comment-reply-link").count()
    stops = _tab_through(tab, 120)
    reached = {s["id"] for s in stops}
    assert {"author", "email", "url", "comment", "submit"} <= reached
    reply_stops = [s for s in stops if "comment-reply-link" in s["cls"]]
    assert len(reply_stops) == replies > 0
    assert _unseen(stops) == []
    assert all(s["focusVisible"] for s in stops)

    # Enter on a reply link brings the form under that comment, the cursor in its text box.
    tab.reload()
    tab.locator("body").focus()
    for _ in range(80):
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement.matches('.comment-reply-link')"):
            break
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.id") == "comment"
    assert tab.locator(".comment #respond").count() == 1


def test_a_keyboard_blogger_reaches_the_admins_main_actions_and_sees_the_focus(
    live_server, tab, make_user, make_post, make_comment
):
    make_user()
    build_tour_blog(make_post, make_comment)
    base = live_server.url
    _log_in(tab, base)
    for path in ["/admin/posts/new", "/admin/posts/", "/admin/comments/", "/admin/settings"]:
        tab.goto(base + path)
        # The page's own buttons (outside the admin's menu), which Tab must reach.
        actions = tab.evaluate(
            r"""() => [...document.querySelectorAll('main button, main [type=submit]')]
                 .filter(b => b.offsetParent !== null && !b.closest('nav') && !b.disabled)
                 .map(b => (b.getAttribute('aria-label') || b.textContent || b.value)
                   .replace(/\s+/g, ' ').trim().slice(0, 40))"""
        )
        stops = _tab_through(tab, 150)
        reached = {s["name"] for s in stops if s["tag"] in ("button", "input")}
        assert actions or path != "/admin/posts/new", path
        assert set(actions) <= reached, path
        assert [s["name"] for s in stops if s["name"] == "Posts"], path  # the menu too
        assert _unseen(stops) == [], path


SHIFTS = """window.__shifts = [];
new PerformanceObserver(list => list.getEntries().forEach(e => window.__shifts.push(e.value)))
  .observe({type: 'layout-shift', buffered: true});"""


def test_nothing_moves_once_a_phone_has_painted_the_page(
    live_server, browser, make_user, make_post, make_comment
):
    # A script folding the admin's menu after the first paint moved the whole page.
    make_user()
    reader = build_tour_blog(make_post, make_comment)
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    tab = phone.new_page()
    _log_in(tab, live_server.url)
    tab.add_init_script(SHIFTS)
    listing = tab.context.request.get(live_server.url + "/admin/posts/").text()
    editor = re.search(r'href="(/admin/posts/\d+/)"', listing)
    assert editor, "no post to edit in the posts list"
    for path in ["/", reader["post with comments"], "/admin/posts/", editor.group(1)]:
        tab.goto(live_server.url + path)
        tab.wait_for_load_state("networkidle")
        assert sum(tab.evaluate("window.__shifts")) < 0.05, path
    phone.close()
