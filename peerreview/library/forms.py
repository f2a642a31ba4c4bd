"""The library's search form (a GET form: no CSRF token, nothing changes) and the host
city's publication form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SearchField, SelectField
from wtforms.validators import NumberRange, Optional

from peerreview.forms_common import MultiCheckboxField
from peerreview.i18n import lazy_gettext as _l

KIND_CHOICES = [("", _l("Everything")), ("recommendation", _l("Recommendations")),
                ("finding", _l("Findings")), ("practice", _l("Good practices"))]
STATUS_CHOICES = [("", _l("Any")), ("waiting", _l("Waiting for the city's response")),
                  ("not_accepted", _l("Not accepted")), ("not_started", _l("Accepted, not started")),
                  ("in_progress", _l("In progress")), ("done", _l("Done"))]


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Words"), validators=[Optional()],
                    description=_l("Every word must appear; the start of a word is enough."))
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES, validators=[Optional()])
    theme = SelectField(_l("Theme"), coerce=str, validators=[Optional()])
    kf = SelectField(_l("Key factor"), coerce=str, validators=[Optional()])
    role = SelectField(_l("Charter role"), coerce=str, validators=[Optional()])
    city = SelectField(_l("City"), coerce=str, validators=[Optional()])
    country = SelectField(_l("Country"), coerce=str, validators=[Optional()])
    year = IntegerField(_l("Year of the report"), validators=[Optional(), NumberRange(min=1990, max=2100)])
    status = SelectField(_l("Follow-up"), choices=STATUS_CHOICES, validators=[Optional()])
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=10000)])


class PublicationForm(FlaskForm):
    level = RadioField(_l("Who may read the report"), choices=[])
    withheld = MultiCheckboxField(_l("Hold back from the network"), choices=[], validate_choice=False)
