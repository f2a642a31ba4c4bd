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
from functools import lru_cache
from pathlib import Path

import flask_babel
from babel import support
from flask import Flask, g, has_request_context, request, session
from flask.globals import _cv_app
from flask_babel.speaklater import LazyString
from jinja2 import pass_eval_context
from markupsafe import Markup

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
    ctx = _babel_context()
    locale = getattr(ctx, "babel_locale", None) if ctx is not None else None
    if locale is not None:  # chosen already for this request: no need to ask Flask-Babel
        return _code(locale)
    from flask_babel import get_locale

    try:
        locale = get_locale()
    except (RuntimeError, AttributeError):  # outside any application context
        return DEFAULT
    return _code(locale) if locale is not None else DEFAULT


@lru_cache(maxsize=64)
def _code(locale) -> str:
    # Babel rebuilds a locale's name each time it is asked (1 to 2 µs; a list of benchmark
    # texts asks for each)
    return str(locale)


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


# --- finding the catalog -------------------------------------------------------------------------
# A page asks for a few hundred texts (a dashboard of 20 rows: 260). Flask-Babel finds the
# catalog anew for each: its context on ``g`` three times over, the domain, the locale, the
# locale's name rebuilt as text and a dictionary keyed by it, about 9 µs, and a text in a
# template went through two more layers of Jinja's i18n extension (20 to 27 µs a text in all).
# The catalog is now remembered on Flask-Babel's own context (so for one request or job at
# most) together with the locale and domain it was found for: ``force_locale`` and
# ``refresh`` replace or remove the locale, and the next lookup finds the catalog again.

def _babel_context():
    """Flask-Babel's context of this request or job (on ``g``), None outside any."""
    app_ctx = _cv_app.get(None)  # what ``g`` stands for, without the proxy's lookups
    if app_ctx is not None:
        found = app_ctx.g.__dict__.get("_flask_babel")
        if found is not None:
            return found
    return flask_babel._get_current_context()


def catalog() -> support.NullTranslations:
    """The translations of the language being written (what Flask-Babel's ``get_translations``
    returns), found once per locale for the request or job."""
    ctx = _babel_context()
    if ctx is None:
        return support.NullTranslations()
    locale = getattr(ctx, "babel_locale", None)
    domain = getattr(ctx, "babel_domain", None)
    found = getattr(ctx, "peerreview_catalog", None)
    if found is not None and locale is not None and found[0] is locale and found[1] is domain:
        return found[2]
    translations = flask_babel.get_translations()
    ctx.peerreview_catalog = (ctx.babel_locale, ctx.babel_domain, translations)
    return translations


class _Domain(flask_babel.Domain):
    """Flask-Babel's domain, with the catalog remembered per request (see :func:`catalog`):
    ``gettext``, ``ngettext`` and the lazy strings of forms and constants go through it."""

    def get_translations(self):
        ctx = _babel_context()
        found = getattr(ctx, "peerreview_catalog", None) if ctx is not None else None
        if (found is not None and found[1] is self and found[0] is not None
                and found[0] is getattr(ctx, "babel_locale", None)):
            return found[2]
        translations = super().get_translations()
        if ctx is not None and getattr(ctx, "babel_domain", None) is self:
            ctx.peerreview_catalog = (flask_babel.get_locale(), self, translations)
        return translations


# The texts of Python code (views, forms, constants): what Flask-Babel's ``gettext``,
# ``ngettext``, ``pgettext`` and lazy strings return, to the character, through the catalog
# remembered for the request (Flask-Babel finds its context, domain and catalog again for each
# text, about 5 µs; a list of 50 rows with a few labels each asks for several hundred).

def gettext(string: str, **variables) -> str:
    rv = catalog().ugettext(string)
    return rv % variables if variables else rv


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return catalog().ungettext(singular, plural, num) % variables


def pgettext(context: str, string: str, **variables) -> str:
    rv = catalog().upgettext(context, string)
    return rv % variables if variables else rv


def lazy_gettext(string: str, **variables) -> LazyString:
    """A text defined at import time, translated each time it is shown."""
    return LazyString(gettext, string, **variables)


def lazy_ngettext(singular: str, plural: str, num: int, **variables) -> LazyString:
    return LazyString(ngettext, singular, plural, num, **variables)


def translated(labels: dict) -> dict[str, str]:
    """``labels`` (lazy texts, as constants hold them) translated once, for a page whose rows
    each show some of them (a lazy text is looked up again every time it is shown)."""
    return {key: str(label) for key, label in labels.items()}


# The template callables of Jinja's i18n extension (newstyle: the text is always a format
# string, its variables escaped where the template autoescapes), reading the catalog directly.
# What they return is what the extension's own return, to the character.

@pass_eval_context
def _gettext(eval_ctx, __string: str, **variables):
    rv = catalog().ugettext(__string)
    if not variables and "%" not in rv:  # formatting would give the same text back
        return Markup(rv) if eval_ctx.autoescape else rv
    if eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


@pass_eval_context
def _ngettext(eval_ctx, __singular: str, __plural: str, __num: int, **variables):
    variables.setdefault("num", __num)
    rv = catalog().ungettext(__singular, __plural, __num)
    if eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


@pass_eval_context
def _pgettext(eval_ctx, __context: str, __string: str, **variables):
    variables.setdefault("context", __context)
    rv = catalog().upgettext(__context, __string)
    if eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


@pass_eval_context
def _npgettext(eval_ctx, __context: str, __singular: str, __plural: str, __num: int, **variables):
    variables.setdefault("context", __context)
    variables.setdefault("num", __num)
    rv = catalog().unpgettext(__context, __singular, __plural, __num)
    if eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    # an absolute path: the catalogs are found whatever the working directory
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    babel.init_app(app, locale_selector=select_locale)
    if not isinstance(babel.__dict__.get("domain_instance"), _Domain):
        babel.domain_instance = _Domain(domain=app.config.get("BABEL_DOMAIN", "messages"))
    # ``_`` is gettext itself, not Jinja's alias that looks ``gettext`` up again for every text
    app.jinja_env.globals.update(gettext=_gettext, _=_gettext, ngettext=_ngettext,
                                 pgettext=_pgettext, npgettext=_npgettext)

    @app.before_request
    def _remember_locale():
        # peerreview.formatting writes dates in the language of the request
        from flask_babel import get_locale

        g.locale_code = str(get_locale() or DEFAULT)

    from peerreview.framework.translations import html_of, text_of

    # benchmark texts in the reader's language: bt() marks a missing translation, bt_text()
    # is the plain text (attributes, titles, sorting)
    app.jinja_env.globals.update(bt=html_of, bt_text=text_of, css_text=css_text,
                                 page_counter_css=page_counter_css)

    @app.context_processor
    def _languages():
        return {"languages": LANGUAGES, "page_language": current_language,
                "language_alternates": alternates, "switcher_next": switcher_next}


def css_text(text: str) -> Markup:
    """``text`` as a CSS string (quoted), for the ``content`` of a PDF's margin boxes."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return Markup(f'"{escaped}"')


def page_counter_css() -> Markup:
    """The CSS ``content`` of the running footer "Page 3 of 17", in the language being written."""

    text = str(css_text(gettext("Page %(page)s of %(pages)s", page="\x00P", pages="\x00Q")))
    return Markup(text.replace("\x00P", '" counter(page) "').replace("\x00Q", '" counter(pages) "'))
