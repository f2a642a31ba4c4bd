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
from peerreview.matching.models import EXPERTISE_LEVELS, MAX_REVIEWS_PER_YEAR


class ProfileForm(FlaskForm):
    """Expertise fields (expertise_<theme id>) are added per theme by ``profile_form``."""

    languages = MultiCheckboxField("Languages you can work in", choices=language_choices())
    max_reviews_per_year = IntegerField(
        "Most reviews a year", default=2,
        validators=[NumberRange(0, MAX_REVIEWS_PER_YEAR,
                                message=f"Choose between 0 and {MAX_REVIEWS_PER_YEAR}.")],
        description="Each review takes a visit week plus about a week of preparation and writing. "
                    "0 pauses you.")
    note = TextAreaField("Note for the secretariat", validators=[Length(max=2000)],
                         description="Anything the secretariat should know, such as access needs.")


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
    start = DateField("From", validators=[DataRequired(message="Give the first day.")])
    end = DateField("To (included)", validators=[DataRequired(message="Give the last day.")])
    note = StringField("Why (optional)", validators=[Length(max=200)])


class TrainingForm(FlaskForm):
    trained = BooleanField("Completed the peer training")
    trained_on = DateField("On", validators=[Optional()])


class BidForm(FlaskForm):
    kind = SelectField("Your answer", choices=[("join", "I would like to join"),
                                               ("cannot", "I cannot take part")])
    note = StringField("Note (optional)", validators=[Length(max=500)])


class ConflictForm(FlaskForm):
    user_id = SelectField("Peer", coerce=int, validate_choice=False)
    reason = TextAreaField("What is the conflict of interest?",
                           validators=[DataRequired(message="Say what the conflict is."),
                                       Length(max=1000)],
                           description="For example: a former employee of the city, or a partner "
                                       "in a project under review. Only the secretariat sees it.")


class PoolFilterForm(FlaskForm):
    class Meta:
        csrf = False

    theme = SelectField("Theme", coerce=int, validate_choice=False)
    level = SelectField("Expertise", choices=[("some", "Some or expert"), ("expert", "Expert")],
                        default="some")
    language = SelectField("Speaks", choices=[("", "Any language")] + language_choices())
    country = SelectField("Country", validate_choice=False)
    trained = SelectField("Training", choices=[("", "Trained or not"), ("yes", "Trained"),
                                               ("no", "Not trained")])
    free_from = DateField("Available from", validators=[Optional()])
    free_to = DateField("to", validators=[Optional()])


class RunForm(FlaskForm):
    time_limit = IntegerField("Time limit (seconds)", default=10, validators=[NumberRange(1, 60)])


class ChangeForm(FlaskForm):
    out_id = SelectField("Take off the team", coerce=int, validate_choice=False)
    in_id = SelectField("Put on the team", coerce=int, validate_choice=False)
    acknowledge = BooleanField("Save anyway, although it breaks the rules shown")


class RolesForm(FlaskForm):
    lead_id = SelectField("Team lead", coerce=int, validate_choice=False)
    rapporteur_id = SelectField("Rapporteur", coerce=int, validate_choice=False)
