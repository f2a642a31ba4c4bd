"""Forms of the mentoring pages. Fields check only their format; the services check the rules
and name the field a message belongs next to. Per-key-factor fields (ratings, narratives) are
plain inputs named ``rating_<id>`` etc., read by the views."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from peerreview.forms_common import MultiCheckboxField
from peerreview.i18n import lazy_gettext as _l
from peerreview.mentoring.models import VISIT_KIND_HINTS, VISIT_KINDS
from peerreview.mentoring.plan_models import ACTION_STATUSES

DATE_MESSAGE = _l("Give a date as year-month-day, for example 2026-09-30.")


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
    name = StringField(_l("Name"), description=_l("For example “Language pathways mentoring 2026–27”."))
    theme_id = SelectField(_l("Theme"), coerce=int, validate_choice=False,
                           description=_l("The scheme uses the theme's current published benchmark; "
                                       "later versions do not change it."))
    starts_on = _date(_l("Starts on"))
    ends_on = _date(_l("Ends on"))
    description = TextAreaField(_l("About the scheme"), description=_l("Its aims, the funding programme, "
                                "how often the cities meet."))
    mentor_cities = MultiCheckboxField(_l("Mentor cities"), coerce=int, validate_choice=False)
    implementing_cities = MultiCheckboxField(_l("Implementing cities"), coerce=int, validate_choice=False)

    def values(self) -> dict:
        return {"name": self.name.data or "", "starts_on": self.starts_on.data,
                "ends_on": self.ends_on.data, "description": self.description.data or ""}


class MentorshipForm(FlaskForm):
    implementing_city_id = SelectField(_l("Implementing city"), coerce=int, validate_choice=False)
    mentor_cities = MultiCheckboxField(_l("Mentor cities"), coerce=int, validate_choice=False,
                                       description=_l("One or two mentor cities of the scheme."))
    mentors = MultiCheckboxField(_l("Mentors"), coerce=int, validate_choice=False,
                                 description=_l("People of the mentor cities who follow this city."))
    mentees = MultiCheckboxField(_l("Mentees"), coerce=int, validate_choice=False,
                                 description=_l("People of the implementing city who keep its plan."))


class StepForm(FlaskForm):
    on = _date(_l("Date"), description=_l("Empty: today."))
    reason = TextAreaField(_l("Reason"))


class NeedsForm(FlaskForm):
    goals = TextAreaField(_l("The gaps the city wants to close, and its goals"),
                          description=_l("What should be different at the end of the mentoring?"))
    assessed_on = _date(_l("Baseline date"), description=_l("When the baseline was assessed. Empty: today."))
    version = HiddenField()


class VisitForm(FlaskForm):
    kind = RadioField(_l("Kind of visit"), choices=[(k, _l("%(kind)s (%(hint)s)", kind=v, hint=VISIT_KIND_HINTS[k]))
                               for k, v in VISIT_KINDS.items()],
                      default="mentoring", validate_choice=False)
    starts_on = _date(_l("First day"))
    ends_on = _date(_l("Last day"))
    location = StringField(_l("Where"), description=_l("City and venue."))
    participants = MultiCheckboxField(_l("Participants"), coerce=int, validate_choice=False,
                                      description=_l("The visit appears in their calendar feeds."))
    other_participants = TextAreaField(_l("Other participants"), description=_l("Staff, partners or politicians "
                                       "met, by function (not by name unless they agreed)."))
    agenda = TextAreaField(_l("Agenda"))
    notes = TextAreaField(_l("Notes"))
    agreed = TextAreaField(_l("What was agreed"))
    version = HiddenField()

    def fill(self, visit) -> None:
        for name in ("kind", "starts_on", "ends_on", "location", "other_participants", "agenda",
                     "notes", "agreed"):
            getattr(self, name).data = getattr(visit, name)
        self.participants.data = [u.id for u in visit.participants]
        self.version.data = str(visit.version)


class ProgressForm(FlaskForm):
    held_on = _date(_l("Date of the progress review"))
    summary = TextAreaField(_l("Summary"), description=_l("What moved, what did not, and why."))
    next_review_on = _date(_l("Next progress review"), description=_l("Optional: the mentors are reminded."))


class ActionForm(FlaskForm):
    key_factor_id = SelectField(_l("Key factor"), coerce=int, validate_choice=False)
    description = TextAreaField(_l("What will be done"))
    owner = StringField(_l("Owner"), description=_l("The department, team or person responsible."))
    deadline = _date(_l("Deadline"))
    resources = TextAreaField(_l("Resources"), description=_l("Staff time, budget, partners."))
    indicator = TextAreaField(_l("Indicator of success"), description=_l("How will you know it worked?"))
    source = StringField(_l("Where the action comes from"),
                         description=_l("Optional, for example “Study visit to Vienna, May 2026”."))
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
    on_date = _date(_l("Date"), default=date.today)
    status = SelectField(_l("Status"), validate_choice=False,
                         choices=[("", _l("Keep the status"))] + [(k, v) for k, v in ACTION_STATUSES.items()
                                                              if k != "proposed"])
    note = TextAreaField(_l("What happened"))
    reason = TextAreaField(_l("Reason for dropping"), description=_l("Required when the action is dropped."))


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Your answer"), validate_choice=False,
                           choices=[("accept", _l("Accept it into the plan")), ("decline", _l("Decline it"))])
    reason = TextAreaField(_l("Note or reason"), description=_l("Required when you decline: the mentor learns from it."))


class VersionForm(FlaskForm):
    note = StringField(_l("What changed in this version"), description=_l("Optional."))


class EndorseForm(FlaskForm):
    endorsed_by = StringField(_l("Endorsed by"), description=_l("Name and position, for example "
                              "“Marta Ozola, Deputy Mayor for Social Affairs”."))
    body = StringField(_l("Body"), description=_l("Optional: the body that decided, for example the city council."))
    endorsed_on = _date(_l("Endorsed on"))
    note = TextAreaField(_l("Note"), description=_l("Optional: the decision's reference number, conditions."))
