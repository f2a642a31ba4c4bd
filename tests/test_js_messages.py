"""The texts the scripts show come from the page, in its language: every text a script passes
to t() is rendered into the page's #js-messages, and the offline page of the service worker
is filled in by the server."""

from __future__ import annotations

import json
import re
from pathlib import Path

STATIC_JS = Path(__file__).resolve().parent.parent / "peerreview" / "static" / "js"


def _keys_used_by_scripts() -> set[str]:
    keys = set()
    for path in STATIC_JS.glob("*.js"):
        keys |= set(re.findall(r'\bt\("((?:[^"\\]|\\.)*)"', path.read_text(encoding="utf-8")))
    return keys


def _page_messages(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="js-messages">(.*?)</script>', html, re.S)
    assert found, "the page carries no #js-messages"
    return json.loads(found.group(1))


def test_every_text_of_the_scripts_is_on_the_page(client):
    html = client.get("/login").get_data(as_text=True)
    messages = _page_messages(html)
    used = _keys_used_by_scripts()
    assert "Note sent." in used and "Discard the draft" in used
    assert sorted(used - set(messages)) == []
    # English is the source language: each text is its own translation
    assert all(messages[k] == k for k in used)
    assert "/static/js/i18n.js?v=" in html


def test_the_offline_page_of_the_service_worker_is_filled_in(client):
    worker = client.get("/sw.js").get_data(as_text=True)
    assert "__OFFLINE_TEXT__" not in worker
    assert '"heading": "You are offline"' in worker
    assert "/static/js/i18n.js?v=" in worker


def test_the_texts_are_in_the_pages_language_whichever_came_first(client):
    from babel.messages.pofile import read_po

    from peerreview.i18n import TRANSLATIONS_DIR

    with open(TRANSLATIONS_DIR / "fr" / "LC_MESSAGES" / "messages.po", "rb") as f:
        french = {m.id: m.string for m in read_po(f) if m.id and m.string}
    english = _page_messages(client.get("/login?lang=en").get_data(as_text=True))
    in_french = _page_messages(client.get("/login?lang=fr").get_data(as_text=True))
    assert set(in_french) == set(english) >= _keys_used_by_scripts()
    assert all(in_french[k] == french[k] for k in in_french)
    assert in_french["Note sent."] != "Note sent."
    assert _page_messages(client.get("/login?lang=en").get_data(as_text=True)) == english
