"""The fast <select> of long lists draws what WTForms' own widget draws, selection and escaping
included, so a filter keeps its chosen value and a city called <b>"Ö & co"</b> stays text."""

from flask_babel import lazy_gettext
from wtforms import Form, SelectField
from wtforms.widgets import Select

from peerreview.forms_common import PlainSelect

CHOICES = [("", "Any"), ("1", 'Ö & <b>"co"</b>'), ("2", "Two"), ("3", "")]


def _pair(data, choices=CHOICES, coerce=str):
    class Plain(Form):
        f = SelectField("F", choices=choices, coerce=coerce, widget=PlainSelect())

    class Stock(Form):
        f = SelectField("F", choices=choices, coerce=coerce, widget=Select())

    return Plain(data={"f": data}).f, Stock(data={"f": data}).f


def test_same_html_as_wtforms_with_a_value_chosen_and_text_to_escape():
    plain, stock = _pair("1")
    assert plain() == stock()
    assert 'selected value="1"' in plain()
    assert "<b>" not in plain() and "&lt;b&gt;" in plain()


def test_no_value_chosen_and_attributes_passed_through():
    plain, stock = _pair("")
    assert plain(**{"aria-describedby": "f-hint"}) == stock(**{"aria-describedby": "f-hint"})
    assert plain().count("selected") == 1          # "Any"


def test_integer_choices_and_a_value_that_does_not_coerce():
    plain, stock = _pair(2, choices=[(1, "One"), (2, "Two")], coerce=int)
    assert plain() == stock() and 'selected value="2"' in plain()


def test_lazy_labels_are_translated_text(app):
    with app.test_request_context():
        plain, stock = _pair("", choices=[("", lazy_gettext("Any")), ("x", "X")])
        assert plain() == stock() and ">Any</option>" in plain()


def test_every_select_of_the_application_uses_it(app):
    from wtforms import SelectField

    assert isinstance(SelectField.widget, PlainSelect)


def test_remembered_options_follow_the_language_and_the_values_types(app):
    """Options are remembered per list; a lazy label is remembered as the text of the language
    it was drawn in, and 1, True and "1" (equal as keys) stay different options."""
    for lang, any_ in (("en", ">Any</option>"), ("el", ">Οποιοδήποτε</option>"), ("en", ">Any</option>")):
        with app.test_request_context(f"/?lang={lang}"):
            app.preprocess_request()
            plain, stock = _pair("", choices=[("", lazy_gettext("Any")), ("x", "X")])
            assert plain() == stock() and any_ in plain(), lang
    for choices in ([(1, "One")], [(True, "One")], [("1", "One")]):
        plain, stock = _pair(None, choices=choices, coerce=lambda v: v)
        assert plain() == stock(), choices


def test_the_choice_is_checked_as_wtforms_checks_it(app):
    """A value among the choices passes, any other fails with WTForms' own message, for plain
    lists (checked here without building an object per choice) and for the rest alike."""
    from werkzeug.datastructures import MultiDict
    from wtforms import RadioField
    from wtforms.fields.choices import SelectChoice

    class Search(Form):
        city = SelectField("City", choices=[("", "Any"), ("7", "Ghent"), ("9", "Genoa")])
        number = SelectField("Number", choices=[(1, "One"), (2, "Two")], coerce=int)
        grouped = SelectField("Grouped", choices=[SelectChoice("a", "A", optgroup="North"),
                                                  SelectChoice("b", "B", optgroup="South")])
        level = RadioField("Level", choices=[("x", "X"), ("y", "Y")])

    def errors(**values):
        form = Search(MultiDict(values))
        form.validate()
        return form.errors

    assert errors(city="9", number="2", grouped="b", level="y") == {}
    bad = errors(city="8", number="3", grouped="c", level="z")
    assert set(bad) == {"city", "number", "grouped", "level"}
    assert all(messages == ["Not a valid choice."] for messages in bad.values())
    assert errors(city="", number="1", grouped="a", level="x") == {}
