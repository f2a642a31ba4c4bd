"""Every PDF the application makes is tagged for PDF/UA-1 (with PDF/A-2a for archiving): a
structure tree with headings that do not skip levels, tables with header cells, lists, the
document's language and title, XMP metadata, and alternative text for every figure."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select

from peerreview.extensions import db
from peerreview.reports import document, issuing, pdf
from peerreview.reports.models import ReportVersion
from tests import pdf_checks
from tests.mentoring_helpers import baseline, mw  # noqa: F401  (fixture)
from tests.reports_helpers import complete, rw  # noqa: F401  (fixture)


def assert_accessible(data: bytes, title: str) -> pdf_checks.Structure:
    s = pdf_checks.structure(data)
    assert s.has_tree and s.marked, "no structure tree, or MarkInfo /Marked is not true"
    assert s.lang == "en"
    assert s.title == title and s.xmp_title == title and s.display_doc_title
    assert s.pdfua_part == "1" and (s.pdfa_part, s.pdfa_conformance) == ("2", "A")
    assert s.figures and all(alt and len(alt) > 20 for alt in s.figures), s.figures
    assert s.headings[0] == 1 and s.headings.count(1) == 1, s.headings
    assert pdf_checks.heading_levels_skip(s.headings) == []
    tags = Counter(s.tags)
    for tag in ("Table", "TH", "TD", "L", "LI", "P", "Sect"):
        assert tags[tag], (tag, tags)
    return s


def test_the_issued_feedback_report_is_tagged(rw, tmp_path):  # noqa: F811
    complete(rw)
    issuing.issue(rw.review, rw.coordinator)
    db.session.commit()
    version = db.session.scalars(select(ReportVersion)).one()
    data = issuing.read_version(version)
    s = assert_accessible(data, "Ghent: Anti-discrimination – peer review feedback report, version 1")
    # the chart says what it shows, and its figures are a table too
    assert any("self-rating and the review team’s rating for each of the 3 key factors" in (a or "")
               for a in s.figures)
    text = pdf_checks.text(data, tmp_path)
    assert "The ratings of the chart" in text
    # the cover, chapters, key factors and their parts: 1, 2, 3, 4 in order
    assert set(s.headings) == {1, 2, 3, 4}


def test_the_draft_is_tagged_too(rw):  # noqa: F811
    complete(rw)
    html = document.render_html(rw.review, mode="pdf")
    data = pdf.render_pdf(html).data
    assert_accessible(data, "Ghent: Anti-discrimination – peer review feedback report (draft)")


def test_the_progress_report_is_tagged(mw, app):  # noqa: F811
    from peerreview.mentoring import pdf as mentoring_pdf

    baseline(mw)
    with app.test_request_context():
        html = mentoring_pdf.render_html(mw.riga, today=date.today())
    data = pdf.render_pdf(html, css=mentoring_pdf.STYLESHEET.read_text(encoding="utf-8")).data
    s = assert_accessible(data, "Progress report: Riga mentored by Vienna")
    # one figure per key factor's movement, plus the key to the symbols
    assert len(s.figures) == len(mw.kfs) + 1
