"""Recommendation codes: given at first issue, never renumbered; cross-references in the texts
follow them, become links and are checked before issue."""

from __future__ import annotations

import re

from sqlalchemy import select

from peerreview.extensions import db
from peerreview.reports import issuing
from peerreview.reports import services as drafting
from peerreview.reports.models import Recommendation, Report, ReportRevision
from tests.reports_helpers import complete, pdf_text, rw  # noqa: F401  (rw is a fixture)


def _report():
    return db.session.scalars(select(Report)).one()


def _add(rw, kf, action, actor=None):
    rec = drafting.add_recommendation(_report(), drafting.RecommendationInput(
        key_factor_id=kf.id, action=action, priority="medium", owner="A department", timeframe_months=12),
        actor=actor or rw.rapporteur)
    db.session.commit()
    return rec


def test_codes_are_given_at_issue_and_a_correction_gets_the_next_free_code(client, login, rw, outbox, tmp_path):
    complete(rw)   # R1 on KF1 ("Book the intake ..."), R2 on KF2 ("Offer evening classes ...")
    late = _add(rw, rw.kfs[0], "Publish the waiting time every month.")
    report = _report()
    # before the first issue the codes are provisional, in the document's order, the same everywhere
    assert drafting.numbering(report) == {r.id: c for r, c in zip(drafting.recommendations_in_order(report),
                                                                    ("R1", "R2", "R3"), strict=True)}
    assert drafting.code_of(late) == "R2" and late.number is None
    login(rw.lead)
    page = client.get(rw.base).get_data(as_text=True)
    assert "The codes are provisional until the report is issued" in page
    assert re.search(r"<strong>R2</strong>.*?Publish the waiting time", page, re.S)

    issuing.issue(rw.review, rw.coordinator)
    db.session.commit()
    codes = {r.action: r.code for r in db.session.scalars(select(Recommendation))}
    assert codes == {"Book the intake at registration.": "R1", "Publish the waiting time every month.": "R2",
                     "Offer evening classes in three districts.": "R3"}
    mail = next(m for m in outbox() if m["To"] == rw.contact.email)
    assert "R2  Publish the waiting time every month." in mail.get_content()
    pdf = " ".join(pdf_text(issuing.read_version(_report().versions[0]), tmp_path).split())
    assert re.search(r"R2 MEDIUM PRIORITY Publish the waiting time", pdf)

    # a correction adds a recommendation under KF1: it becomes R4, nothing else moves
    login(rw.coordinator)
    res = client.post(f"{rw.base}/recommendations/new", data={
        "key_factor_id": str(rw.kfs[0].id), "action": "Name one contact person per district.",
        "priority": "low", "owner": "Civil Affairs", "timeframe_months": "6"})
    assert res.status_code == 302
    added = db.session.scalar(select(Recommendation).where(Recommendation.action.like("Name one%")))
    assert added.number is None and drafting.code_of(added) == "R4"
    issuing.issue(rw.review, rw.coordinator, note="Added R4.", reissue=True)
    db.session.commit()
    after = {r.action: (r.code, r.issued_on) for r in db.session.scalars(select(Recommendation))}
    assert after["Name one contact person per district."][0] == "R4"
    assert after["Publish the waiting time every month."][0] == "R2"
    versions = _report().versions
    assert after["Name one contact person per district."][1] == versions[1].issued_at.date()
    pdf = " ".join(pdf_text(issuing.read_version(versions[1]), tmp_path).split())
    # in the findings of KF1 the new one is listed after R1 and R2, with its own code
    assert re.search(r"R1 HIGH PRIORITY Book the intake.*R2 MEDIUM PRIORITY Publish.*R4 LOW PRIORITY Name one",
                     pdf)
    # the follow-up page and its CSV use the same codes
    follow = client.get(f"{rw.base}/follow-up").get_data(as_text=True)
    assert '<span class="rec-num">R4</span> Name one contact person' in follow
    csv = client.get(f"{rw.base}/follow-up.csv").get_data(as_text=True)
    assert [line.split(",")[0] for line in csv.lstrip("\ufeff").splitlines()[1:]] == ["R1", "R2", "R3", "R4"]


def test_an_unknown_reference_blocks_the_issue_and_says_where(client, login, rw):
    complete(rw)
    report = _report()
    drafting.save_section(report, "good_practices", "- Language houses (see R7).", base_version=None,
                          actor=rw.rapporteur)
    db.session.commit()
    login(rw.coordinator)
    res = client.post(f"{rw.base}/issue", follow_redirects=True)
    page = res.get_data(as_text=True)
    assert "good practices to share refers to R7, which is not a recommendation of this report" in page
    assert _report().versions == [] and rw.review.state == "reporting"


def test_references_become_links_and_follow_the_provisional_codes(client, login, rw):
    complete(rw)
    report = _report()
    drafting.save_section(report, "executive_summary", "Start with R2, then R1.", base_version=None,
                          actor=rw.rapporteur)
    db.session.commit()
    second = next(r for r in report.recommendations if r.key_factor_id == rw.kfs[1].id)
    login(rw.lead)
    preview = client.get(f"{rw.base}/preview").get_data(as_text=True)
    assert f'<a class="rec-ref" href="#rec-{second.id}">R2</a>' in preview
    assert f'id="rec-{second.id}"' in preview

    # a new recommendation under KF1 moves the provisional R2 to R3: the text follows
    _add(rw, rw.kfs[0], "A second step on KF1.")
    section = _report().section("executive_summary")
    assert section.body == "Start with R3, then R1."
    assert db.session.scalar(select(ReportRevision).where(
        ReportRevision.target_type == "section", ReportRevision.target_id == section.id,
        ReportRevision.version == section.version)).content == {"body": "Start with R3, then R1."}

    # a recommendation that another text names cannot be removed
    res = client.post(f"{rw.base}/recommendations/{second.id}/delete", follow_redirects=True)
    assert "R3 is named in executive summary" in res.get_data(as_text=True)
    assert db.session.get(Recommendation, second.id) is not None


def test_the_report_page_shows_the_codes_of_an_issued_report(client, login, rw):
    complete(rw)
    issuing.issue(rw.review, rw.coordinator)
    db.session.commit()
    login(rw.lead)
    page = client.get(rw.base).get_data(as_text=True)
    assert "provisional" not in page
    assert re.search(r"<strong>R1</strong>.*?Book the intake", page, re.S)
