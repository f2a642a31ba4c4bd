"""Forms of the mentoring pages. Fields check only their format; the services check the rules
and name the field a message belongs next to. Per-key-factor fields (ratings, narratives) are
plain inputs named ``rating_<id>`` etc., read by the views."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from peerreview.forms_common import MultiCheckboxField
from peerreview.mentoring.models import VISIT_KIND_HINTS, VISIT_KINDS
from peerreview.mentoring.plan_models import ACTION_STATUSES

DATE_MESSAGE = "Give a date as year-month-day, for example 2026-09-30."


def _date(label: str, **kw) -> DateField:
    return DateField(label, validators=[Optional()], **kw)


class CsrfForm(FlaskForm):
    pass


def version_of(form) -> int | None:
    try:
        return int(form.version.data) if form.version.data else None
    except (TypeError, ValueError):
        return None


def fix_date_messages(form) -> None:
    """WTForms says "Not a valid date value."; say what to type instead."""
    for f in form:
        if isinstance(f, DateField) and f.errors:
            f.errors = [DATE_MESSAGE if "valid date" in str(e) else e for e in f.errors]


class SchemeForm(FlaskForm):
    name = StringField("Name", description="For example “Language pathways mentoring 2026–27”.")
    theme_id = SelectField("Theme", coerce=int, validate_choice=False,
                           description="The scheme uses the theme's current published benchmark; "
                                       "later versions do not change it.")
    starts_on = _date("Starts on")
    ends_on = _date("Ends on")
    description = TextAreaField("About the scheme", description="Its aims, the funding programme, "
                                "how often the cities meet.")
    mentor_cities = MultiCheckboxField("Mentor cities", coerce=int, validate_choice=False)
    implementing_cities = MultiCheckboxField("Implementing cities", coerce=int, validate_choice=False)

    def values(self) -> dict:
        return {"name": self.name.data or "", "starts_on": self.starts_on.data,
                "ends_on": self.ends_on.data, "description": self.description.data or ""}


class MentorshipForm(FlaskForm):
    implementing_city_id = SelectField("Implementing city", coerce=int, validate_choice=False)
    mentor_cities = MultiCheckboxField("Mentor cities", coerce=int, validate_choice=False,
                                       description="One or two mentor cities of the scheme.")
    mentors = MultiCheckboxField("Mentors", coerce=int, validate_choice=False,
                                 description="People of the mentor cities who follow this city.")
    mentees = MultiCheckboxField("Mentees", coerce=int, validate_choice=False,
                                 description="People of the implementing city who keep its plan.")


class StepForm(FlaskForm):
    on = _date("Date", description="Empty: today.")
    reason = TextAreaField("Reason")


class NeedsForm(FlaskForm):
    goals = TextAreaField("The gaps the city wants to close, and its goals",
                          description="What should be different at the end of the mentoring?")
    assessed_on = _date("Baseline date", description="When the baseline was assessed. Empty: today.")
    version = HiddenField()


class VisitForm(FlaskForm):
    kind = RadioField("Kind of visit", choices=[(k, f"{v} ({VISIT_KIND_HINTS[k]})") for k, v in VISIT_KINDS.items()],
                      default="mentoring", validate_choice=False)
    starts_on = _date("First day")
    ends_on = _date("Last day")
    location = StringField("Where", description="City and venue.")
    participants = MultiCheckboxField("Participants", coerce=int, validate_choice=False,
                                      description="The visit appears in their calendar feeds.")
    other_participants = TextAreaField("Other participants", description="Staff, partners or politicians "
                                       "met, by function (not by name unless they agreed).")
    agenda = TextAreaField("Agenda")
    notes = TextAreaField("Notes")
    agreed = TextAreaField("What was agreed")
    version = HiddenField()

    def fill(self, visit) -> None:
        for name in ("kind", "starts_on", "ends_on", "location", "other_participants", "agenda",
                     "notes", "agreed"):
            getattr(self, name).data = getattr(visit, name)
        self.participants.data = [u.id for u in visit.participants]
        self.version.data = str(visit.version)


class ProgressForm(FlaskForm):
    held_on = _date("Date of the progress review")
    summary = TextAreaField("Summary", description="What moved, what did not, and why.")
    next_review_on = _date("Next progress review", description="Optional: the mentors are reminded.")


class ActionForm(FlaskForm):
    key_factor_id = SelectField("Key factor", coerce=int, validate_choice=False)
    description = TextAreaField("What will be done")
    owner = StringField("Owner", description="The department, team or person responsible.")
    deadline = _date("Deadline")
    resources = TextAreaField("Resources", description="Staff time, budget, partners.")
    indicator = TextAreaField("Indicator of success", description="How will you know it worked?")
    source = StringField("Where the action comes from",
                         description="Optional, for example “Study visit to Vienna, May 2026”.")
    recommendation_id = HiddenField()
    version = HiddenField()

    def fill(self, action) -> None:
        for name in ("key_factor_id", "description", "owner", "deadline", "resources", "indicator", "source"):
            getattr(self, name).data = getattr(action, name)
        self.recommendation_id.data = str(action.recommendation_id or "")
        self.version.data = str(action.version)

    def recommendation(self) -> int | None:
        try:
            return int(self.recommendation_id.data) if self.recommendation_id.data else None
        except (TypeError, ValueError):
            return -1  # not a number: the service says it is not a recommendation it knows


class UpdateForm(FlaskForm):
    on_date = _date("Date", default=date.today)
    status = SelectField("Status", validate_choice=False,
                         choices=[("", "Keep the status")] + [(k, v) for k, v in ACTION_STATUSES.items()
                                                              if k != "proposed"])
    note = TextAreaField("What happened")
    reason = TextAreaField("Reason for dropping", description="Required when the action is dropped.")


class DecisionForm(FlaskForm):
    decision = SelectField("Your answer", validate_choice=False,
                           choices=[("accept", "Accept it into the plan"), ("decline", "Decline it")])
    reason = TextAreaField("Note or reason", description="Required when you decline: the mentor learns from it.")


class VersionForm(FlaskForm):
    note = StringField("What changed in this version", description="Optional.")


class EndorseForm(FlaskForm):
    endorsed_by = StringField("Endorsed by", description="Name and position, for example "
                              "“Marta Ozola, Deputy Mayor for Social Affairs”.")
    body = StringField("Body", description="Optional: the body that decided, for example the city council.")
    endorsed_on = _date("Endorsed on")
    note = TextAreaField("Note", description="Optional: the decision's reference number, conditions.")
