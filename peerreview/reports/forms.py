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
from peerreview.reports.models import ANSWERS, PRIORITIES, PROGRESS, RESPONSES, TIMEFRAMES

LONG = 30_000


class CsrfForm(FlaskForm):
    pass


class SectionForm(FlaskForm):
    body = TextAreaField("Text", validators=[Length(max=LONG)])
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])


class FindingForm(FlaskForm):
    rating = SelectField("The team’s agreed rating",
                         choices=[("", "Not agreed yet")] + [(v, f"{v} – {label}" if v != "ne" else label)
                                                             for v, label in RATING_CHOICES],
                         validate_choice=False)
    rationale = TextAreaField("Why this rating", validators=[Length(max=LONG)],
                              description="What the team saw that puts the key factor at this level.")
    strengths = TextAreaField("Strengths", validators=[Length(max=LONG)],
                              description="One paragraph each, or a list: start lines with “- ”.")
    improvements = TextAreaField("Areas for improvement", validators=[Length(max=LONG)])
    observations = MultiCheckboxField("Observations cited as evidence", coerce=int, validate_choice=False)
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])


class RecommendationForm(FlaskForm):
    key_factor_id = SelectField("Key factor", validate_choice=False)
    action = TextAreaField("Action", validators=[Length(max=4000)],
                           description="What the city should do, concretely: who does what, by when.")
    rationale = TextAreaField("Rationale", validators=[Length(max=8000)],
                              description="Why: what the team saw that calls for this.")
    priority = RadioField("Priority", choices=list(PRIORITIES.items()), default="medium",
                          validate_choice=False)
    owner = StringField("Suggested owner", validators=[Length(max=200)],
                        description="The department or body that should lead, e.g. “Education "
                                    "department with the employment service”.")
    timeframe_months = SelectField("Timeframe", choices=[(str(k), v) for k, v in TIMEFRAMES.items()],
                                   default="12", validate_choice=False)
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])


class CommentForm(FlaskForm):
    place = SelectField("About", validate_choice=False)
    body = TextAreaField("Comment", validators=[Length(max=5000)])


class AnswerForm(FlaskForm):
    answer = RadioField("The team’s answer", choices=list(ANSWERS.items()), validate_choice=False)
    note = TextAreaField("Note", validators=[Length(max=5000)])


class FactualCheckForm(FlaskForm):
    deadline = DateField("Comments due by", validators=[Optional()],
                         description="The host city comments until the end of this day.")


class ReissueForm(FlaskForm):
    note = TextAreaField("What was corrected", validators=[Length(max=2000)])


class ResponseForm(FlaskForm):
    response = RadioField("The city’s response", choices=list(RESPONSES.items()), validate_choice=False)
    reason = TextAreaField("Reason", validators=[Length(max=5000)],
                           description="Needed when the city accepts only partly or not at all.")


class ProgressForm(FlaskForm):
    progress = RadioField("Progress", choices=list(PROGRESS.items()), validate_choice=False)
    note = TextAreaField("What happened", validators=[Length(max=5000)])
    on_date = DateField("As of", validators=[Optional()])
