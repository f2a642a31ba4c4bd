"""Languages: Flask-Babel, the language of each request, and the list of languages offered.

Every text a person reads goes through ``gettext`` (``_()`` in templates and Python,
``lazy_gettext`` for texts defined at import time such as form labels, ``ngettext`` for
plurals). The catalogs live in ``peerreview/translations/``; ``make translations`` extracts the
texts and updates them.
"""

from __future__ import annotations

from flask import Flask, g, has_request_context, request

from peerreview.extensions import babel

# The languages of the interface, in the order the switcher lists them. English is the source.
LANGUAGES: dict[str, str] = {"en": "English"}
DEFAULT = "en"


def select_locale() -> str:
    """The person's own choice, else the browser's Accept-Language, else English."""
    chosen = getattr(g, "locale_override", None)
    if chosen in LANGUAGES:
        return chosen
    if not has_request_context():  # a command or a job: no browser to ask
        return DEFAULT
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    babel.init_app(app, locale_selector=select_locale)

    @app.before_request
    def _remember_locale():
        # peerreview.formatting writes dates in the language of the request
        from flask_babel import get_locale

        g.locale_code = str(get_locale() or DEFAULT)
