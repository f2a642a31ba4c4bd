"""The main pages of each kind of person, in Greek and in Polish, on a 360 px phone: no English
left in the navigation, buttons, headings and messages, and nothing wider than the screen.

This test waits for the Greek and Polish catalogs: until they are translated it fails and lists
the English texts it found. A visible text counts as English when it is one of the English texts
of the catalog template (the msgids, extracted afresh from the code and templates) and the
language's catalog gives it another wording, or when it contains common English words. Texts
marked with another language (``lang="en"``: a benchmark text not yet translated, shown in its
original; the names of the languages in the switcher) and people's own content are not counted.
"""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from peerreview.i18n import TRANSLATIONS_DIR
from peerreview.i18n_check import extract
from tests.access import OK
from tests.access_world import matrix_world  # noqa: F401  (fixture)
from tests.browser.conftest import login, snap
from tests.browser.test_phone_width import WIDTH_JS
from tests.conftest import TEST_PASSWORD
from tests.test_access_matrix import MATRIX

pytestmark = pytest.mark.browser

PEOPLE = ("anonymous", "coordinator", "host_contact", "team_lead", "peer_on_team", "mentor", "mentee")
ENGLISH_WORDS = re.compile(r"\b(the|and|your|with|this|of|from|not|has|have|was|were)\b", re.I)

# Every text of the kinds the issue names, unless it (or an ancestor) is marked with another
# language than the page's; the switcher names each language in that language.
TEXTS_JS = """() => {
    const page = document.documentElement.lang;
    const foreign = e => { const l = e.closest('[lang]'); return l && l.lang !== page; };
    const pick = (selector, kind) => [...document.querySelectorAll(selector)]
        .filter(e => !foreign(e) && !e.closest('.language-bar') && e.offsetParent !== null)
        .map(e => [kind, (e.innerText || e.value || '').trim()]).filter(([, t]) => t);
    return {
        lang: page,
        texts: [...pick('nav a, nav button', 'navigation'),
                ...pick('button, input[type=submit], a.button', 'button'),
                ...pick('h1, h2, h3, legend, label', 'heading'),
                ...pick('.flash, .error, [role=alert]', 'message')],
        clipped: [...document.querySelectorAll('nav a, button, a.button, h1, h2, h3, label, th')]
            .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
            .slice(0, 5).map(e => e.tagName.toLowerCase() + ': ' + (e.innerText || '').slice(0, 40)),
    };
}"""


def _english_texts(language: str) -> set[str]:
    """The English texts the language's catalog translates differently."""
    path = TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po"
    translated = {}
    if path.is_file():
        with open(path, "rb") as fh:
            translated = {m.id if isinstance(m.id, str) else m.id[0]: m.string
                          for m in read_po(fh, locale=language) if m.id}
    out = set()
    for message in extract():
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        if not msgid or "%(" in msgid or not re.search(r"[A-Za-z]{3}", msgid):
            continue
        if translated.get(msgid) != msgid:  # the same word in both languages is fine
            out.add(" ".join(msgid.split()))
    return out


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


def _in(url: str, language: str) -> str:
    return url + ("&" if "?" in url else "?") + f"lang={language}"


@pytest.mark.parametrize("language", ["el", "pl"])
def test_the_main_pages_have_no_english_left_and_fit_a_phone(_app, matrix_world, _live_server,
                                                             new_page, language):
    base = _live_server.url
    english = _english_texts(language)
    problems, seen = [], 0
    _app.config["WTF_CSRF_ENABLED"] = True
    try:
        for role, urls in _pages(matrix_world).items():
            page = new_page(phone=True)
            if role != "anonymous":
                login(page, _live_server, matrix_world.users[role].email, TEST_PASSWORD)
            for url in urls:
                answer = page.request.get(base + _in(url, language), max_redirects=5)
                if answer.status != 200 or "text/html" not in answer.headers.get("content-type", ""):
                    continue
                page.goto(base + _in(url, language))
                if "lang=" not in page.url:
                    continue  # sent on to another page, which is visited under its own address
                seen += 1
                found = page.evaluate(TEXTS_JS)
                where = f"{role} {url}"
                if found["lang"] != language:
                    problems.append(f"{where}: <html lang={found['lang']!r}>")
                for kind, text in found["texts"]:
                    flat = " ".join(text.split())
                    if flat in english or ENGLISH_WORDS.search(flat):
                        problems.append(f"{where}: {kind} in English: {flat[:80]!r}")
                widths = page.evaluate(WIDTH_JS)
                if widths["scroll"] > widths["inner"]:
                    problems.append(f"{where}: {widths['scroll']} px wide "
                                    f"({', '.join(widths['culprits'])})")
                for clipped in found["clipped"]:
                    problems.append(f"{where}: text cut off: {clipped}")
                if len(problems) and not any(p.startswith(where) for p in problems[:-1]):
                    snap(page, f"{language}-{role}-{url}")
            page.context.close()
    finally:
        _app.config["WTF_CSRF_ENABLED"] = False
    assert seen > 50  # the pages were really opened
    unique = list(dict.fromkeys(problems))
    assert not unique, (f"{len(unique)} problem(s) in {language}:\n" + "\n".join(unique[:150]))
