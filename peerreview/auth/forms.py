from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from peerreview.forms_common import MultiCheckboxField, language_choices
from peerreview.languages.forms import _l, interface_language_choices


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Keep me logged in on this device")


class SetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), Length(max=200)],
                             description="At least 12 characters, and not your e-mail address.")
    confirm = PasswordField("Repeat the password", validators=[
        DataRequired(), EqualTo("password", message="The two passwords are not the same.")])


class ResetRequestForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])


class InviteForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    city_id = SelectField("City", coerce=int, validate_choice=False)
    city_role = SelectField("Role in the city", choices=[
        ("member", "Member (takes part in reviews and mentoring)"),
        ("contact", "City contact (speaks for the city, edits its profile, requests reviews)"),
    ])
    is_coordinator = BooleanField("Coordinator (network secretariat: sees and manages everything)")
    languages = MultiCheckboxField("Languages spoken", choices=language_choices())


class ProfileForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    languages = MultiCheckboxField("Languages spoken", choices=language_choices())
    language = SelectField(_l("Language of the pages and of your e-mails"),
                           choices=interface_language_choices, validate_choice=False)


class ConfirmForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change state."""
