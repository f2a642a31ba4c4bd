"""Form fields are drawn in Python (forms_common.field): the same HTML as the Jinja macro that
drew them before, up to the white space between tags, for every kind of field the forms use,
with and without errors, hints and descriptions."""

from __future__ import annotations

import re

import pytest
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from peerreview.forms_common import MultiCheckboxField
from peerreview.i18n import lazy_gettext as _l

# The macro as templates/_macros/forms.html had it (choice lists drawn by WTForms).
MACRO = """{% macro field(f, hint=None, class_="") -%}
  {% set has_errors = f.errors|length > 0 %}
  <div class="field {{ class_ }}{% if has_errors %} field-error{% endif %}">
  {% if f.type == 'BooleanField' %}
    <label class="check">{{ f(**({'aria-describedby': f.id ~ '-error'} if has_errors else {})) }} {{ f.label.text }}</label>
  {% elif f.type in ('MultiCheckboxField', 'RadioField') %}
    <fieldset>
      <legend>{{ f.label.text }}</legend>
      <div class="checks">
      {% for sub in f %}<label class="check">{{ sub() }} {{ sub.label.text }}</label>{% endfor %}
      </div>
    </fieldset>
  {% else %}
    {{ f.label() }}
    {% set attrs = {} %}
    {% if has_errors %}{% set _unused = attrs.update({'aria-invalid': 'true', 'aria-describedby': f.id ~ '-error'}) %}{% endif %}
    {% if f.description or hint %}{% set _unused = attrs.update({'aria-describedby': (attrs.get('aria-describedby', '') ~ ' ' ~ f.id ~ '-hint')|trim}) %}{% endif %}
    {{ f(**attrs) }}
  {% endif %}
  {% if f.description or hint %}<p class="hint" id="{{ f.id }}-hint">{{ hint or f.description }}</p>{% endif %}
  {% if has_errors %}
    <p class="error" id="{{ f.id }}-error">{% for e in f.errors %}{{ e }}{% if not loop.last %} {% endif %}{% endfor %}</p>
  {% endif %}
  </div>
{%- endmacro %}"""

CALLS = """{% from "_macros/forms.html" import field %}{{ field(f) }}|{{ field(f, hint='Say <more> & less') }}|{{ field(f, class_="compact") }}"""


class _Form(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=5)],
                       description='A name, "short" & <plain>')
    notes = TextAreaField("Notes", validators=[Optional()])
    count = IntegerField("Count", validators=[Optional()], render_kw={"inputmode": "numeric"})
    day = DateField("Day", validators=[DataRequired()])
    agree = BooleanField(_l("Mentoring"), validators=[DataRequired()])
    theme = SelectField("Theme", choices=[("", "Any"), ("1", "Housing & <work>"), ("2", "Language")],
                        validators=[Optional()])
    pick = RadioField("Pick", choices=[("a", "Alpha"), ("b", "Beta")], validators=[DataRequired()])
    ticks = MultiCheckboxField("Ticks", choices=[("a", "Alpha"), ("b", 'Quote "b"')], validators=[Optional()])


def _squeeze(html: str) -> list[str]:
    return [re.sub(r">\s+<", "><", re.sub(r"\s+", " ", part)).strip() for part in str(html).split("|")]


@pytest.mark.parametrize("data", [
    None,
    {"name": "far too long", "count": "x", "day": "no", "theme": "1", "pick": "c", "ticks": ["b"]},
    {"name": "Ana", "count": "3", "day": "2026-11-30", "agree": "y", "theme": "2", "pick": "a",
     "ticks": ["a", "b"]},
])
def test_the_same_html_as_the_macro(app, data):
    from werkzeug.datastructures import MultiDict

    with app.test_request_context("/?lang=el"):
        app.preprocess_request()
        form = _Form(formdata=MultiDict([(k, v) for k, vs in data.items()
                                         for v in (vs if isinstance(vs, list) else [vs])]) if data else None,
                     meta={"csrf": False})
        if data:
            form.validate()
        old = app.jinja_env.from_string(MACRO + CALLS.replace('{% from "_macros/forms.html" import field %}', ""))
        new = app.jinja_env.from_string(CALLS)
        for f in form:
            drawn = new.render(f=f)
            assert _squeeze(drawn) == _squeeze(old.render(f=f)), f.name
            if f.errors:
                assert "field-error" in drawn and f"{f.id}-error" in drawn
        assert "Καθοδήγηση" in new.render(f=form.agree)
        assert "Say &lt;more&gt; &amp; less" in new.render(f=form.name)
        if data and data["name"] == "far too long":
            assert 'aria-describedby="name-error name-hint"' in new.render(f=form.name)
