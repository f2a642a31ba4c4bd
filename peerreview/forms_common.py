"""Form pieces shared by several features."""

from __future__ import annotations

import pycountry
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

# The languages a European city network works in (ISO 639-1), for pickers.
EUROPEAN_LANGUAGES = [
    "bg", "ca", "cs", "da", "de", "el", "en", "es", "et", "eu", "fi", "fr", "ga", "gl", "hr",
    "hu", "is", "it", "lb", "lt", "lv", "mk", "mt", "nl", "no", "pl", "pt", "ro", "sk", "sl",
    "sq", "sr", "sv", "tr", "uk", "ar", "fa", "ru",
]


# Names as people say them, where ISO 639's reference name is not ("Modern Greek (1453-)").
LANGUAGE_NAMES = {"el": "Greek"}


def language_name(code: str) -> str:
    if code in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[code]
    lang = pycountry.languages.get(alpha_2=code)
    if lang is None:
        return code
    # drop qualifiers such as "(1453-)" and alternative names after ";"
    return lang.name.split(";")[0].split(" (")[0].strip()


def language_choices() -> list[tuple[str, str]]:
    return sorted(((c, language_name(c)) for c in EUROPEAN_LANGUAGES), key=lambda x: x[1])


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=(code or "").upper())
    return getattr(country, "common_name", None) or (country.name if country else code)


def country_choices() -> list[tuple[str, str]]:
    return sorted(((c.alpha_2, getattr(c, "common_name", c.name)) for c in pycountry.countries),
                  key=lambda x: x[1])


def is_country_code(code: str) -> bool:
    return bool(code) and len(code) == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
