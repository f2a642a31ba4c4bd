from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from peerreview.forms_common import MultiCheckboxField
from peerreview.framework.constants import RATING_CHOICES
from peerreview.i18n import lazy_gettext as _l
from peerreview.reports.models import ANSWERS, PRIORITIES, PROGRESS, RESPONSES, TIMEFRAMES

LONG = 30_000


class CsrfForm(FlaskForm):
    pass


class SectionForm(FlaskForm):
    body = TextAreaField(_l("Text"), validators=[Length(max=LONG)])
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])


class FindingForm(FlaskForm):
    rating = SelectField(_l("The team’s agreed rating"),
                         choices=[("", _l("Not agreed yet"))] + [(v, _l("%(value)s – %(label)s", value=v, label=label) if v != "ne" else label)
                                                             for v, label in RATING_CHOICES],
                         validate_choice=False)
    rationale = TextAreaField(_l("Why this rating"), validators=[Length(max=LONG)],
                              description=_l("What the team saw that puts the key factor at this level."))
    strengths = TextAreaField(_l("Strengths"), validators=[Length(max=LONG)],
                              description=_l("One paragraph each, or a list: start lines with “- ”."))
    improvements = TextAreaField(_l("Areas for improvement"), validators=[Length(max=LONG)])
    observations = MultiCheckboxField(_l("Observations cited as evidence"), coerce=int, validate_choice=False)
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])


class RecommendationForm(FlaskForm):
    key_factor_id = SelectField(_l("Key factor"), validate_choice=False)
    action = TextAreaField(_l("Action"), validators=[Length(max=4000)],
                           description=_l("What the city should do, concretely: who does what, by when."))
    rationale = TextAreaField(_l("Rationale"), validators=[Length(max=8000)],
                              description=_l("Why: what the team saw that calls for this."))
    priority = RadioField(_l("Priority"), choices=list(PRIORITIES.items()), default="medium",
                          validate_choice=False)
    owner = StringField(_l("Suggested owner"), validators=[Length(max=200)],
                        description=_l("The department or body that should lead, e.g. “Education "
                                    "department with the employment service”."))
    timeframe_months = SelectField(_l("Timeframe"), choices=[(str(k), v) for k, v in TIMEFRAMES.items()],
                                   default="12", validate_choice=False)
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])


class CommentForm(FlaskForm):
    place = SelectField(_l("About"), validate_choice=False)
    body = TextAreaField(_l("Comment"), validators=[Length(max=5000)])


class AnswerForm(FlaskForm):
    answer = RadioField(_l("The team’s answer"), choices=list(ANSWERS.items()), validate_choice=False)
    note = TextAreaField(_l("Note"), validators=[Length(max=5000)])


class FactualCheckForm(FlaskForm):
    deadline = DateField(_l("Comments due by"), validators=[Optional()],
                         description=_l("The host city comments until the end of this day."))


class ReissueForm(FlaskForm):
    note = TextAreaField(_l("What was corrected"), validators=[Length(max=2000)])


class ResponseForm(FlaskForm):
    response = RadioField(_l("The city’s response"), choices=list(RESPONSES.items()), validate_choice=False)
    reason = TextAreaField(_l("Reason"), validators=[Length(max=5000)],
                           description=_l("Needed when the city accepts only partly or not at all."))


class ProgressForm(FlaskForm):
    progress = RadioField(_l("Progress"), choices=list(PROGRESS.items()), validate_choice=False)
    note = TextAreaField(_l("What happened"), validators=[Length(max=5000)])
    on_date = DateField(_l("As of"), validators=[Optional()])
