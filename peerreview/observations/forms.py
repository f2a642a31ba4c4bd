from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import Length

from peerreview.i18n import lazy_gettext as _l
from peerreview.observations.models import KINDS
from peerreview.reviews.models import ORGANISATION_TYPES


class ObservationForm(FlaskForm):
    uuid = HiddenField()
    base_version = HiddenField()
    session_id = SelectField(_l("Session"), coerce=str, validate_choice=False)
    key_factor_id = RadioField(_l("Key factor"), coerce=str, validate_choice=False)
    kind = RadioField(_l("Kind of note"), choices=list(KINDS.items()), validate_choice=False)
    text = TextAreaField(_l("Observation"), validators=[Length(max=10_000)],
                        description=_l("What you saw or heard. No names of people unless they agreed."))
    source_type = SelectField(_l("Who said it"), choices=[("", _l("Not from a person, or not stated"))]
                              + list(ORGANISATION_TYPES.items()), validate_choice=False)
    file = FileField(_l("Photo or document (optional)"))
