from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from peerreview.forms_common import MultiCheckboxField, language_choices
from peerreview.i18n import lazy_gettext as _l
from peerreview.languages.forms import interface_language_choices


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me logged in on this device"))


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)],
                             description=_l("At least 12 characters, and not your e-mail address."))
    confirm = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords are not the same."))])


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    city_id = SelectField(_l("City"), coerce=int, validate_choice=False)
    city_role = SelectField(_l("Role in the city"), choices=[
        ("member", _l("Member (takes part in reviews and mentoring)")),
        ("contact", _l("City contact (speaks for the city, edits its profile, requests reviews)")),
    ])
    is_coordinator = BooleanField(_l("Coordinator (network secretariat: sees and manages everything)"))
    languages = MultiCheckboxField(_l("Languages spoken"), choices=language_choices())


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    languages = MultiCheckboxField(_l("Languages spoken"), choices=language_choices())
    language = SelectField(_l("Language of the pages and of your e-mails"),
                           choices=interface_language_choices, validate_choice=False)


class ConfirmForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change state."""
