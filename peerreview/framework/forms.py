from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from peerreview.forms_common import MultiCheckboxField
from peerreview.framework.constants import CHARTER_ROLE_CHOICES
from peerreview.framework.services import CODE_PATTERN, LIMITS, SLUG_PATTERN


class ThemeForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(message="Give the theme's name."),
                                           Length(max=LIMITS["name"])])
    slug = StringField("Short name", validators=[
        DataRequired(message="Give a short name."), Length(max=LIMITS["slug"]),
        Regexp(SLUG_PATTERN, message="Use lower-case letters, digits and single hyphens, for "
                                     "example \"anti-discrimination\".")],
        description="Used in addresses and in framework files; cannot be changed later.")
    description = TextAreaField("Description", validators=[Length(max=LIMITS["description"])],
                                description="What the theme covers, in two or three sentences.")


class ThemeEditForm(FlaskForm):
    name = ThemeForm.name
    description = ThemeForm.description


class BenchmarkForm(FlaskForm):
    standard = TextAreaField("Standard", validators=[Length(max=LIMITS["standard"])],
                             description="One sentence: what a city that meets the benchmark "
                                         "has achieved. Needed before publishing.")
    source_note = TextAreaField("Source note", validators=[Length(max=LIMITS["source_note"])],
                                description="Where the benchmark comes from and who agreed it.")


class KeyFactorForm(FlaskForm):
    code = StringField("Code", validators=[
        Optional(), Length(max=LIMITS["code"]),
        Regexp(CODE_PATTERN, message="Use letters, digits, dots, hyphens or underscores, for "
                                     "example KF3.")],
        description="For example KF3. Leave empty for the next free number.")
    title = StringField("Title", validators=[
        DataRequired(message="Give the key factor's title."), Length(max=LIMITS["title"])])
    description = TextAreaField("Description", validators=[Length(max=LIMITS["description"])])
    charter_roles = MultiCheckboxField("Charter roles", choices=CHARTER_ROLE_CHOICES,
                                       description="The roles in which a city acts on this "
                                                   "key factor. At least one before publishing.")


def _text_form(name: str, label: str, message: str) -> type[FlaskForm]:
    field = TextAreaField(label, validators=[DataRequired(message=message),
                                             Length(max=LIMITS["text"])])
    return type(name, (FlaskForm,), {"text": field})


GuideQuestionForm = _text_form("GuideQuestionForm", "Guide question", "Write the question.")
NewGuideQuestionForm = _text_form("NewGuideQuestionForm", "New guide question",
                                  "Write the question.")
ContextFactorForm = _text_form("ContextFactorForm", "Context factor",
                               "Write the context factor.")
NewContextFactorForm = _text_form("NewContextFactorForm", "New context factor",
                                  "Write the context factor.")


class NewDraftForm(FlaskForm):
    based_on = SelectField("Start from", coerce=int, validators=[Optional()])


class ImportForm(FlaskForm):
    file = FileField("Framework file", validators=[FileRequired(message="Choose a file.")],
                     description="A .json, .yaml or .yml file in the peerreview-framework "
                                 "format, for example one exported from here.")


class ExportForm(FlaskForm):
    class Meta:
        csrf = False

    format = SelectField("Format", choices=[("json", "JSON"), ("yaml", "YAML")],
                         default="json")
    published_only = BooleanField("Published versions only")
