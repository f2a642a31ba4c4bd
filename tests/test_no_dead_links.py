"""No dead ends: every link a page shows to a person opens for that person.

For each kind of person of the access matrix, every page of the matrix they may open is read,
and every link on it to the application (not to a static file) is followed once: none may
answer 403, 404 or 500, or send someone who is logged in to the login page.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest

from tests.access import OK, ROLES
from tests.access_world import login_as, matrix_client, matrix_world  # noqa: F401  (fixture)
from tests.test_access_matrix import MATRIX

# pages reached through a one-time link log whoever opens them out first
TOKEN_PAGES = ("/invitation/", "/password/reset/")
HREF = re.compile(r'<a\b[^>]*\bhref="([^"#]*)(?:#[^"]*)?"', re.I)
SKIP = ("/static/", "/logout", "/sw.js")


def _links(html: str) -> set[str]:
    out = set()
    for href in HREF.findall(html):
        href = unescape(href)
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href.startswith("/") or href.startswith(SKIP):
            continue
        out.add(href)
    return out


@pytest.mark.parametrize("role", [r for r in ROLES if r != "deactivated"])
def test_every_link_shown_opens(_app, matrix_world, role):
    w = matrix_world
    pages = sorted({r.url(w) for r in MATRIX if r.method == "GET" and r.expect[role] == OK})
    dead = []
    with matrix_client(_app, w) as (client, _):
        login_as(client, w, role, fresh=True)
        links: dict[str, str] = {}
        for page in pages:
            res = client.get(page)
            if page.startswith(TOKEN_PAGES):
                login_as(client, w, role, fresh=True)
                continue
            if res.status_code == 200 and res.mimetype == "text/html":
                for link in _links(res.get_data(as_text=True)):
                    links.setdefault(link, page)
        for link, found_on in sorted(links.items()):
            res = client.get(link)
            location = res.headers.get("Location", "")
            if res.status_code in (403, 404, 500) or (role != "anonymous" and "/login?next=" in location):
                dead.append(f"{link} ({res.status_code} {location}) linked from {found_on}")
            if "/login?next=" in location and role != "anonymous" or link.startswith(TOKEN_PAGES):
                login_as(client, w, role, fresh=True)  # a link that ended the session: back in
    assert not dead, f"{role} meets dead links:\n" + "\n".join(dead)
