"""Access-matrix rows for choosing a language. Anyone may choose: a person who is logged in
keeps the choice on the account (an audited change); for someone logged out the choice lives
only in the browser's session cookie, so nothing in the database changes (tests/test_languages.py
checks that the pages then follow it)."""

from __future__ import annotations

from tests.access import BAD, FORBIDDEN, NO_EFFECT, NOT_FOUND, OK, Route, roles

ROUTES = [
    Route("languages.choose", "POST", lambda w: "/language",
          roles(OK, anonymous=NO_EFFECT, deactivated=NO_EFFECT),
          data=lambda w: {"language": "fr", "next": "/"}),
    # a language that is not offered is refused with a message and changes nothing
    Route("languages.choose", "POST", lambda w: "/language",
          roles(BAD, anonymous=BAD, deactivated=BAD),
          data=lambda w: {"language": "xx", "next": "/"}),
]

# The report's language: the host contact and the secretariat, until the report is issued.
ROUTES += [
    Route("languages.report_language", "POST",
          lambda w: f"/reviews/{w.preparing_review.id}/report-language",
          roles(FORBIDDEN, host_contact=OK, coordinator=OK),
          data=lambda w: {"report_language": "nl"}),
    Route("languages.report_language", "POST",
          lambda w: f"/reviews/{w.issued_review.id}/report-language",
          roles(FORBIDDEN), data=lambda w: {"report_language": "nl"}),
    Route("languages.report_language", "POST", lambda w: "/reviews/999999/report-language",
          roles(NOT_FOUND), data=lambda w: {"report_language": "nl"}),
]
