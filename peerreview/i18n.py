"""Languages: Flask-Babel, the language of each request, and the list of languages offered.

Every text a person reads goes through ``gettext`` (``_()`` in templates and Python,
``lazy_gettext`` for texts defined at import time such as form labels, ``ngettext`` for
plurals). The catalogs live in ``peerreview/translations/``; ``make translations`` extracts the
texts and updates them, ``make install`` compiles them.

The language of a request, first match wins:

1. ``?lang=xx`` in the address (the ``hreflang`` alternates of every page point there; it
   shows that one page in that language and stores nothing);
2. the language chosen on the account (a person who is logged in);
3. the language chosen with the switcher before logging in (kept in the session);
4. the browser's Accept-Language;
5. English.

Mail and PDFs do not follow the request: :func:`use_locale` renders them in the recipient's
or the report's language.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from flask import Flask, g, has_request_context, request, session

from peerreview.extensions import babel

# The languages of the interface, in the order the switcher lists them, each in its own
# language (a Greek reader looks for "Ελληνικά", not "Greek"). English is the source.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "fr": "Français",
    "de": "Deutsch",
    "es": "Español",
    "it": "Italiano",
    "nl": "Nederlands",
    "pl": "Polski",
    "el": "Ελληνικά",
}
DEFAULT = "en"
SESSION_KEY = "language"
QUERY_ARG = "lang"
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"


def valid(code: str | None) -> str | None:
    """``code`` if it is one of the languages offered, else None."""
    return code if code in LANGUAGES else None


def chosen_language() -> str | None:
    """What the person chose (account, else session), None before any choice."""
    from flask_login import current_user

    if current_user and current_user.is_authenticated:
        mine = valid(getattr(current_user, "language", None))
        if mine:
            return mine
    return valid(session.get(SESSION_KEY))


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT
    asked = valid(request.args.get(QUERY_ARG))
    if asked:
        return asked
    return chosen_language() or request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT


def recipient_language(user) -> str:
    """The language a person's mail is written in: their choice, else English."""
    return valid(getattr(user, "language", None)) or DEFAULT


def current_language() -> str:
    """The language being written right now (the request's, or the one forced by use_locale)."""
    from flask_babel import get_locale

    try:
        locale = get_locale()
    except (RuntimeError, AttributeError):  # outside any application context
        return DEFAULT
    return str(locale) if locale is not None else DEFAULT


@contextmanager
def use_locale(code: str | None):
    """Render texts, dates and benchmark texts in ``code`` (an e-mail, a PDF) inside a request
    or a job, whatever the request's own language."""
    from flask_babel import force_locale

    code = valid(code) or DEFAULT
    before = g.get("locale_code")
    # set first: Flask-Babel's force_locale does nothing while ``g`` is still empty
    g.locale_code = code
    try:
        with force_locale(code):
            yield code
    finally:
        if before is None:
            g.pop("locale_code", None)
        else:
            g.locale_code = before


def alternates() -> list[tuple[str, str]]:
    """(language, address) of this page in every language, for the hreflang links."""
    from urllib.parse import urlencode

    args = request.args.to_dict(flat=False)
    out = []
    for code in LANGUAGES:
        args[QUERY_ARG] = [code]
        out.append((code, f"{request.base_url}?{urlencode(args, doseq=True)}"))
    return out


def switcher_next() -> str:
    """Where the switcher brings the person back: this page, without ``?lang=``."""
    from urllib.parse import urlencode

    args = [(k, v) for k, v in request.args.items(multi=True) if k != QUERY_ARG]
    return request.path + (f"?{urlencode(args)}" if args else "")


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    # an absolute path: the catalogs are found whatever the working directory
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    babel.init_app(app, locale_selector=select_locale)

    @app.before_request
    def _remember_locale():
        # peerreview.formatting writes dates in the language of the request
        from flask_babel import get_locale

        g.locale_code = str(get_locale() or DEFAULT)

    from peerreview.framework.translations import html_of, text_of

    # benchmark texts in the reader's language: bt() marks a missing translation, bt_text()
    # is the plain text (attributes, titles, sorting)
    app.jinja_env.globals.update(bt=html_of, bt_text=text_of)

    @app.context_processor
    def _languages():
        return {"languages": LANGUAGES, "page_language": current_language,
                "language_alternates": alternates, "switcher_next": switcher_next}
