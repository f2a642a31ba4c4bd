"""Forms of the peer pool and of team forming."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from peerreview.forms_common import MultiCheckboxField, language_choices
from peerreview.i18n import lazy_gettext as _l
from peerreview.matching.models import EXPERTISE_LEVELS, MAX_REVIEWS_PER_YEAR


class ProfileForm(FlaskForm):
    """Expertise fields (expertise_<theme id>) are added per theme by ``profile_form``."""

    languages = MultiCheckboxField(_l("Languages you can work in"), choices=language_choices())
    max_reviews_per_year = IntegerField(
        _l("Most reviews a year"), default=2,
        validators=[NumberRange(0, MAX_REVIEWS_PER_YEAR,
                                message=_l("Choose between 0 and %(max)d.", max=MAX_REVIEWS_PER_YEAR))],
        description=_l("Each review takes a visit week plus about a week of preparation and writing. "
                    "0 pauses you."))
    note = TextAreaField(_l("Note for the secretariat"), validators=[Length(max=2000)],
                         description=_l("Anything the secretariat should know, such as access needs."))


def profile_form(themes, profile=None, **kwargs) -> ProfileForm:
    """A ProfileForm with one none/some/expert choice per theme."""

    class Form(ProfileForm):
        pass

    for theme in themes:
        setattr(Form, f"expertise_{theme.id}", RadioField(
            theme.name, choices=list(EXPERTISE_LEVELS.items()), default="none", validate_choice=False))
    form = Form(**kwargs)
    form.theme_fields = [(t, getattr(form, f"expertise_{t.id}")) for t in themes]
    return form


class UnavailableForm(FlaskForm):
    start = DateField(_l("From"), validators=[DataRequired(message=_l("Give the first day."))])
    end = DateField(_l("To (included)"), validators=[DataRequired(message=_l("Give the last day."))])
    note = StringField(_l("Why (optional)"), validators=[Length(max=200)])


class TrainingForm(FlaskForm):
    trained = BooleanField(_l("Completed the peer training"))
    trained_on = DateField(_l("On"), validators=[Optional()])


class BidForm(FlaskForm):
    kind = SelectField(_l("Your answer"), choices=[("join", _l("I would like to join")),
                                                   ("cannot", _l("I cannot take part"))])
    note = StringField(_l("Note (optional)"), validators=[Length(max=500)])


class ConflictForm(FlaskForm):
    user_id = SelectField(_l("Peer"), coerce=int, validate_choice=False)
    reason = TextAreaField(_l("What is the conflict of interest?"),
                           validators=[DataRequired(message=_l("Say what the conflict is.")),
                                       Length(max=1000)],
                           description=_l("For example: a former employee of the city, or a partner "
                                       "in a project under review. Only the secretariat sees it."))


class PoolFilterForm(FlaskForm):
    class Meta:
        csrf = False

    theme = SelectField(_l("Theme"), coerce=int, validate_choice=False)
    level = SelectField(_l("Expertise"), choices=[("some", _l("Some or expert")),
                                                   ("expert", _l("Expert"))],
                        default="some")
    language = SelectField(_l("Speaks"), choices=[("", _l("Any language"))] + language_choices())
    country = SelectField(_l("Country"), validate_choice=False)
    trained = SelectField(_l("Training"), choices=[("", _l("Trained or not")), ("yes", _l("Trained")),
                                                   ("no", _l("Not trained"))])
    free_from = DateField(_l("Available from"), validators=[Optional()])
    free_to = DateField(_l("to"), validators=[Optional()])


class RunForm(FlaskForm):
    time_limit = IntegerField(_l("Time limit (seconds)"), default=10, validators=[NumberRange(1, 60)])


class ChangeForm(FlaskForm):
    out_id = SelectField(_l("Take off the team"), coerce=int, validate_choice=False)
    in_id = SelectField(_l("Put on the team"), coerce=int, validate_choice=False)
    acknowledge = BooleanField(_l("Save anyway, although it breaks the rules shown"))


class RolesForm(FlaskForm):
    lead_id = SelectField(_l("Team lead"), coerce=int, validate_choice=False)
    rapporteur_id = SelectField(_l("Rapporteur"), coerce=int, validate_choice=False)
