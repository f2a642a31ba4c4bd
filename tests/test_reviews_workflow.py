"""The review from request to visit week: the state machine, requests, acceptance, documents."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from peerreview.audit.models import AuditEntry
from peerreview.extensions import db
from peerreview.reviews.models import Review, ReviewDocument


@pytest.fixture
def people(make_city, make_user):
    host = make_city("Ghent", "BE")
    return {
        "host": host,
        "contact": make_user("Host Contact", city=host, city_role="contact"),
        "member": make_user("Host Member", city=host),
        "coordinator": make_user("Coordinator", coordinator=True),
        "outsider": make_user("Outsider", city=make_city("Genoa", "IT")),
    }


def _request(client, bench, **extra):
    data = {"theme_id": bench.theme_id, "question_1": "Do our courses reach women with young children?",
            "preferred_start": "2027-03-01", "preferred_end": "2027-03-31",
            "working_languages": ["en", "nl"], "background": "Ghent welcomes about 3,000 newcomers a year."}
    data.update(extra)
    return client.post("/reviews/new", data=data)


def test_host_requests_and_coordinator_accepts(client, login, people, make_benchmark, outbox):
    bench = make_benchmark("Introductory and language courses")
    login(people["contact"])
    res = _request(client, bench)
    assert res.status_code == 302
    review = db.session.scalars(select(Review)).one()
    assert review.state == "draft" and review.benchmark_id == bench.id
    assert review.host_questions == ["Do our courses reach women with young children?"]

    res = client.post(f"/reviews/{review.id}/step/submit", follow_redirects=True)
    assert "the review is now requested" in res.get_data(as_text=True)
    db.session.refresh(review)
    assert review.state == "requested"
    # the coordinator is told
    assert any(m["To"] == people["coordinator"].email for m in outbox())

    login(people["coordinator"])
    res = client.post(f"/reviews/{review.id}/accept", data={
        "visit_start": "2027-03-08", "visit_end": "2027-03-11", "team_min": 4, "team_max": 6})
    assert res.status_code == 302
    db.session.refresh(review)
    assert review.state == "accepted"
    assert review.report_due == date(2027, 4, 10)           # 30 days after the visit
    assert review.programme_due == date(2027, 2, 22)        # two weeks before
    assert review.self_assessment_due == date(2027, 2, 8)   # four weeks before
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert ["review.create", "review.submit", "review.schedule", "review.accept"] == \
           [a for a in actions if a.startswith("review.")]
    host_mail = [m for m in outbox() if m["To"] == people["contact"].email]
    assert host_mail and "Accepted" in host_mail[-1]["Subject"]


def test_review_freezes_the_benchmark_version(client, login, people, make_benchmark, make_city, make_user):
    """A new version published after a request does not change that review; later requests
    get the new version."""
    from peerreview.framework import services as framework

    bench = make_benchmark(key_factors=2)
    login(people["contact"])
    _request(client, bench)
    review = db.session.scalars(select(Review)).one()

    # the secretariat publishes version 2: a sharper standard and a third key factor
    draft = framework.new_draft(bench.theme, actor=people["coordinator"])
    framework.update_benchmark(draft, standard="Everyone is served fairly, and it is measured.",
                               source_note="", actor=people["coordinator"])
    framework.add_key_factor(draft, {"code": "KF3", "title": "Complaints are followed up",
                                     "description": "", "charter_roles": ["service_provider"]},
                             actor=people["coordinator"])
    for kf in draft.key_factors:
        while len(kf.guide_questions) < 2:
            framework.add_guide_question(kf, f"How is {kf.title.lower()} checked?",
                                         actor=people["coordinator"])
    framework.publish(draft, actor=people["coordinator"])
    db.session.commit()
    assert bench.theme.current_benchmark.version == 2

    db.session.refresh(review)
    assert review.benchmark_id == bench.id and review.benchmark.version == 1
    client.post(f"/reviews/{review.id}/step/submit")
    login(people["coordinator"])
    client.post(f"/reviews/{review.id}/accept", data={
        "visit_start": "2027-03-08", "visit_end": "2027-03-11", "team_min": 4, "team_max": 6})
    db.session.refresh(review)
    assert review.state == "accepted" and review.benchmark.version == 1
    # the host rates itself on version 1's two key factors, not on version 2's three
    login(people["member"])
    page = client.get(f"/reviews/{review.id}/self-assessment").get_data(as_text=True)
    assert "Key factor 1" in page and "Complaints are followed up" not in page

    # a request made now starts from version 2
    other = make_city("Bologna", "IT")
    login(make_user("Bologna Contact", city=other, city_role="contact"))
    _request(client, bench)
    newest = db.session.scalars(select(Review).where(Review.host_city_id == other.id)).one()
    assert newest.benchmark.version == 2 and len(newest.benchmark.key_factors) == 3


@pytest.mark.parametrize("field, value, message", [
    ("preferred_end", "2027-02-01", "The window ends before it starts."),
])
def test_bad_request_input_changes_nothing(client, login, people, make_benchmark, field, value, message):
    bench = make_benchmark()
    login(people["contact"])
    res = _request(client, bench, **{field: value})
    assert res.status_code == 200 and message in res.get_data(as_text=True)
    assert db.session.scalars(select(Review)).all() == []


def test_submit_without_window_says_what_is_missing(client, login, people, make_review):
    review = make_review("draft", host=people["host"])
    review.preferred_start = review.preferred_end = None
    db.session.commit()
    login(people["contact"])
    res = client.post(f"/reviews/{review.id}/step/submit", follow_redirects=True)
    assert "the preferred visit window is not given" in res.get_data(as_text=True)
    db.session.refresh(review)
    assert review.state == "draft"


def test_only_a_coordinator_accepts(client, login, people, make_review):
    review = make_review("requested", host=people["host"])
    login(people["contact"])
    assert client.post(f"/reviews/{review.id}/accept", data={
        "visit_start": "2027-03-08", "visit_end": "2027-03-11"}).status_code == 403
    db.session.refresh(review)
    assert review.state == "requested"


@pytest.mark.parametrize("data, message", [
    ({"visit_start": "2027-03-11", "visit_end": "2027-03-08"}, "The visit ends before it starts."),
    ({"visit_start": "2027-03-01", "visit_end": "2027-03-20"}, "A visit lasts at most 7 days."),
    ({"visit_start": "2027-03-08", "visit_end": "2027-03-11", "report_due": "2027-03-09"},
     "The report must be due after the visit."),
])
def test_bad_acceptance_dates(client, login, people, make_review, data, message):
    review = make_review("requested", host=people["host"])
    login(people["coordinator"])
    res = client.post(f"/reviews/{review.id}/accept", data={"team_min": 4, "team_max": 8, **data})
    assert res.status_code == 200 and message in res.get_data(as_text=True)
    db.session.refresh(review)
    assert review.state == "requested" and review.visit_start is None


def test_decline_needs_a_reason(client, login, people, make_review, outbox):
    review = make_review("requested", host=people["host"])
    login(people["coordinator"])
    res = client.post(f"/reviews/{review.id}/step/decline", data={"reason": ""}, follow_redirects=True)
    assert "Give a reason." in res.get_data(as_text=True)
    db.session.refresh(review)
    assert review.state == "requested"
    client.post(f"/reviews/{review.id}/step/decline", data={"reason": "No team available this spring."})
    db.session.refresh(review)
    assert review.state == "declined" and review.state_reason == "No team available this spring."
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "No team available this spring." in page


def test_team_must_be_complete_before_preparing(client, login, people, make_review, make_user, make_city):
    review = make_review("team_forming", host=people["host"], team_min=2)
    login(people["coordinator"])
    res = client.post(f"/reviews/{review.id}/step/prepare", follow_redirects=True)
    html = res.get_data(as_text=True)
    assert "only 0 of at least 2 peers have accepted" in html and "no team lead has accepted" in html
    from peerreview.reviews.models import TeamMember

    for role, country in (("lead", "DE"), ("rapporteur", "FR")):
        db.session.add(TeamMember(review=review, role=role, status="accepted",
                                  user=make_user(city=make_city(country=country))))
    db.session.commit()
    client.post(f"/reviews/{review.id}/step/prepare")
    db.session.refresh(review)
    assert review.state == "preparing"


def test_visit_needs_self_assessment_and_programme(client, login, people, make_review):
    review = make_review("preparing", host=people["host"])
    login(people["coordinator"])
    res = client.post(f"/reviews/{review.id}/step/start_visit", follow_redirects=True)
    html = res.get_data(as_text=True)
    assert "the self-assessment has not been submitted" in html
    assert "the visit programme has no sessions" in html
    db.session.refresh(review)
    assert review.state == "preparing"


def test_host_cannot_move_the_review_forward(client, login, people, make_review):
    review = make_review("accepted", host=people["host"])
    login(people["contact"])
    res = client.post(f"/reviews/{review.id}/step/form_team", follow_redirects=True)
    assert "Only a coordinator can do this" in res.get_data(as_text=True)
    db.session.refresh(review)
    assert review.state == "accepted"


def test_issue_is_not_a_manual_step(client, login, people, make_review):
    review = make_review("reporting", host=people["host"])
    login(people["coordinator"])
    assert client.post(f"/reviews/{review.id}/step/issue").status_code == 404


def test_cancel_from_any_state_before_issue(client, login, people, make_review):
    review = make_review("preparing", host=people["host"])
    login(people["coordinator"])
    client.post(f"/reviews/{review.id}/step/cancel", data={"reason": "The city council postponed the policy."})
    db.session.refresh(review)
    assert review.state == "cancelled"
    issued = make_review("issued", host=people["host"])
    res = client.post(f"/reviews/{issued.id}/step/cancel", data={"reason": "x"}, follow_redirects=True)
    assert "is not possible while the review is report issued" in res.get_data(as_text=True)


def test_host_contact_may_cancel_only_before_acceptance(client, login, people, make_review):
    accepted = make_review("accepted", host=people["host"])
    login(people["contact"])
    client.post(f"/reviews/{accepted.id}/step/cancel", data={"reason": "changed our mind"})
    db.session.refresh(accepted)
    assert accepted.state == "accepted"


def test_timeline_and_next_step_on_the_pages(client, login, people, make_review):
    review = make_review("requested", host=people["host"])
    login(people["coordinator"])
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert 'aria-current="step">Requested' in page and "Accept the request" in page
    dashboard = client.get("/reviews/").get_data(as_text=True)
    assert "Ghent" in dashboard and "Accept the request" in dashboard


def test_dashboard_shows_overdue_deadlines(client, login, people, make_review):
    review = make_review("preparing", host=people["host"], visit_start=date.today() + timedelta(days=10))
    login(people["coordinator"])
    html = client.get("/reviews/").get_data(as_text=True)
    assert "Overdue" in html and "Self-assessment was due" in html
    assert review.id


def test_the_overdue_panel_shows_the_ten_most_overdue_and_the_rest_on_request(client, login, people, make_review,
                                                                              make_city, make_benchmark):
    bench = make_benchmark()
    late = [make_review("preparing", host=make_city(f"Late {n:02d}", "FR", timezone="Europe/Paris"),
                        benchmark=bench, visit_start=date.today() + timedelta(days=10 + n)) for n in range(12)]
    for n, review in enumerate(late):
        review.self_assessment_due = date.today() - timedelta(days=20 - n)   # Late 00 the most overdue
    db.session.commit()
    login(people["coordinator"])
    panel = client.get("/reviews/").get_data(as_text=True).split('id="overdue-h"')[1].split("</section>")[0]
    assert panel.count("was due") == 10 and "Late 00" in panel and "Late 11" not in panel
    total = int(panel.split("Show all ")[1].split(" overdue deadlines")[0])
    assert total > 12 and "overdue=all" in panel      # a programme is late too on some
    everything = client.get("/reviews/?overdue=all").get_data(as_text=True)
    everything = everything.split('id="overdue-h"')[1].split("</section>")[0]
    assert everything.count("was due") == total and everything.count("Self-assessment was due") == 12
    assert "Show all" not in everything


def test_lists_show_only_what_the_user_may_see(client, login, people, make_review, make_city):
    mine = make_review("requested", host=people["host"])
    theirs = make_review("requested", host=make_city("Lyon", "FR", timezone="Europe/Paris"))
    login(people["member"])
    html = client.get("/reviews/").get_data(as_text=True)
    assert f"/reviews/{mine.id}" in html and f"/reviews/{theirs.id}" not in html
    login(people["outsider"])
    assert client.get(f"/reviews/{mine.id}").status_code == 403


def test_long_review_list_pages_and_filters_by_state(client, login, people, make_review, make_city,
                                                      make_benchmark):
    bench = make_benchmark()
    cities = [make_city(f"City {n:02d}", "FR", timezone="Europe/Paris") for n in range(12)]
    # 55 reviews: 50 requested, 5 preparing with an overdue self-assessment
    for n in range(50):
        make_review("requested", host=cities[n % 12], benchmark=bench)
    late = [make_review("preparing", host=cities[n], benchmark=bench,
                        visit_start=date.today() + timedelta(days=10 + n)) for n in range(5)]
    login(people["coordinator"])
    first = client.get("/reviews/").get_data(as_text=True)
    assert "Page 1 of 2 (55 reviews)" in first and first.count("<tr>") == 1 + 50
    assert "All <span class=\"count\">55</span>" in first and "Requested <span class=\"count\">50</span>" in first
    # the overdue panel names the late reviews, whatever page they are on
    assert first.count("Self-assessment was due") == 5
    second = client.get("/reviews/?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and second.count("<tr>") == 1 + 5
    # by state along the workflow: the 50 requests fill page 1, the reviews preparing come after
    table = second.split('id="all-h"')[1]
    assert all(f"/reviews/{r.id}\"" in table for r in late)
    preparing = client.get("/reviews/?state=preparing").get_data(as_text=True)
    assert preparing.count("<tr>") == 1 + 5 and "Page 1 of" not in preparing
    assert all(f"/reviews/{r.id}\"" in preparing for r in late)
    # nonsense in the query string shows the first page of everything, not an error
    for query in ("?page=-3", "?page=999", "?state=<script>", "?page=abc"):
        res = client.get("/reviews/" + query)
        assert res.status_code == 200 and "<script>" not in res.get_data(as_text=True).split("<main")[1]


def test_empty_dashboard_tells_the_host_what_to_do(client, login, people):
    login(people["contact"])
    html = client.get("/reviews/").get_data(as_text=True)
    assert "Your city has no peer review yet." in html


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_documents_upload_download_and_access(client, login, people, make_review, app):
    review = make_review("requested", host=people["host"])
    login(people["contact"])
    res = client.post(f"/reviews/{review.id}/documents", data={
        "title": "Integration plan 2025-2030", "file": (io.BytesIO(PDF), "plan.pdf")},
        content_type="multipart/form-data")
    assert res.status_code == 302
    doc = db.session.scalars(select(ReviewDocument)).one()
    download = client.get(f"/reviews/{review.id}/documents/{doc.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    login(people["outsider"])
    assert client.get(f"/reviews/{review.id}/documents/{doc.id}").status_code == 403


@pytest.mark.parametrize("name, data, message", [
    ("script.exe", b"MZ\x90\x00", "is not an accepted kind of file"),
    ("fake.pdf", b"<html>not a pdf</html>", "does not look like a .pdf file"),
])
def test_wrong_file_types_are_refused(client, login, people, make_review, name, data, message):
    review = make_review("requested", host=people["host"])
    login(people["contact"])
    res = client.post(f"/reviews/{review.id}/documents", data={
        "title": "Something", "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data", follow_redirects=True)
    assert message in res.get_data(as_text=True)
    assert db.session.scalars(select(ReviewDocument)).all() == []


def test_file_over_20_mb_is_refused(client, login, people, make_review):
    review = make_review("requested", host=people["host"])
    login(people["contact"])
    big = PDF + b"0" * (20 * 1024 * 1024)
    res = client.post(f"/reviews/{review.id}/documents", data={
        "title": "Huge", "file": (io.BytesIO(big), "huge.pdf")},
        content_type="multipart/form-data", follow_redirects=True)
    assert res.status_code in (200, 413)
    assert "20 MB" in res.get_data(as_text=True)
    assert db.session.scalars(select(ReviewDocument)).all() == []


def test_document_link_needs_a_scheme(client, login, people, make_review):
    review = make_review("requested", host=people["host"])
    login(people["contact"])
    res = client.post(f"/reviews/{review.id}/documents", data={
        "title": "Website", "url": "javascript:alert(1)"}, follow_redirects=True)
    assert "A link starts with https://" in res.get_data(as_text=True)
    assert db.session.scalars(select(ReviewDocument)).all() == []


@pytest.mark.parametrize("state, linked", [("visit", False), ("reporting", True)])
def test_the_review_page_links_the_team_to_the_report_only_when_it_may_open_it(
        client, login, people, make_review, make_city, make_user, state, linked):
    peer = make_user("Pia Peer", city=make_city("Porto", "PT", timezone="Europe/Lisbon"))
    review = make_review(state, host=people["host"], team=[(peer, "peer")])
    login(peer)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    report_url = f"/reviews/{review.id}/report"
    assert (f'href="{report_url}"' in page) is linked
    # and where the page links to the report, the report opens
    if linked:
        assert client.get(report_url).status_code == 200
