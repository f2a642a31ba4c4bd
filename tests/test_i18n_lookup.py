"""The catalog lookup of peerreview.i18n: templates call gettext directly and the catalog is
remembered per request and locale; what they write must be what Flask-Babel with Jinja's i18n
extension wrote, to the character, for every text of every catalog, and a change of locale
within a request (``use_locale``, ``force_locale``) must be followed at once."""

from __future__ import annotations

import re

import flask_babel
import pytest
from babel.messages.pofile import read_po
from flask import render_template_string
from jinja2.ext import (
    _make_new_gettext,
    _make_new_ngettext,
    _make_new_npgettext,
    _make_new_pgettext,
)

from peerreview import i18n
from peerreview.i18n import LANGUAGES, TRANSLATIONS_DIR, catalog, use_locale

PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")


def _reference():
    """Jinja's own callables over Flask-Babel's lookup, as Flask-Babel installs them."""
    t = flask_babel.get_translations
    return {
        "ref_gettext": _make_new_gettext(lambda s: t().ugettext(s)),
        "ref_ngettext": _make_new_ngettext(lambda s, p, n: t().ungettext(s, p, n)),
        "ref_pgettext": _make_new_pgettext(lambda c, s: t().upgettext(c, s)),
        "ref_npgettext": _make_new_npgettext(lambda c, s, p, n: t().unpgettext(c, s, p, n)),
    }


def _values(singular: str, plural: str | None) -> dict:
    # markup in the values shows whether they are escaped as before; ngettext gives ``num``
    found = dict(PLACEHOLDER.findall(singular + (plural or "")))
    out = {name: 3 if kind == "d" else f"<b>{name}</b>" for name, kind in found.items()}
    if plural is not None:
        out.pop("num", None)
    return out


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("autoescape", [True, False])
def test_templates_write_what_jinja_and_flask_babel_wrote(app, language, autoescape):
    with open(TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        messages = [m for m in read_po(f) if m.id]
    source = ("{% autoescape " + ("true" if autoescape else "false") + " %}"
              "{% for m in messages %}"
              "{% if m.plural %}{% for n in (1, 2, 5) %}"
              "{% if m.context %}\x1e{{ npgettext(m.context, m.id, m.plural, n, **m.vars) }}\x1f"
              "{{ ref_npgettext(m.context, m.id, m.plural, n, **m.vars) }}\x1d"
              "{% else %}\x1e{{ ngettext(m.id, m.plural, n, **m.vars) }}\x1f"
              "{{ ref_ngettext(m.id, m.plural, n, **m.vars) }}\x1d{% endif %}{% endfor %}"
              "{% elif m.context %}\x1e{{ pgettext(m.context, m.id, **m.vars) }}\x1f"
              "{{ ref_pgettext(m.context, m.id, **m.vars) }}\x1d"
              "{% else %}\x1e{{ _(m.id, **m.vars) }}\x1f{{ ref_gettext(m.id, **m.vars) }}\x1d"
              "\x1e{{ gettext(m.id, **m.vars) }}\x1f{{ ref_gettext(m.id, **m.vars) }}\x1d{% endif %}"
              "\n{% endfor %}{% endautoescape %}")
    items = []
    for m in messages:
        singular, plural = (m.id if isinstance(m.id, tuple) else (m.id, None))
        items.append({"id": singular, "plural": plural, "context": m.context,
                      "vars": _values(singular, plural)})
    with app.test_request_context(f"/?lang={language}"):
        app.preprocess_request()
        out = render_template_string(source, messages=items, **_reference())
    pairs = re.findall("\x1e(.*?)\x1f(.*?)\x1d", out, flags=re.S)
    assert len(pairs) >= len(items)
    different = [(a, b) for a, b in pairs if a != b]
    assert not different, different[:5]
    if language != "en":  # the catalog is really used
        assert sum(1 for a, _ in pairs if "<b>" not in a) > 0
        assert any(a != m["id"] for (a, _), m in zip(pairs, items, strict=False) if not m["plural"])


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_python_texts_are_what_flask_babel_gave(app, language):
    """Views, forms and constants call peerreview.i18n's gettext, ngettext, pgettext and lazy
    strings: the same text as Flask-Babel's, for every text of every catalog."""
    with open(TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        messages = [m for m in read_po(f) if m.id]
    translated = 0
    with app.test_request_context(f"/?lang={language}"):
        app.preprocess_request()
        for m in messages:
            singular, plural = (m.id if isinstance(m.id, tuple) else (m.id, None))
            values = _values(singular, plural)
            if plural is not None:
                for n in (1, 2, 5):
                    ours = i18n.ngettext(singular, plural, n, **values)
                    assert ours == flask_babel.ngettext(singular, plural, n, **values)
                    assert str(i18n.lazy_ngettext(singular, plural, n, **values)) == ours
            elif m.context:
                assert i18n.pgettext(m.context, singular, **values) == \
                    flask_babel.pgettext(m.context, singular, **values)
            else:
                ours = i18n.gettext(singular, **values)
                assert ours == flask_babel.gettext(singular, **values)
                assert str(i18n.lazy_gettext(singular, **values)) == ours
                translated += ours != (singular % values if values else singular)
    if language != "en":   # the catalog is really used
        assert translated > 0


def test_the_catalog_follows_a_change_of_locale_within_a_request(app):
    with app.test_request_context("/?lang=el"):
        app.preprocess_request()
        assert render_template_string("{{ _('Mentoring') }}") == "Καθοδήγηση"
        greek = catalog()
        assert catalog() is greek   # remembered
        with use_locale("fr"):
            assert render_template_string("{{ _('Mentoring') }}") == flask_babel.gettext("Mentoring")
            assert flask_babel.gettext("Mentoring") != "Καθοδήγηση"
            assert catalog() is not greek
        with flask_babel.force_locale("en"):
            assert render_template_string("{{ _('Mentoring') }}") == "Mentoring"
            assert str(flask_babel.lazy_gettext("Mentoring")) == "Mentoring"
            assert str(i18n.lazy_gettext("Mentoring")) == i18n.gettext("Mentoring") == "Mentoring"
        assert render_template_string("{{ _('Mentoring') }}") == "Καθοδήγηση"
        assert str(flask_babel.lazy_gettext("Mentoring")) == "Καθοδήγηση"
        assert str(i18n.lazy_gettext("Mentoring")) == i18n.gettext("Mentoring") == "Καθοδήγηση"
        flask_babel.refresh()   # the locale is chosen again, the catalog found again
        assert render_template_string("{{ _('Mentoring') }}") == "Καθοδήγηση"
        assert catalog() is greek   # Flask-Babel's own cache of catalogs


def test_outside_a_request_texts_are_english(app):
    with app.app_context():
        assert render_template_string("{{ _('Mentoring') }}") == "Mentoring"
        assert flask_babel.gettext("Mentoring") == "Mentoring"
        assert i18n.gettext("Mentoring") == str(i18n.lazy_gettext("Mentoring")) == "Mentoring"
    assert i18n.gettext("Mentoring") == "Mentoring"   # outside any application


@pytest.mark.parametrize("language", ["en", "el", "fr"])
def test_benchmark_texts_read_as_their_shown_form(app, language):
    """bt() and bt_text() find the text without building a Shown: the same text and mark."""
    from markupsafe import Markup

    from peerreview.framework.models import KeyFactor
    from peerreview.framework.translations import html_of, marked, text_of

    factors = [KeyFactor(code="KF1", title="Courses <for> all & \"everyone\"", description="",
                         translations={"el": {"title": "Μαθήματα <για> όλους"}}),
               KeyFactor(code="KF2", title="Courses", description="", translations={}),
               KeyFactor(code="KF3", title="", description="Only a description", translations=None)]
    with app.test_request_context(f"/?lang={language}"):
        app.preprocess_request()
        for kf in factors:
            for field in ("title", "description"):
                for lang in (None, "en", "el", "fr"):
                    shown = kf.shown(field, lang)
                    note = flask_babel.gettext("Not translated yet: shown in the original language")
                    expected = Markup(
                        '<span lang="{lang}">{text}</span> <abbr class="untranslated" title="{note}">'
                        '{code}</abbr>').format(lang=shown.lang, text=shown.text, note=note,
                                                code=shown.lang.upper()) if shown.fallback \
                        else Markup.escape(shown.text)
                    assert html_of(kf, field, lang) == marked(shown) == expected
                    assert text_of(kf, field, lang) == shown.text
        assert html_of(None, "title") == "" and text_of(None, "title") == ""
