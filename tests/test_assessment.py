"""The host's self-assessment: drafts, submission, read-only afterwards, who sees it, conflicts."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from peerreview.extensions import db
from peerreview.reviews.models import EvidenceFile, SelfAssessment

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def setup(make_city, make_user, make_review):
    host = make_city("Ghent", "BE")
    peer = make_user("Peer Paula", city=make_city("Vienna", "AT", timezone="Europe/Vienna"))
    review = make_review("preparing", host=host, team=[(peer, "lead")])
    return {
        "review": review,
        "kfs": review.benchmark.key_factors,
        "contact": make_user("Host Contact", city=host, city_role="contact"),
        "member": make_user("Host Member", city=host),
        "peer": peer,
        "coordinator": make_user(coordinator=True),
    }


def _fill(kfs, rating="2", text="Courses are offered in every district."):
    data = {}
    for kf in kfs:
        data[f"rating_{kf.id}"] = rating
        data[f"narrative_{kf.id}"] = text
        data[f"evidence_{kf.id}"] = "Annual report 2025, page 12."
    return data


def test_draft_save_submit_and_read_only(client, login, setup, outbox):
    review, kfs = setup["review"], setup["kfs"]
    login(setup["member"])
    assert client.get(f"/reviews/{review.id}/self-assessment").status_code == 200
    res = client.post(f"/reviews/{review.id}/self-assessment", data=_fill(kfs[:2]))
    assert res.status_code == 302
    sa = db.session.scalars(select(SelfAssessment)).one()
    assert sa.status == "draft"
    assert {e.rating for e in sa.entries} == {"2", None}

    # a member cannot submit; the contact can, once everything is filled in
    assert client.post(f"/reviews/{review.id}/self-assessment/submit").status_code == 403
    login(setup["contact"])
    res = client.post(f"/reviews/{review.id}/self-assessment/submit", data={"confirm_submit": "1"},
                      follow_redirects=True)
    assert "cannot be submitted yet" in res.get_data(as_text=True)
    assert f"{kfs[2].code} needs a rating and a narrative" in res.get_data(as_text=True)
    client.post(f"/reviews/{review.id}/self-assessment", data=_fill(kfs))
    client.post(f"/reviews/{review.id}/self-assessment/submit", data={"confirm_submit": "1"})
    db.session.refresh(sa)
    assert sa.status == "submitted" and sa.submitted_at is not None
    assert any(m["To"] == setup["peer"].email for m in outbox())

    # read-only now
    res = client.post(f"/reviews/{review.id}/self-assessment", data=_fill(kfs, "0", "Changed"))
    assert res.status_code == 403
    assert {e.narrative for e in sa.entries} == {"Courses are offered in every district."}
    assert "Save the draft" not in client.get(f"/reviews/{review.id}/self-assessment").get_data(as_text=True)


def test_team_sees_it_only_once_submitted(client, login, setup):
    review, kfs = setup["review"], setup["kfs"]
    login(setup["contact"])
    client.post(f"/reviews/{review.id}/self-assessment", data=_fill(kfs, text="Draft thoughts"))
    login(setup["peer"])
    assert client.get(f"/reviews/{review.id}/self-assessment").status_code == 403
    assert "Draft thoughts" not in client.get(f"/reviews/{review.id}").get_data(as_text=True)
    login(setup["contact"])
    client.post(f"/reviews/{review.id}/self-assessment/submit", data={"confirm_submit": "1"})
    login(setup["peer"])
    page = client.get(f"/reviews/{review.id}/self-assessment")
    assert page.status_code == 200 and "Draft thoughts" in page.get_data(as_text=True)


def test_rating_outside_the_scale_changes_nothing(client, login, setup):
    review, kfs = setup["review"], setup["kfs"]
    login(setup["contact"])
    data = _fill(kfs)
    data[f"rating_{kfs[0].id}"] = "7"
    res = client.post(f"/reviews/{review.id}/self-assessment", data=data)
    assert res.status_code == 400 and "is not a rating" in res.get_data(as_text=True)
    assert "Courses are offered" in res.get_data(as_text=True)  # what was typed is not lost
    for sa in db.session.scalars(select(SelfAssessment)):
        assert all(e.narrative == "" for e in sa.entries)


def test_not_enough_evidence_is_a_rating(client, login, setup):
    review, kfs = setup["review"], setup["kfs"]
    login(setup["contact"])
    client.post(f"/reviews/{review.id}/self-assessment", data=_fill(kfs, rating="ne"))
    client.post(f"/reviews/{review.id}/self-assessment/submit", data={"confirm_submit": "1"})
    sa = db.session.scalars(select(SelfAssessment)).one()
    assert sa.status == "submitted" and {e.rating for e in sa.entries} == {"ne"}
    assert "Not enough evidence" in client.get(f"/reviews/{review.id}/self-assessment").get_data(as_text=True)


def test_concurrent_edit_gets_a_conflict_with_both_texts(app, login, setup):
    review, kfs = setup["review"], setup["kfs"]
    first, second = app.test_client(), app.test_client()
    login(setup["contact"], first)
    login(setup["member"], second)
    kf = kfs[0]
    # both open the blank form; the contact saves first
    assert "Nothing has been saved yet" in first.get(f"/reviews/{review.id}/self-assessment").get_data(as_text=True)
    second.get(f"/reviews/{review.id}/self-assessment")
    assert db.session.scalars(select(SelfAssessment)).all() == []  # looking writes nothing
    a = first.post(f"/reviews/{review.id}/self-assessment", data={
        f"rating_{kf.id}": "1", f"narrative_{kf.id}": "Text from the contact", f"version_{kf.id}": ""})
    assert a.status_code == 302
    b = second.post(f"/reviews/{review.id}/self-assessment", data={
        f"rating_{kf.id}": "3", f"narrative_{kf.id}": "Text from the member", f"version_{kf.id}": "",
        f"narrative_{kfs[1].id}": "Untouched by the contact", f"version_{kfs[1].id}": ""})
    assert b.status_code == 409
    html = b.get_data(as_text=True)
    assert "Text from the contact" in html and "Text from the member" in html
    db.session.expire_all()
    entries = {e.key_factor_id: e for e in db.session.scalars(select(SelfAssessment)).one().entries}
    assert entries[kf.id].narrative == "Text from the contact" and entries[kf.id].rating == "1"
    assert entries[kfs[1].id].narrative == ""  # nothing of the refused save was kept

    # with the version it was loaded at, a later save of the same entry is refused too
    version = entries[kf.id].version
    ok = first.post(f"/reviews/{review.id}/self-assessment", data={
        f"rating_{kf.id}": "2", f"narrative_{kf.id}": "Second text", f"version_{kf.id}": version})
    assert ok.status_code == 302
    stale = second.post(f"/reviews/{review.id}/self-assessment", data={
        f"rating_{kf.id}": "0", f"narrative_{kf.id}": "Stale text", f"version_{kf.id}": version})
    assert stale.status_code == 409


def test_evidence_files(client, login, setup):
    review, kfs = setup["review"], setup["kfs"]
    login(setup["member"])
    client.get(f"/reviews/{review.id}/self-assessment")
    res = client.post(f"/reviews/{review.id}/self-assessment/{kfs[0].id}/files",
                      data={"file": (io.BytesIO(PDF), "survey.pdf")}, content_type="multipart/form-data")
    assert res.status_code == 302
    item = db.session.scalars(select(EvidenceFile)).one()
    assert client.get(f"/reviews/{review.id}/self-assessment/files/{item.id}").data == PDF
    bad = client.post(f"/reviews/{review.id}/self-assessment/{kfs[0].id}/files",
                      data={"file": (io.BytesIO(b"#!/bin/sh"), "run.sh")},
                      content_type="multipart/form-data", follow_redirects=True)
    assert "is not an accepted kind of file" in bad.get_data(as_text=True)
    assert len(db.session.scalars(select(EvidenceFile)).all()) == 1
    login(setup["peer"])
    assert client.get(f"/reviews/{review.id}/self-assessment/files/{item.id}").status_code == 403


def test_a_file_is_added_with_the_text_typed_around_it(client, login, setup):
    """Choosing a file and saving keeps the rating and the text typed for the key factor."""
    review, kfs = setup["review"], setup["kfs"]
    login(setup["member"])
    data = {**_fill(kfs[:1], rating="1", text="Only two districts offer courses."),
            f"file_{kfs[0].id}": (io.BytesIO(PDF), "survey.pdf")}
    res = client.post(f"/reviews/{review.id}/self-assessment", data=data,
                      content_type="multipart/form-data")
    assert res.status_code == 302 and res.headers["Location"].endswith(f"#kf-{kfs[0].id}")
    sa = db.session.scalars(select(SelfAssessment)).one()
    entry = next(e for e in sa.entries if e.key_factor_id == kfs[0].id)
    assert (entry.rating, entry.narrative) == ("1", "Only two districts offer courses.")
    assert [f.filename for f in entry.files] == ["survey.pdf"]
    page = client.get(f"/reviews/{review.id}/self-assessment").get_data(as_text=True)
    assert "Draft saved. File added to KF1." in page

    # removing the file saves what was typed meanwhile too
    data = {**_fill(kfs[:1], rating="2", text="Three districts now."), f"version_{kfs[0].id}": str(entry.version),
            "remove_file": str(entry.files[0].id)}
    client.post(f"/reviews/{review.id}/self-assessment", data=data)
    db.session.refresh(entry)
    assert (entry.rating, entry.narrative, entry.files) == ("2", "Three districts now.", [])


def test_a_refused_file_keeps_everything_typed(client, login, setup):
    review, kfs = setup["review"], setup["kfs"]
    login(setup["member"])
    data = {**_fill(kfs[:2], text="Typed before choosing a wrong file."),
            f"file_{kfs[1].id}": (io.BytesIO(b"#!/bin/sh"), "run.sh")}
    res = client.post(f"/reviews/{review.id}/self-assessment", data=data,
                      content_type="multipart/form-data")
    page = res.get_data(as_text=True)
    assert res.status_code == 400
    assert page.count("Typed before choosing a wrong file.") == 2  # both texts are back in the form
    assert 'class="error-summary"' in page and f'href="#file_{kfs[1].id}"' in page
    assert "is not an accepted kind of file" in page
    assert db.session.scalars(select(EvidenceFile)).all() == []
    for sa in db.session.scalars(select(SelfAssessment)):
        assert all(e.narrative == "" for e in sa.entries)


def test_submitting_asks_for_confirmation_and_keeps_the_draft(client, login, setup):
    review, kfs = setup["review"], setup["kfs"]
    login(setup["contact"])
    res = client.post(f"/reviews/{review.id}/self-assessment/submit", data=_fill(kfs),
                      follow_redirects=True)
    assert "to confirm" in res.get_data(as_text=True)
    sa = db.session.scalars(select(SelfAssessment)).one()
    assert sa.status == "draft"
    assert {e.narrative for e in sa.entries} == {"Courses are offered in every district."}
    page = client.get(f"/reviews/{review.id}/self-assessment").get_data(as_text=True)
    assert 'name="confirm_submit"' in page
    client.post(f"/reviews/{review.id}/self-assessment/submit",
                data={**_fill(kfs, text="Last words before submitting."), "confirm_submit": "1",
                      **{f"version_{e.key_factor_id}": str(e.version) for e in sa.entries}})
    db.session.refresh(sa)
    assert sa.status == "submitted"
    assert {e.narrative for e in sa.entries} == {"Last words before submitting."}
