"""Form pieces for choosing a language."""

from __future__ import annotations

from peerreview.i18n import LANGUAGES
from peerreview.i18n import lazy_gettext as _l

__all__ = ["_l", "interface_language_choices", "report_language_choices"]


def interface_language_choices() -> list[tuple[str, str]]:
    """The account's choice: a language of the interface, or the browser's (the default)."""
    return [("", _l("The language of my browser"))] + list(LANGUAGES.items())


def report_language_choices() -> list[tuple[str, str]]:
    return list(LANGUAGES.items())
