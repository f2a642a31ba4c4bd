"""The error summary at the top of every page that shows a form with mistakes (the GOV.UK
pattern): one line per wrong field, each a link to the field.

``form_errors()`` is a template global that base.html calls. It finds the Flask-WTF forms the
view handed to the template (also inside dicts and lists, such as one form per recommendation),
so no view or template has to do anything for the summary to appear. A page whose fields are
not Flask-WTF fields (the self-assessment) hands over ``field_errors``: {field id: message}.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from jinja2 import pass_context

from peerreview.i18n import gettext as _

MAX_DEPTH = 3
CHOICE_TYPES = ("RadioField", "MultiCheckboxField")


@dataclass(frozen=True)
class ErrorItem:
    message: str
    href: str | None  # "#field-id", or None for an error that belongs to no one field


def _forms(value, depth: int, seen: set[int]):
    if isinstance(value, FlaskForm):
        if id(value) not in seen:
            seen.add(id(value))
            yield value
        return
    if depth >= MAX_DEPTH:
        return
    if isinstance(value, dict):
        items = value.values()
    elif isinstance(value, list | tuple):
        items = value
    else:
        return
    for item in items:
        yield from _forms(item, depth + 1, seen)


def _target(field) -> str:
    """The element a link should move to: the field, or the first option of a choice."""
    if field.type in CHOICE_TYPES:
        return f"{field.id}-0"
    return field.id


def items_of(form) -> list[ErrorItem]:
    out = []
    for field in form:
        if not field.errors:
            continue
        if field.type == "CSRFTokenField":
            out.append(ErrorItem(_("The form's security token has expired: send the form again."), None))
            continue
        if field.type == "FormField":
            continue  # its sub-form is walked as a form of its own when it is in the context
        label = str(field.label.text) if field.label else ""
        for message in field.errors:
            # a validator's message may be a lazy text (lazy_gettext), made a str here
            if isinstance(message, str | bytes | LazyString):
                message = str(message)
                # Translators: an entry of the error summary: a field's label, then its error
                text = (_("%(label)s: %(message)s", label=label, message=message)
                        if label and not message.startswith(label) else message)
                out.append(ErrorItem(text, f"#{_target(field)}"))
    for message in getattr(form, "form_errors", []) or []:
        out.append(ErrorItem(str(message), None))
    return out


@pass_context
def form_errors(context) -> list[ErrorItem]:
    """Every error of every form the page shows, in the order of the forms' fields."""
    seen: set[int] = set()
    out: list[ErrorItem] = []
    values = context.get_all()
    for value in values.values():
        for form in _forms(value, 0, seen):
            out.extend(items_of(form))
    extra = values.get("field_errors")
    if isinstance(extra, dict):
        out.extend(ErrorItem(str(message), f"#{field_id}" if field_id else None)
                   for field_id, message in extra.items() if message)
    return list(dict.fromkeys(out))


def register(app) -> None:
    app.add_template_global(form_errors, "form_errors")
