"""Every page a person reaches fits a 360 px phone: no sideways scrolling.

The pages are those of the access matrix (tests/test_access_matrix.py): every GET route that
answers a page, opened on a phone by each kind of person the matrix allows it to, in the
matrix's world (reviews in every state, a report, a mentorship, ...). A new route is checked as
soon as it is in the matrix.
"""

from __future__ import annotations

import pytest

from tests.access import OK
from tests.access_world import matrix_world  # noqa: F401  (fixture)
from tests.browser.conftest import login, snap
from tests.conftest import TEST_PASSWORD
from tests.test_access_matrix import MATRIX  # also registers the features' parts of the world

pytestmark = pytest.mark.browser

# The people whose pages differ: the secretariat, the host city (contact and member), the team
# (its lead sees the most), an invited peer, a mentor and a mentee, and someone logged out.
PEOPLE = ("anonymous", "coordinator", "host_contact", "host_member", "team_lead", "seat_invited",
          "mentor", "mentee")

WIDTH_JS = """() => ({
    scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
    culprits: [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
        .slice(0, 4)
        .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                  + (e.className && typeof e.className === 'string'
                     ? '.' + e.className.trim().split(/\\s+/).join('.') : '')),
})"""


def _pages(world) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for route in MATRIX:
        if route.method != "GET":
            continue
        url = route.url(world)
        for role in PEOPLE:
            if route.expect.get(role) == OK and url not in out.get(role, []):
                out.setdefault(role, []).append(url)
    return out


def test_every_page_fits_a_360px_phone(_app, matrix_world, _live_server, new_page):
    base = _live_server.url
    _app.config["WTF_CSRF_ENABLED"] = True
    too_wide, seen = [], 0
    try:
        for role, urls in _pages(matrix_world).items():
            page = new_page(phone=True)
            if role != "anonymous":
                login(page, _live_server, matrix_world.users[role].email, TEST_PASSWORD)
            for url in urls:
                answer = page.request.get(base + url, max_redirects=5)
                if answer.status != 200 or "text/html" not in answer.headers.get("content-type", ""):
                    continue  # a file, a feed, JSON
                page.goto(base + url)
                seen += 1
                widths = page.evaluate(WIDTH_JS)
                if widths["scroll"] > widths["inner"]:
                    too_wide.append(f"{role} {url}: {widths['scroll']} px ({', '.join(widths['culprits'])})")
                    snap(page, f"too-wide-{role}-{url}")
            page.context.close()
    finally:
        _app.config["WTF_CSRF_ENABLED"] = False
    assert seen > 100  # the matrix's pages were really opened
    assert not too_wide, "pages wider than a 360 px phone:\n" + "\n".join(too_wide)
