from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from peerreview.forms_common import country_choices
from peerreview.i18n import lazy_gettext as _l


def timezone_choices() -> list[tuple[str, str]]:
    from zoneinfo import available_timezones

    zones = sorted(z for z in available_timezones()
                   if z.startswith(("Europe/", "Atlantic/Canary", "Atlantic/Madeira",
                                    "Atlantic/Reykjavik", "Asia/Nicosia", "Asia/Istanbul")))
    return [(z, z.replace("_", " ")) for z in zones]


class CityForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    country = SelectField(_l("Country"), choices=[("", _l("Choose a country"))] + country_choices(),
                          validators=[DataRequired(message=_l("Choose a country."))])
    charter_signed_on = DateField(_l("Signed the Integrating Cities Charter on"), validators=[Optional()],
                                  description=_l("Leave empty if the city has not signed it."))
    timezone = SelectField(_l("Time zone"), choices=timezone_choices(), default="Europe/Brussels",
                           description=_l("Used for the visit programme and calendar feeds."))
    description = TextAreaField(_l("About the city"), validators=[Length(max=5000)],
                                description=_l("Population, migration context, who is who in "
                                               "the administration. Visible to all members."))


class CityProfileForm(FlaskForm):
    """What a city contact may change about their own city."""

    charter_signed_on = CityForm.charter_signed_on
    timezone = CityForm.timezone
    description = CityForm.description
