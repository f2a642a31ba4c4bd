from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from peerreview.forms_common import MultiCheckboxField, language_choices
from peerreview.languages.forms import report_language_choices
from peerreview.reviews.models import TEAM_ROLES


class RequestForm(FlaskForm):
    theme_id = SelectField("Theme", coerce=int, validate_choice=False,
                           description="The review uses the theme's current benchmark; later "
                                       "changes to the benchmark do not affect it.")
    question_1 = StringField("Guiding question 1", validators=[Length(max=500)],
                             description="What do you most want the peers to look at? Up to three questions.")
    question_2 = StringField("Guiding question 2", validators=[Length(max=500)])
    question_3 = StringField("Guiding question 3", validators=[Length(max=500)])
    preferred_start = DateField("Preferred visit window: from", validators=[Optional()])
    preferred_end = DateField("Preferred visit window: to", validators=[Optional()])
    working_languages = MultiCheckboxField("Working languages of the visit", choices=language_choices())
    report_language = SelectField(_l("Language of the feedback report"), default="en",
                                  choices=report_language_choices, validate_choice=False,
                                  description=_l("Its headings, dates and the benchmark's texts; "
                                                 "you can change it until the report is issued."))
    background = TextAreaField("Background", validators=[Length(max=20000)],
                               description="Your city's migration context, the policy under review, "
                                           "who is responsible, recent changes.")

    def values(self) -> dict:
        return {"host_questions": [self.question_1.data, self.question_2.data, self.question_3.data],
                "preferred_start": self.preferred_start.data, "preferred_end": self.preferred_end.data,
                "working_languages": self.working_languages.data or [], "background": self.background.data,
                "report_language": self.report_language.data or "en"}


class AcceptForm(FlaskForm):
    visit_start = DateField("First day of the visit", validators=[DataRequired(message="Give the first day.")])
    visit_end = DateField("Last day of the visit", validators=[DataRequired(message="Give the last day.")])
    self_assessment_due = DateField("Self-assessment due", validators=[Optional()],
                                    description="Empty: four weeks before the visit.")
    programme_due = DateField("Programme due", validators=[Optional()],
                              description="Empty: two weeks before the visit.")
    report_due = DateField("Report due", validators=[Optional()],
                           description="Empty: 30 days after the visit.")
    team_min = IntegerField("Smallest team", default=4, validators=[NumberRange(1, 15)])
    team_max = IntegerField("Largest team", default=8, validators=[NumberRange(1, 15)])


class ScheduleForm(FlaskForm):
    visit_start = AcceptForm.visit_start
    visit_end = AcceptForm.visit_end
    self_assessment_due = DateField("Self-assessment due", validators=[DataRequired()])
    programme_due = DateField("Programme due", validators=[DataRequired()])
    report_due = DateField("Report due", validators=[DataRequired()])


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[Length(max=2000)])


class DocumentForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(message="Give the document a title."), Length(max=200)])
    url = StringField("Link", validators=[Optional(), Length(max=1000)],
                      description="A web address, or upload a file below.")
    file = FileField("File", description="PDF, Office or OpenDocument, or an image; 20 MB at most.")


class TeamAddForm(FlaskForm):
    user_id = SelectField("Peer", coerce=int, validate_choice=False)
    role = SelectField("Role", choices=[(r, r.capitalize()) for r in TEAM_ROLES], default="peer")
