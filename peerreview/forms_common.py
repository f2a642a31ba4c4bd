"""Form pieces shared by several features."""

from __future__ import annotations

from functools import lru_cache

import pycountry
from markupsafe import Markup, escape
from wtforms import SelectField, SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, RadioInput, Select, html_params

# The languages a European city network works in (ISO 639-1), for pickers.
EUROPEAN_LANGUAGES = [
    "bg", "ca", "cs", "da", "de", "el", "en", "es", "et", "eu", "fi", "fr", "ga", "gl", "hr",
    "hu", "is", "it", "lb", "lt", "lv", "mk", "mt", "nl", "no", "pl", "pt", "ro", "sk", "sl",
    "sq", "sr", "sv", "tr", "uk", "ar", "fa", "ru",
]


# Names as people say them, where ISO 639's reference name is not ("Modern Greek (1453-)").
LANGUAGE_NAMES = {"el": "Greek"}


def language_name(code: str) -> str:
    if code in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[code]
    lang = pycountry.languages.get(alpha_2=code)
    if lang is None:
        return code
    # drop qualifiers such as "(1453-)" and alternative names after ";"
    return lang.name.split(";")[0].split(" (")[0].strip()


def language_choices() -> list[tuple[str, str]]:
    return sorted(((c, language_name(c)) for c in EUROPEAN_LANGUAGES), key=lambda x: x[1])


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """The country's common name (lists of 150 cities name a country on every row)."""
    country = pycountry.countries.get(alpha_2=(code or "").upper())
    return getattr(country, "common_name", None) or (country.name if country else code)


def country_choices() -> list[tuple[str, str]]:
    return sorted(((c.alpha_2, getattr(c, "common_name", c.name)) for c in pycountry.countries),
                  key=lambda x: x[1])


def is_country_code(code: str) -> bool:
    return bool(code) and len(code) == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def choice_inputs(field) -> Markup | None:
    """The options of a list of checkboxes or radio buttons, each ``<label class="check"><input>
    label</label>``: what templates/_macros/forms.html wrote by calling WTForms for each
    option (a sub-field, its widget and an attribute dictionary each: the programme's session
    form spent 0.3 ms on each of its three lists), to the character. None where WTForms must
    draw them: attributes of the field's own (``render_kw``, ``required``, ``disabled``), or
    another kind of option."""
    widget = field.option_widget
    if type(widget) not in (CheckboxInput, RadioInput) or field.render_kw:
        return None
    flags = field.flags
    if any(getattr(flags, k, False) for k in widget.validation_attrs):
        return None
    name, prefix, kind = escape(field.name), f"{field.id}-", widget.input_type
    out = []
    for i, choice in enumerate(field.iter_choices()):
        if choice.render_kw:
            return None
        checked = "checked " if choice.selected else ""
        out.append(f'<label class="check"><input {checked}id="{escape(prefix)}{i}" name="{name}" '
                   f'type="{kind}" value="{escape(str(choice.value))}"> '
                   f"{escape(choice.label if choice.label else choice.value)}</label>")
    return Markup("".join(out))


class PlainSelect(Select):
    """A ``<select>`` for long lists (a network's 150 cities, its countries and codes): the same
    HTML as WTForms' own widget for plain ``(value, label)`` choices, written with one escape
    per option instead of an attribute dictionary per option (about a tenth of the cost; the
    library's filters drew 200 options in 15 ms). Anything else (groups, several values,
    options with their own attributes) goes to WTForms' widget."""

    def __call__(self, field, **kwargs):
        # groups come only from a dict of choices (WTForms' has_groups() would build an object
        # per option to say so)
        choices = field.choices
        if self.multiple or not _plain(choices):
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for k in self.validation_attrs:
            if k not in kwargs and getattr(flags, k, False):
                kwargs[k] = getattr(flags, k)
        coerce, data = field.coerce, field.data
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        # lazy labels as the text they have in this request's language; the types in the key,
        # as 1, True and "1" are equal keys but different options (so are "<b>" and Markup)
        key = tuple((v, type(v), label if isinstance(label, str) else str(label), type(label))
                    for v, label in choices)
        try:
            options = _options(key)
        except TypeError:                       # a value that cannot be remembered
            options = _options.__wrapped__(key)
        for value, plain, selected in options:
            try:
                chosen = coerce(value) == data
            except (TypeError, ValueError):
                chosen = False
            html.append(selected if chosen else plain)
        html.append("</select>")
        return Markup("".join(html))


@lru_cache(maxsize=128)
def _options(choices: tuple) -> tuple[tuple[object, str, str], ...]:
    """Each option's HTML, unselected and selected, remembered per list of choices and labels
    (the search form offers the same 150 cities on every page)."""
    out = []
    for value, _value_type, label, _label_type in choices:
        value_text = escape(str(value) if isinstance(value, bool) else value)
        text = escape(label or value)
        out.append((value, f'<option value="{value_text}">{text}</option>',
                    f'<option selected value="{value_text}">{text}</option>'))
    return tuple(out)


def _plain(choices) -> bool:
    """Choices given as a list of ``(value, label)`` pairs, the only kind drawn here."""
    return isinstance(choices, (list, tuple)) and all(isinstance(c, tuple) and len(c) == 2 for c in choices)


def _plain_pre_validate(field, form) -> None:
    """WTForms' check that the value is one of the choices, without building an object per
    choice first (a search form with 150 cities built 200 of them on every search)."""
    if field.process_errors or not field.validate_choice or not _plain(field.choices):
        return _STOCK_PRE_VALIDATE(field, form)
    coerce, data = field.coerce, field.data
    if not any(coerce(value) == data for value, _label in field.choices):
        raise ValidationError(field.invalid_choice_message or field.gettext(_NOT_A_CHOICE))
    return None


_STOCK_PRE_VALIDATE = SelectField.pre_validate      # WTForms' own, before use_plain_select()
_NOT_A_CHOICE = "Not a valid choice."
"""WTForms' own message, translated by WTForms' catalogs (a name, so that our extraction of
texts does not take it for one of ours)."""


def use_plain_select() -> None:
    """Every ``SelectField`` of the application draws with :class:`PlainSelect` (the same HTML;
    a form with a list of 150 cities or 40 key factors renders in a tenth of the time), and
    checks a plain list of choices with :func:`_plain_pre_validate` (the same errors)."""
    if not isinstance(SelectField.widget, PlainSelect):
        SelectField.widget = PlainSelect()
    SelectField.pre_validate = _plain_pre_validate


def field(f, hint=None, class_="") -> Markup:
    """One form field with its label, hint and errors: what the ``field`` macro of
    templates/_macros/forms.html drew, in Python (a macro call costs several microseconds
    before it draws anything, and its attribute dictionaries more; the programme's session
    form and the library's filters draw ten fields each). The control itself is WTForms'
    (or ``choice_inputs``' for lists of checkboxes and radio buttons)."""
    errors = f.errors
    fid = escape(f.id)
    out = [f'<div class="field {escape(class_)}{" field-error" if errors else ""}">']
    if f.type == "BooleanField":
        control = f(**{"aria-describedby": f"{f.id}-error"}) if errors else f()
        out.append(f'<label class="check">{control} {escape(f.label.text)}</label>')
    elif f.type in ("MultiCheckboxField", "RadioField"):
        drawn = choice_inputs(f)
        if drawn is None:
            drawn = "".join(f'<label class="check">{sub()} {escape(sub.label.text)}</label>' for sub in f)
        out.append(f'<fieldset><legend>{escape(f.label.text)}</legend><div class="checks">{drawn}</div>'
                   "</fieldset>")
    else:
        attrs = {"aria-invalid": "true", "aria-describedby": f"{f.id}-error"} if errors else {}
        if f.description or hint:
            attrs["aria-describedby"] = f"{attrs.get('aria-describedby', '')} {f.id}-hint".strip()
        out.append(f"{f.label()}{f(**attrs)}")
    if f.description or hint:
        out.append(f'<p class="hint" id="{fid}-hint">{escape(hint or f.description)}</p>')
    if errors:
        out.append(f'<p class="error" id="{fid}-error">{" ".join(escape(e) for e in errors)}</p>')
    out.append("</div>")
    return Markup("".join(out))
