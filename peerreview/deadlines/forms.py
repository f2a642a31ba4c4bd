"""The preferences form: one choice (immediately, weekly digest, off) per kind of message."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import ValidationError

from peerreview.deadlines.registry import MODES
from peerreview.i18n import gettext as _


class ModeField(RadioField):
    def pre_validate(self, form):
        if self.data not in MODES:
            raise ValidationError(_("Choose how you want these messages: immediately, in a weekly "
                                    "digest, or off."))


def field_name(kind_key: str) -> str:
    return "kind_" + kind_key.replace(".", "__")


def preferences_form(kinds, modes: dict[str, str]) -> FlaskForm:
    """A form with a field per configurable kind, set to the person's current choice."""

    class PreferencesForm(FlaskForm):
        pass

    for kind in kinds:
        setattr(PreferencesForm, field_name(kind.key), ModeField(
            kind.label, choices=list(MODES.items()), default=modes.get(kind.key, "immediate"),
            description=kind.description))
    return PreferencesForm()
