"""The feedback report in the language the host chose: fixed texts, dates and the benchmark's
texts, and the PDF's document language.

``test_the_pdf_headings_are_in_the_report_language`` waits for the Dutch catalog: it checks
that each heading is the Dutch translation of the English one AND differs from English, so it
fails as long as the Dutch headings are not translated.
"""

from __future__ import annotations

import re

from flask_babel import force_locale, gettext
from sqlalchemy import select

from peerreview.audit.models import AuditEntry
from peerreview.extensions import db
from peerreview.formatting import full_day
from peerreview.reports import document, issuing
from peerreview.reports.models import ReportVersion
from tests import pdf_checks
from tests.reports_helpers import complete, rw  # noqa: F401  (fixture)

HEADINGS = ("Executive summary", "Ratings at a glance", "About the review",
            "Findings and recommendations by key factor", "All recommendations", "Follow-up")


def _flat(text: str) -> str:
    return " ".join(text.split()).casefold()


def _dutch_pdf(rw, tmp_path) -> tuple[bytes, str]:  # noqa: F811
    complete(rw)
    rw.review.report_language = "nl"
    kf = rw.kfs[0]
    kf.set_translation("nl", "title", "Cursussen bereiken nieuwkomers in hun eerste maanden")
    db.session.commit()
    issuing.issue(rw.review, rw.coordinator)
    db.session.commit()
    data = issuing.read_version(db.session.scalars(select(ReportVersion)).one())
    return data, pdf_checks.text(data, tmp_path)


def test_the_pdf_is_written_in_the_report_language(app, rw, tmp_path):  # noqa: F811
    data, text = _dutch_pdf(rw, tmp_path)
    structure = pdf_checks.structure(data)
    assert structure.lang == "nl"                     # the PDF/UA document language
    version = db.session.scalars(select(ReportVersion)).one()
    assert _flat(full_day(version.issued_at.date(), "nl")) in _flat(text)   # "17 juni 2026"
    # the benchmark's text in Dutch where it is translated; the English original elsewhere
    assert "Cursussen bereiken nieuwkomers in hun eerste maanden" in " ".join(text.split())
    assert rw.kfs[1].title in " ".join(text.split())
    # the person who asked for it reads English: the report does not follow them
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        html = document.render_html(rw.review, mode="preview")
    assert re.search(r'<html lang="nl"', html)


def test_the_pdf_headings_are_in_the_report_language(app, rw, tmp_path):  # noqa: F811
    """Waits for the Dutch translations (peerreview/translations/nl)."""
    _, text = _dutch_pdf(rw, tmp_path)
    with app.test_request_context("/"), force_locale("nl"):
        dutch = {english: gettext(english) for english in HEADINGS}
    untranslated = [english for english, nl in dutch.items() if nl == english]
    assert not untranslated, f"no Dutch translation yet for the headings {untranslated}"
    for english, nl in dutch.items():
        assert _flat(nl) in _flat(text), f"{nl!r} (for {english!r}) is not in the Dutch PDF"
        assert _flat(english) not in _flat(text), f"{english!r} is still in the Dutch PDF"


def test_the_host_chooses_the_report_language_until_the_report_is_issued(rw, client, login):  # noqa: F811
    login(rw.contact)
    page = client.get(f"/reviews/{rw.review.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert 'name="report_language"' in page
    response = client.post(f"/reviews/{rw.review.id}/report-language",
                           data={"report_language": "el", "csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert rw.review.report_language == "el"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "review.report_language"))
    assert entry.changes == {"report_language": ["en", "el"]}
    # a language that is not offered: a message, nothing changes
    client.post(f"/reviews/{rw.review.id}/report-language",
                data={"report_language": "xx", "csrf_token": token})
    db.session.expire_all()
    assert rw.review.report_language == "el"
    # once issued, the language stays
    complete(rw)
    issuing.issue(rw.review, rw.coordinator)
    db.session.commit()
    page = client.get(f"/reviews/{rw.review.id}").get_data(as_text=True)
    assert 'name="report_language"' not in page
    client.post(f"/reviews/{rw.review.id}/report-language",
                data={"report_language": "fr", "csrf_token": token})
    db.session.expire_all()
    assert rw.review.report_language == "el"


def test_the_rotterdam_demo_report_is_in_dutch(runner, app, tmp_path):
    from peerreview.reviews.models import Review

    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    rotterdam = next(r for r in db.session.scalars(select(Review)) if r.host_city.name == "Rotterdam")
    assert rotterdam.report_language == "nl"
    version = rotterdam.report.versions[-1]
    data = issuing.read_version(version)
    assert pdf_checks.structure(data).lang == "nl"
    assert _flat(full_day(version.issued_at.date(), "nl")) in _flat(pdf_checks.text(data, tmp_path))
    others = [r for r in db.session.scalars(select(Review)) if r.host_city.name != "Rotterdam"]
    assert {r.report_language for r in others} == {"en"}
