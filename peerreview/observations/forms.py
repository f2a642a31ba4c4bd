from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import Length

from peerreview.observations.models import KINDS
from peerreview.reviews.models import ORGANISATION_TYPES


class ObservationForm(FlaskForm):
    uuid = HiddenField()
    base_version = HiddenField()
    session_id = SelectField("Session", coerce=str, validate_choice=False)
    key_factor_id = RadioField("Key factor", coerce=str, validate_choice=False)
    kind = RadioField("Kind of note", choices=list(KINDS.items()), validate_choice=False)
    text = TextAreaField("Observation", validators=[Length(max=10_000)],
                        description="What you saw or heard. No names of people unless they agreed.")
    source_type = SelectField("Who said it", choices=[("", "Not from a person, or not stated")]
                              + list(ORGANISATION_TYPES.items()), validate_choice=False)
    file = FileField("Photo or document (optional)")
