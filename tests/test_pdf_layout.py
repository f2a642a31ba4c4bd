"""A layout no input breaks: the hostile report (200-character words, long addresses,
3,000-character paragraphs, every European script, symbols) renders with every word inside the
page's text area, no text over other text, every character in the text layer with a glyph of a
shipped font, and the right running headers on every page of the draft."""

from __future__ import annotations

import re
from datetime import date

import pytest

from peerreview.reports import document, pdf
from tests import pdf_checks
from tests.mentoring_helpers import mw  # noqa: F401  (fixture)
from tests.pdf_hostile import ISSUED_ON, every_character, hostile_mentorship, hostile_report, keep
from tests.reports_helpers import rw  # noqa: F401  (fixture)

FONTS = pdf.STATIC_DIR / "fonts"


def _check_fonts_and_glyphs(data: bytes, tmp_path) -> None:
    fonts = pdf_checks.fonts(data, tmp_path)
    assert fonts and all(f["name"].split("+", 1)[-1].startswith("Report-") and f["emb"] == "yes"
                         for f in fonts), fonts
    assert pdf_checks.missing_glyphs(data, FONTS) == {}
    text = pdf_checks.text(data, tmp_path)
    assert every_character() - set(text) == set()


@pytest.fixture
def hostile(rw):  # noqa: F811
    hostile_report(rw)
    return rw


def test_the_hostile_feedback_report_stays_inside_the_page(hostile, tmp_path):
    html = document.render_html(hostile.review, mode="pdf", version=1, issued_on=ISSUED_ON)
    rendered = pdf.render_pdf(html)
    keep("hostile-issued.pdf", rendered.data)
    pages = pdf_checks.words(rendered.data, tmp_path)
    assert len(pages) == rendered.pages >= 10
    # @page margins: 24 mm top, 20 mm right, 22 mm bottom, 22 mm left; the cover has 22 mm
    # of padding on both sides; headers and footers sit in the top and bottom margins
    assert pdf_checks.outside(pages, left_mm=22, right_mm=20) == []
    assert pdf_checks.outside(pages[:1], left_mm=22, right_mm=22) == []
    assert pdf_checks.overlapping(pages) == []
    _check_fonts_and_glyphs(rendered.data, tmp_path)
    # the long word is broken over lines, not cut: all of it is there
    flat = re.sub(r"\s+", "", pdf_checks.text(rendered.data, tmp_path))
    assert pdf_checks.text and hostile.kfs[0].title in flat


def test_the_draft_has_the_right_running_header_on_every_page(hostile, tmp_path):
    html = document.render_html(hostile.review, mode="pdf")
    rendered = pdf.render_pdf(html)
    keep("hostile-draft.pdf", rendered.data)
    pages = pdf_checks.words(rendered.data, tmp_path)
    chapter = re.compile(r"^(?:\d+|[ABC]) (?:[A-Z].*)$")
    titles = ("Executive summary", "Ratings at a glance", "About the review", "The city’s context",
              "Findings and recommendations by key factor", "Answers to the city’s questions",
              "All recommendations", "Good practices to share", "Follow-up", "Annex: the review team",
              "Annex: the visit programme", "Annex: the benchmark")
    current = ""
    checked = 0
    for number, page in enumerate(pages, 1):
        top = 24 * pdf_checks.MM
        header = " ".join(w.text for w in page.words if w.y1 <= top and w.x0 > page.width / 2)
        # (the letters of the large "Draft" mark across the page are not part of the text)
        body_lines = _lines([w for w in page.words if top < w.y1 < page.height - 22 * pdf_checks.MM
                             and w.y1 - w.y0 < 40])
        starts = [ln for ln in body_lines if chapter.match(ln) and ln.split(" ", 1)[1] in titles]
        if number == 1:
            assert header == ""
            continue
        if number == 2:
            assert header == "Contents"
            continue
        expected = starts[0] if starts else current
        assert header == expected, (number, header, expected)
        current = starts[-1] if starts else current
        checked += 1
    assert checked >= 8


def _lines(words) -> list[str]:
    """Words grouped into lines by their vertical middle."""
    lines: list[list] = []
    for w in sorted(words, key=lambda w: (w.y0 + w.y1) / 2):
        middle = (w.y0 + w.y1) / 2
        if lines and abs(middle - lines[-1][0]) < 3:
            lines[-1][1].append(w)
        else:
            lines.append([middle, [w]])
    return [" ".join(w.text for w in sorted(ws, key=lambda w: w.x0)) for _, ws in lines]


def test_the_hostile_progress_report_stays_inside_the_page(mw, tmp_path, app):  # noqa: F811
    from peerreview.mentoring import pdf as mentoring_pdf

    hostile_mentorship(mw)
    with app.test_request_context():
        html = mentoring_pdf.render_html(mw.riga, today=date.today())
    rendered = pdf.render_pdf(html, css=mentoring_pdf.STYLESHEET.read_text(encoding="utf-8"))
    keep("hostile-progress.pdf", rendered.data)
    pages = pdf_checks.words(rendered.data, tmp_path)
    assert len(pages) >= 3
    # @page margins: 20 mm top and bottom, 18 mm left and right
    assert pdf_checks.outside(pages, left_mm=18, right_mm=18) == []
    assert pdf_checks.overlapping(pages) == []
    _check_fonts_and_glyphs(rendered.data, tmp_path)
    # every action's deadline and status stay in their columns on the page
    text = pdf_checks.text(rendered.data, tmp_path)
    assert text.count("Planned") + text.count("overdue") >= 6


def test_only_the_shipped_fonts_are_used_and_a_missing_glyph_is_caught(tmp_path):
    # the render's fontconfig names no font folder: system fonts never stand in
    conf = pdf.EMPTY_FONTCONFIG.read_text(encoding="utf-8")
    assert "<fontconfig>" in conf and "<dir" not in conf
    html = ('<html lang="en"><head><title>Fonts</title></head><body>'
            '<p>Ελληνικά Київ ქართული Հայերեն → ≥ ✓ ★</p><p>中文</p></body></html>')
    data = pdf.render_pdf(html).data
    assert all(f["name"].split("+", 1)[-1].startswith("Report-") for f in pdf_checks.fonts(data, tmp_path))
    # Chinese is not a European script: no shipped font has it, and the check says so
    missing = pdf_checks.missing_glyphs(data, FONTS)
    assert set().union(*missing.values()) == {"中", "文"}
