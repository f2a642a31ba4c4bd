"""Forms of the people of the visit week."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from peerreview.forms_common import language_choices
from peerreview.i18n import lazy_gettext as _l
from peerreview.people.models import ATTENDANCE, QUOTE_CONSENT
from peerreview.reviews.models import ORGANISATION_TYPES


class CsrfForm(FlaskForm):
    """Only the CSRF token (buttons)."""


class IntervieweeForm(FlaskForm):
    session_id = SelectField(_l("Session"), coerce=int, validate_choice=False)
    name = StringField(_l("Name"), validators=[InputRequired(message=_l("Give the person's name.")),
                                               Length(max=200)])
    role = StringField(_l("Role"), validators=[Optional(), Length(max=200)],
                       description=_l("For example “Head of the welcome office” or “Parent”."))
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    organisation_type = SelectField(_l("Kind of organisation"), choices=list(ORGANISATION_TYPES.items()),
                                    default="city_department")
    email = StringField(_l("E-mail (optional)"), validators=[Optional(), Length(max=254)],
                        description=_l("Needed to send the invitation and the answer link."))
    phone = StringField(_l("Phone (optional)"), validators=[Optional(), Length(max=50)])
    language = SelectField(_l("Language of the invitation"), default="en")

    def setup(self, review, sessions) -> IntervieweeForm:
        from peerreview.formatting import short_day
        from peerreview.reviews.programme import hhmm

        self.session_id.choices = [(s.id, f"{short_day(s.day)} {hhmm(s.start_time)} · {s.title}")
                                   for s in sessions]
        self.language.choices = language_choices()
        return self

    def values(self):
        from peerreview.people.interviewees import IntervieweeInput

        return IntervieweeInput(
            session_id=self.session_id.data, name=self.name.data or "", role=self.role.data or "",
            organisation=self.organisation.data or "", organisation_type=self.organisation_type.data,
            email=self.email.data or "", phone=self.phone.data or "", language=self.language.data)

    def fill(self, person) -> None:
        for key in ("session_id", "name", "role", "organisation", "organisation_type", "email",
                    "phone", "language"):
            getattr(self, key).data = getattr(person, key)


class AnswerForm(FlaskForm):
    attending = RadioField(_l("Will you attend the meeting?"), choices=list(ATTENDANCE.items()),
                           validators=[InputRequired(message=_l("Say whether you will attend."))])
    quote_consent = RadioField(_l("May the report quote what you say?"), choices=list(QUOTE_CONSENT.items()),
                               validators=[InputRequired(message=_l("Say whether the team may quote you."))])
    photo_consent = RadioField(_l("May photos of you be taken during the visit?"),
                               choices=[("yes", _l("Yes")), ("no", _l("No"))],
                               validators=[InputRequired(message=_l("Say whether photos of you may be taken."))])


class OverrideForm(FlaskForm):
    kind = HiddenField()
    reason = TextAreaField(_l("Reason to go ahead"), validators=[Length(max=2000)], render_kw={"rows": 3},
                           description=_l("For example: the person agreed in writing after the visit. "
                                          "It is kept in the review's history."))


class OutsideSeatForm(FlaskForm):
    user_id = SelectField(_l("Person"), coerce=int, validate_choice=False)
    role = SelectField(_l("Seat"), choices=[("external", _l("External expert (facilitator)")),
                                            ("staff", _l("Secretariat staff"))])
    organisation = StringField(_l("Organisation"), validators=[Length(max=200)],
                               description=_l("Shown with the name in the report's team annex."))


class ImpressionsForm(FlaskForm):
    body = TextAreaField(_l("First impressions"), validators=[Length(max=20_000)], render_kw={"rows": 12},
                         description=_l("What the team told the host city at the end of the visit "
                                        "week: the main strengths, the main gaps, what comes next."))
    version = HiddenField()

