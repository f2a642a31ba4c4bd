"""Choosing the language of the interface: on the account (logged in) or in the session."""

from __future__ import annotations

from peerreview.audit.services import record
from peerreview.domain import DomainError
from peerreview.i18n import LANGUAGES, valid


def check_language(code: str | None, *, allow_none: bool = False) -> str | None:
    if not code and allow_none:
        return None
    if not valid(code):
        raise DomainError("Choose one of the languages offered: "
                          + ", ".join(LANGUAGES.values()) + ".", field="language")
    return code


def set_account_language(user, code: str | None, *, actor) -> bool:
    """Store a person's language on the account (None: follow the browser); True if it
    changed. The change is audited."""
    code = check_language(code, allow_none=True)
    if user.language == code:
        return False
    record("user.language", user, actor=actor, changes={"language": [user.language, code]})
    user.language = code
    return True
