from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from peerreview.forms_common import MultiCheckboxField, language_choices
from peerreview.i18n import lazy_gettext as _l
from peerreview.languages.forms import report_language_choices
from peerreview.reviews.models import TEAM_ROLE_LABELS, TEAM_ROLES


class RequestForm(FlaskForm):
    theme_id = SelectField(_l("Theme"), coerce=int, validate_choice=False,
                           description=_l("The review uses the theme's current benchmark; later "
                                       "changes to the benchmark do not affect it."))
    question_1 = StringField(_l("Guiding question 1"), validators=[Length(max=500)],
                             description=_l("What do you most want the peers to look at? Up to three questions."))
    question_2 = StringField(_l("Guiding question 2"), validators=[Length(max=500)])
    question_3 = StringField(_l("Guiding question 3"), validators=[Length(max=500)])
    preferred_start = DateField(_l("Preferred visit window: from"), validators=[Optional()])
    preferred_end = DateField(_l("Preferred visit window: to"), validators=[Optional()])
    working_languages = MultiCheckboxField(_l("Working languages of the visit"), choices=language_choices())
    report_language = SelectField(_l("Language of the feedback report"), default="en",
                                  choices=report_language_choices, validate_choice=False,
                                  description=_l("Its headings, dates and the benchmark's texts; "
                                                 "you can change it until the report is issued."))
    background = TextAreaField(_l("Background"), validators=[Length(max=20000)],
                               description=_l("Your city's migration context, the policy under review, "
                                           "who is responsible, recent changes."))

    def values(self) -> dict:
        return {"host_questions": [self.question_1.data, self.question_2.data, self.question_3.data],
                "preferred_start": self.preferred_start.data, "preferred_end": self.preferred_end.data,
                "working_languages": self.working_languages.data or [], "background": self.background.data,
                "report_language": self.report_language.data or "en"}


class AcceptForm(FlaskForm):
    visit_start = DateField(_l("First day of the visit"), validators=[DataRequired(message=_l("Give the first day."))])
    visit_end = DateField(_l("Last day of the visit"), validators=[DataRequired(message=_l("Give the last day."))])
    self_assessment_due = DateField(_l("Self-assessment due"), validators=[Optional()],
                                    description=_l("Empty: four weeks before the visit."))
    programme_due = DateField(_l("Programme due"), validators=[Optional()],
                              description=_l("Empty: two weeks before the visit."))
    report_due = DateField(_l("Report due"), validators=[Optional()],
                           description=_l("Empty: 30 days after the visit."))
    team_min = IntegerField(_l("Smallest team"), default=4, validators=[NumberRange(1, 15)])
    team_max = IntegerField(_l("Largest team"), default=8, validators=[NumberRange(1, 15)])


class ScheduleForm(FlaskForm):
    visit_start = AcceptForm.visit_start
    visit_end = AcceptForm.visit_end
    self_assessment_due = DateField(_l("Self-assessment due"), validators=[DataRequired()])
    programme_due = DateField(_l("Programme due"), validators=[DataRequired()])
    report_due = DateField(_l("Report due"), validators=[DataRequired()])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)])


class DocumentForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Give the document a title.")), Length(max=200)])
    url = StringField(_l("Link"), validators=[Optional(), Length(max=1000)],
                      description=_l("A web address, or upload a file below."))
    file = FileField(_l("File"), description=_l("PDF, Office or OpenDocument, or an image; 20 MB at most."))


class TeamAddForm(FlaskForm):
    user_id = SelectField(_l("Peer"), coerce=int, validate_choice=False)
    role = SelectField(_l("Role"), choices=[(r, TEAM_ROLE_LABELS[r]) for r in TEAM_ROLES], default="peer")
