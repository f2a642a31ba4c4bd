"""The texts of peerreview/static/js/*, in the page's language: base.html writes them into
``<script type="application/json" id="js-messages">``, keyed by their English text, and
static/js/i18n.js reads them (``t(key, vars)``; placeholders are ``{name}``, filled in by the
script). A new text in a script needs a line here, or it stays in English
(tests/test_js_messages.py checks). Every page carries them: the JSON is made once per language
and process, as the catalogs do not change while it runs."""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup

from peerreview.i18n import catalog


def _l(text: str) -> str:
    """Marks a text for ``make translations`` (which extracts ``_l``); translated below."""
    return text


TEXTS = [
    _l("Offline: notes stay on this device"),
    _l("Online"),
    _l("changed elsewhere"),
    _l("not accepted"),
    _l("photo not accepted"),
    _l("photo waiting to send"),
    _l("waiting to send, with a photo"),
    _l("waiting to send"),
    _l("Forget this file (the note is saved)"),
    _l("Remove from this device"),
    _l("Gen."),
    _l("General"),
    _l("The server did not accept this."),
    _l("The file is larger than 20 MB."),
    _l("Log in again to send your notes; they stay on this device meanwhile."),
    _l("Note sent."),
    _l("{num} notes sent."),
    _l("Write the observation first."),
    _l("Keep the observation under 10,000 characters."),
    _l("The file is larger than 20 MB; choose a smaller one."),
    _l("Saved on this device; sending…"),
    _l("Saved on this device with its file. Both are sent when you are online."),
    _l("Saved on this device. It will be sent when you are online."),
    _l("This browser could not store the note, so it was not saved. Your text is still in the box: try again."),
    _l("Draft restored: the text you had not saved yet ({when}) is back in the form. Save it to keep it."),
    _l("Discard the draft"),
    _l("This device keeps a draft you had not saved ({when}), but the saved text has changed since."),
    _l("Put my draft back"),
    _l("Discard it"),
    _l("Nothing was changed. Reload the page to try again."),
]


def js_messages() -> Markup:
    """The texts as JSON for the page's ``<script type="application/json">`` (the characters
    that could end the script escaped, as Jinja's ``tojson`` does)."""
    return _as_json(catalog())


@lru_cache(maxsize=32)
def _as_json(translations) -> Markup:
    from flask.json import dumps
    from jinja2.utils import htmlsafe_json_dumps

    return htmlsafe_json_dumps({text: translations.ugettext(text) for text in TEXTS}, dumps=dumps)
