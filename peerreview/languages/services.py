"""Choosing the language of the interface: on the account (logged in) or in the session."""

from __future__ import annotations

from peerreview.audit.services import record
from peerreview.domain import DomainError
from peerreview.i18n import LANGUAGES, valid
from peerreview.i18n import gettext as _


def check_language(code: str | None, *, allow_none: bool = False,
                   field: str = "language") -> str | None:
    if not code and allow_none:
        return None
    if not valid(code):
        raise DomainError(_("Choose one of the languages offered: %(languages)s.",
                            languages=", ".join(LANGUAGES.values())), field=field)
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


def set_report_language(review, code: str, *, actor) -> bool:
    """The language the review's feedback report is written in; until the report is issued.
    True if it changed; audited."""
    from peerreview.domain import NotAllowed
    from peerreview.permissions.reviews import REPORT_LANGUAGE_STATES

    if review.state not in REPORT_LANGUAGE_STATES:
        raise NotAllowed(_("The report has been issued in %(language)s; its language no longer "
                           "changes.", language=LANGUAGES.get(review.report_language, "?")))
    code = check_language(code, field="report_language")
    if review.report_language == code:
        return False
    record("review.report_language", review, actor=actor,
           changes={"report_language": [review.report_language, code]})
    review.report_language = code
    return True
