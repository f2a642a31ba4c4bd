from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from peerreview.forms_common import MultiCheckboxField
from peerreview.framework.constants import CHARTER_ROLE_CHOICES
from peerreview.framework.services import CODE_PATTERN, LIMITS, SLUG_PATTERN
from peerreview.i18n import lazy_gettext as _l


class ThemeForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Give the theme's name.")),
                                           Length(max=LIMITS["name"])])
    slug = StringField(_l("Short name"), validators=[
        DataRequired(message=_l("Give a short name.")), Length(max=LIMITS["slug"]),
        Regexp(SLUG_PATTERN, message=_l("Use lower-case letters, digits and single hyphens, for "
                                     "example \"anti-discrimination\"."))],
        description=_l("Used in addresses and in framework files; cannot be changed later."))
    description = TextAreaField(_l("Description"), validators=[Length(max=LIMITS["description"])],
                                description=_l("What the theme covers, in two or three sentences."))


class ThemeEditForm(FlaskForm):
    name = ThemeForm.name
    description = ThemeForm.description


class BenchmarkForm(FlaskForm):
    standard = TextAreaField(_l("Standard"), validators=[Length(max=LIMITS["standard"])],
                             description=_l("One sentence: what a city that meets the benchmark "
                                         "has achieved. Needed before publishing."))
    source_note = TextAreaField(_l("Source note"), validators=[Length(max=LIMITS["source_note"])],
                                description=_l("Where the benchmark comes from and who agreed it."))


class KeyFactorForm(FlaskForm):
    code = StringField(_l("Code"), validators=[
        Optional(), Length(max=LIMITS["code"]),
        Regexp(CODE_PATTERN, message=_l("Use letters, digits, dots, hyphens or underscores, for "
                                     "example KF3."))],
        description=_l("For example KF3. Leave empty for the next free number."))
    title = StringField(_l("Title"), validators=[
        DataRequired(message=_l("Give the key factor's title.")), Length(max=LIMITS["title"])])
    description = TextAreaField(_l("Description"), validators=[Length(max=LIMITS["description"])])
    charter_roles = MultiCheckboxField(_l("Charter roles"), choices=CHARTER_ROLE_CHOICES,
                                       description=_l("The roles in which a city acts on this "
                                                   "key factor. At least one before publishing."))


def _text_form(name: str, label: str, message: str) -> type[FlaskForm]:
    field = TextAreaField(label, validators=[DataRequired(message=message),
                                             Length(max=LIMITS["text"])])
    return type(name, (FlaskForm,), {"text": field})


GuideQuestionForm = _text_form("GuideQuestionForm", _l("Guide question"), _l("Write the question."))
NewGuideQuestionForm = _text_form("NewGuideQuestionForm", _l("New guide question"),
                                  _l("Write the question."))
ContextFactorForm = _text_form("ContextFactorForm", _l("Context factor"),
                               _l("Write the context factor."))
NewContextFactorForm = _text_form("NewContextFactorForm", _l("New context factor"),
                                  _l("Write the context factor."))


class NewDraftForm(FlaskForm):
    based_on = SelectField(_l("Start from"), coerce=int, validators=[Optional()])


class ImportForm(FlaskForm):
    file = FileField(_l("Framework file"), validators=[FileRequired(message=_l("Choose a file."))],
                     description=_l("A .json, .yaml or .yml file in the peerreview-framework "
                                 "format, for example one exported from here."))


class ExportForm(FlaskForm):
    class Meta:
        csrf = False

    format = SelectField(_l("Format"), choices=[("json", "JSON"), ("yaml", "YAML")],
                         default="json")
    published_only = BooleanField(_l("Published versions only"))
