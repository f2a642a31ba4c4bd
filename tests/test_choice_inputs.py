"""Lists of checkboxes and radio buttons are drawn in Python (forms_common.choice_inputs): the
same HTML as WTForms drawing each option, to the character, or WTForms itself where the field
has attributes of its own."""

from __future__ import annotations

import pytest
from flask_wtf import FlaskForm
from markupsafe import escape
from wtforms import RadioField
from wtforms.validators import DataRequired, Optional

from peerreview.forms_common import MultiCheckboxField, choice_inputs
from peerreview.i18n import lazy_gettext as _l

CHOICES = [("a", "Alpha"), ("b&c", 'Quote " and <tag>'), ("", "Empty value"), ("d", "")]


class _Form(FlaskForm):
    ticks = MultiCheckboxField("Ticks", choices=CHOICES, validators=[Optional()])
    numbers = MultiCheckboxField("Numbers", choices=[(1, "One"), (2, _l("Mentoring")), (3, "Three")],
                                 coerce=int)
    pick = RadioField("Pick", choices=CHOICES, validators=[Optional()])
    needed = RadioField("Needed", choices=CHOICES, validators=[DataRequired()])
    styled = MultiCheckboxField("Styled", choices=CHOICES, render_kw={"class": "x"})


def _wtforms(field) -> str:
    return "".join(f'<label class="check">{sub()} {escape(sub.label.text)}</label>' for sub in field)


@pytest.mark.parametrize("data", [
    {},
    {"ticks": ["b&c", ""], "numbers": ["2", "3"], "pick": "b&c"},
    {"ticks": ["a"], "numbers": ["1"], "pick": ""},
])
def test_the_same_html_as_wtforms(app, data):
    from werkzeug.datastructures import MultiDict

    with app.test_request_context("/?lang=el"):
        app.preprocess_request()
        form = _Form(formdata=MultiDict([(k, v) for k, vs in data.items()
                                         for v in (vs if isinstance(vs, list) else [vs])]) if data else None,
                     meta={"csrf": False})
        for name in ("ticks", "numbers", "pick"):
            field = form[name]
            drawn = choice_inputs(field)
            assert drawn is not None and str(drawn) == _wtforms(field), name
        assert "Καθοδήγηση" in str(choice_inputs(form.numbers))
        if data.get("pick") == "b&c":
            assert 'checked id="pick-1"' in str(choice_inputs(form.pick))


def test_fields_with_attributes_of_their_own_are_drawn_by_wtforms(app):
    with app.test_request_context("/"):
        form = _Form(meta={"csrf": False})
        assert choice_inputs(form.needed) is None     # each option would carry "required"
        assert choice_inputs(form.styled) is None     # render_kw


def test_the_programme_form_draws_its_lists(client, login, make_user, make_review):
    """The session form's lists of organisations, peers and key factors, on the page."""
    coordinator = make_user("Coordinator", coordinator=True)
    review = make_review("preparing")
    login(coordinator)
    page = client.get(f"/reviews/{review.id}/programme").get_data(as_text=True)
    assert '<label class="check"><input id="organisation_types-0" name="organisation_types" type="checkbox"' in page
