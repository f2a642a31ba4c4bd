"""Drafting the report: versions of every text, conflicts, findings, recommendations, comments."""

from __future__ import annotations

from sqlalchemy import select

from peerreview.audit.models import AuditEntry
from peerreview.extensions import db
from peerreview.reports.models import Finding, Recommendation, ReportRevision, ReportSection
from tests.reports_helpers import rw  # noqa: F401  (fixture)


def _section(key="executive_summary") -> ReportSection:
    return db.session.scalars(select(ReportSection).where(ReportSection.key == key)).one()


def test_team_page_helps_agree_ratings(client, login, rw):
    login(rw.peer)
    page = client.get(rw.base)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # the host's self-rating, the peers' suggestions and the notes per key factor
    assert "Peers suggest" in html and "Largely in place" in html and "Partly in place" in html
    assert "2 <span class=\"muted\">(1 strength, 1 gap)</span>" in html
    assert "Still missing before the report can be issued" in html
    # an invited (not accepted) peer has no access to the draft
    login(rw.invited)
    assert client.get(rw.base).status_code == 403


def test_saves_keep_every_version_and_write_audit_entries(client, login, rw):
    login(rw.peer)
    client.get(rw.base)  # creates the report and its parts
    section = _section()
    url = f"{rw.base}/sections/executive_summary"
    assert client.post(url, data={"body": "First draft of the summary.", "version": section.version}).status_code == 302
    db.session.refresh(section)
    login(rw.rapporteur)
    res = client.post(url, data={"body": "Second, better draft of the summary.", "version": section.version})
    assert res.status_code == 302
    db.session.refresh(section)
    assert section.body == "Second, better draft of the summary."
    revs = db.session.scalars(select(ReportRevision).where(ReportRevision.target_id == section.id,
                                                           ReportRevision.target_type == "section")
                              .order_by(ReportRevision.id)).all()
    assert [r.content["body"] for r in revs] == ["First draft of the summary.",
                                                  "Second, better draft of the summary."]
    assert [r.author_id for r in revs] == [rw.peer.id, rw.rapporteur.id]
    saves = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "report.section_save")).all()
    assert len(saves) == 2
    # an unchanged save writes nothing
    client.post(url, data={"body": "Second, better draft of the summary.", "version": section.version})
    assert db.session.scalar(select(ReportRevision.id).order_by(ReportRevision.id.desc()).limit(1)) == revs[-1].id
    # the comparison page marks what changed
    page = client.get(f"{rw.base}/history/section/{section.id}").get_data(as_text=True)
    assert "<del>First</del>" in page and "<ins>Second, better</ins>" in page


def test_a_stale_save_gets_a_conflict_page_with_both_texts(client, login, rw):
    login(rw.lead)
    client.get(rw.base)
    section = _section("host_context")
    started_from = section.version
    url = f"{rw.base}/sections/host_context"
    # the lead and the peer open the form at the same version; the lead saves first
    assert client.post(url, data={"body": "Ghent has 265,000 inhabitants.", "version": started_from}).status_code == 302
    login(rw.peer)
    res = client.post(url, data={"body": "Ghent is a port city.", "version": started_from})
    assert res.status_code == 409
    html = res.get_data(as_text=True)
    assert "Changed by someone else" in html
    assert "Ghent has 265,000 inhabitants." in html and "Ghent is a port city." in html
    assert "Lena Lead" in html
    db.session.refresh(section)
    assert section.body == "Ghent has 265,000 inhabitants."  # never a silent overwrite
    # the form now carries the current version: saving again is a deliberate choice
    assert f'name="version" type="hidden" value="{section.version}"' in html or \
        f'value="{section.version}"' in html
    assert client.post(url, data={"body": "Ghent is a port city.", "version": section.version}).status_code == 302
    db.session.refresh(section)
    assert section.body == "Ghent is a port city."


def test_finding_rating_by_lead_only_and_citations_from_its_key_factor(client, login, rw):
    kf1, kf2 = rw.kfs[0], rw.kfs[1]
    login(rw.peer)
    client.get(rw.base)
    finding = db.session.scalars(select(Finding).where(Finding.key_factor_id == kf1.id)).one()
    url = f"{rw.base}/findings/{kf1.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Intake letters go out in Dutch only." in page  # this key factor's notes to cite
    assert "Forty percent leave" not in page              # not another key factor's
    res = client.post(url, data={"rating": "2", "rationale": "x", "version": finding.version})
    assert res.status_code == 400
    assert "Only the team lead, the rapporteur or the coordinator" in res.get_data(as_text=True)
    other_note = next(n for n in rw.notes if n.key_factor_id == kf2.id)
    res = client.post(url, data={"rationale": "x", "observations": [other_note.id], "version": finding.version})
    assert res.status_code == 400
    assert "cite only this key factor" in res.get_data(as_text=True)

    login(rw.lead)
    cited = [n.id for n in rw.notes if n.key_factor_id == kf1.id]
    res = client.post(url, data={"rating": "1", "rationale": "Letters only in Dutch.",
                                 "strengths": "Written routes.", "improvements": "Reach people earlier.",
                                 "observations": cited, "version": finding.version})
    assert res.status_code == 302
    db.session.refresh(finding)
    assert finding.rating == "1" and sorted(o.id for o in finding.observations) == sorted(cited)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "report.finding_save")).one()
    assert entry.changes["rating"] == [None, "1"]
    # the preview cites the notes as evidence, without the author's name
    preview = client.get(f"{rw.base}/preview").get_data(as_text=True)
    evidence = preview.split('<ul class="evidence">', 1)[1].split("</ul>", 1)[0]
    assert "Intake letters go out in Dutch only." in evidence and "Pavel Peer" not in evidence


def test_a_recommendation_needs_an_action_and_a_key_factor(client, login, rw):
    login(rw.peer)
    url = f"{rw.base}/recommendations/new"
    base = {"priority": "high", "owner": "Civil Affairs", "timeframe_months": "6"}
    res = client.post(url, data={**base, "key_factor_id": str(rw.kfs[0].id), "action": "  "})
    assert res.status_code == 400
    html = res.get_data(as_text=True)
    assert 'id="action-error"' in html and "a recommendation needs an action" in html
    res = client.post(url, data={**base, "key_factor_id": "", "action": "Book intakes at registration."})
    assert res.status_code == 400
    html = res.get_data(as_text=True)
    assert 'id="key_factor_id-error"' in html and "Choose the key factor" in html
    assert "Book intakes at registration." in html  # what was typed is kept
    res = client.post(url, data={**base, "key_factor_id": str(rw.kfs[0].id), "action": "x",
                                 "timeframe_months": "5"})
    assert res.status_code == 400 and "3, 6, 12 or 24 months" in res.get_data(as_text=True)
    assert db.session.scalars(select(Recommendation)).all() == []

    res = client.post(url, data={**base, "key_factor_id": str(rw.kfs[0].id),
                                 "action": "Book intakes at registration."})
    assert res.status_code == 302
    rec = db.session.scalars(select(Recommendation)).one()
    assert (rec.priority, rec.owner, rec.timeframe_months) == ("high", "Civil Affairs", 6)
    # edit with a version, then a stale edit is a conflict
    edit = f"{rw.base}/recommendations/{rec.id}"
    first = rec.version
    assert client.post(edit, data={**base, "key_factor_id": str(rw.kfs[0].id), "version": first,
                                   "action": "Book every intake at registration."}).status_code == 302
    res = client.post(edit, data={**base, "key_factor_id": str(rw.kfs[0].id), "version": first,
                                  "action": "Send a letter in ten languages."})
    assert res.status_code == 409
    assert "Book every intake at registration." in res.get_data(as_text=True)
    # only the lead, the rapporteur or the coordinator removes one
    assert client.post(f"{edit}/delete").status_code == 403
    login(rw.rapporteur)
    assert client.post(f"{edit}/delete").status_code == 302
    assert db.session.scalars(select(Recommendation)).all() == []


def test_team_comments_never_reach_the_host(client, login, rw, outbox):
    login(rw.peer)
    client.get(rw.base)
    res = client.post(f"{rw.base}/comments", data={"place": "executive_summary",
                                                   "body": "Internal: the alderman was defensive."})
    assert res.status_code == 302
    assert "Internal: the alderman" in client.get(rw.base).get_data(as_text=True)
    login(rw.coordinator)
    client.post(f"{rw.base}/factual-check", data={"deadline": "2099-01-01"})
    res = client.post(f"{rw.base}/factual-check", data={"deadline": "2099-01-01"})
    # the deadline is validated (at most 60 days)
    from peerreview.reports.models import Report

    assert db.session.scalars(select(Report)).one().state == "drafting"
    from datetime import date, timedelta

    res = client.post(f"{rw.base}/factual-check",
                      data={"deadline": (date.today() + timedelta(days=10)).isoformat()})
    assert res.status_code == 302
    login(rw.contact)
    for path in ("", "/preview"):
        html = client.get(rw.base + path).get_data(as_text=True)
        assert "Internal: the alderman" not in html
    # the host cannot open the team's edit pages either
    assert client.get(f"{rw.base}/sections/executive_summary").status_code == 403
    assert client.get(f"{rw.base}/history/section/1").status_code == 403
