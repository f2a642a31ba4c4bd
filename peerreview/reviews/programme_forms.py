from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, Optional

from peerreview.formatting import long_day
from peerreview.forms_common import MultiCheckboxField
from peerreview.i18n import lazy_gettext as _l
from peerreview.reviews.models import ORGANISATION_TYPES, SESSION_TYPES
from peerreview.reviews.programme import SessionInput, eligible_attendees, visit_days


class SessionForm(FlaskForm):
    day = SelectField(_l("Day"), validate_choice=False)
    start_time = TimeField(_l("Starts"), format=["%H:%M", "%H:%M:%S"], validators=[InputRequired(message=_l("Give the start time."))])
    end_time = TimeField(_l("Ends"), format=["%H:%M", "%H:%M:%S"], validators=[InputRequired(message=_l("Give the end time."))])
    title = StringField(_l("Title"), validators=[InputRequired(message=_l("Give the session a title.")),
                                             Length(max=200)],
                        description=_l("For example “Interview with the head of the welcome office”."))
    session_type = SelectField(_l("Type"), choices=list(SESSION_TYPES.items()), default="interview")
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)],
                        description=_l("Address or building and room."))
    organisations = TextAreaField(_l("Organisations met"), validators=[Length(max=5000)],
                                  render_kw={"rows": 2},
                                  description=_l("Who the peers meet: names of organisations or posts."))
    organisation_types = MultiCheckboxField(_l("Types of organisation"), choices=list(ORGANISATION_TYPES.items()))
    interpreter_needed = BooleanField(_l("An interpreter is needed"))
    attendees = MultiCheckboxField(_l("Peers attending"), coerce=int)
    key_factors = MultiCheckboxField(_l("Key factors in focus"), coerce=int)
    notes = TextAreaField(_l("Notes"), validators=[Length(max=5000)], render_kw={"rows": 3},
                          description=_l("Anything the peers should know: preparation, travel, contact on site."))
    version = HiddenField()

    def setup(self, review) -> SessionForm:
        """Fill the choices from the review: its visit days, its team, its key factors."""
        self.day.choices = [(d.isoformat(), long_day(d)) for d in visit_days(review)]
        self.attendees.choices = [
            (s.id, s.user.display_name + (f" ({s.role})" if s.role in ("lead", "rapporteur") else ""))
            for s in eligible_attendees(review)]
        self.key_factors.choices = [(kf.id, f"{kf.code} {kf.title}") for kf in review.benchmark.key_factors]
        return self

    def fill(self, session) -> None:
        """Put a saved session's values into the form (GET of the edit page)."""
        self.day.data = session.day.isoformat()
        self.start_time.data, self.end_time.data = session.start_time, session.end_time
        self.title.data, self.venue.data = session.title, session.venue
        self.session_type.data = session.session_type
        self.organisations.data = session.organisations
        self.organisation_types.data = list(session.organisation_types or [])
        self.interpreter_needed.data = session.interpreter_needed
        self.attendees.data = [m.id for m in session.attendees]
        self.key_factors.data = [kf.id for kf in session.key_factors]
        self.notes.data = session.notes
        self.version.data = str(session.version)

    def loaded_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None

    def values(self) -> SessionInput:
        try:
            day = date.fromisoformat(self.day.data or "")
        except ValueError:
            day = None
        return SessionInput(
            day=day, start_time=self.start_time.data, end_time=self.end_time.data,
            title=self.title.data or "", venue=self.venue.data or "",
            session_type=self.session_type.data or "", organisations=self.organisations.data or "",
            organisation_types=list(self.organisation_types.data or []),
            interpreter_needed=bool(self.interpreter_needed.data),
            attendee_ids=list(self.attendees.data or []), key_factor_ids=list(self.key_factors.data or []),
            notes=self.notes.data or "")


class CsrfForm(FlaskForm):
    """A form with only the CSRF token (delete buttons)."""


class CalendarForm(FlaskForm):
    action = HiddenField()
