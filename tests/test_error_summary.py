"""Every form with a mistake shows, at the top of the page, a summary that links to each wrong
field (the GOV.UK pattern), whatever the page: it comes from the layout, not from each view."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.reports_helpers import complete, rw  # noqa: F401  (fixture)


def _summary(html: str) -> list[tuple[str, str]]:
    box = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert box, "no error summary on the page"
    assert html.index('class="error-summary"') < html.index("<h1"), "the summary is not at the top"
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', box.group(0))


def test_an_invalid_date_on_the_follow_up_page_is_summarised_at_the_top(client, login, rw):  # noqa: F811
    from peerreview.extensions import db
    from peerreview.reports import issuing
    from peerreview.reports.models import Recommendation, Report, ReportVersion

    complete(rw)
    report = db.session.scalars(select(Report)).one()
    db.session.add(ReportVersion(report=report, number=1, sha256=issuing.write_once(b"%PDF-1.4\n%%EOF\n"),
                                 size=15, pages=1))
    report.state = rw.review.state = "issued"
    db.session.commit()
    rec = db.session.scalars(select(Recommendation).order_by(Recommendation.id)).first()
    login(rw.contact)
    client.post(f"{rw.base}/recommendations/{rec.id}/response", data={f"r{rec.id}-response": "accepted"})
    res = client.post(f"{rw.base}/recommendations/{rec.id}/progress",
                      data={f"p{rec.id}-progress": "in_progress", f"p{rec.id}-on_date": "31/02/2026"})
    html = res.get_data(as_text=True)
    assert res.status_code == 400
    links = _summary(html)
    assert [href for href, _ in links] == [f"p{rec.id}-on_date"]
    assert links[0][1].startswith("As of: ")
    assert f'id="p{rec.id}-on_date"' in html  # the link leads to the field


def test_a_plain_form_and_a_radio_choice_link_to_their_fields(client, login, make_user, make_city,
                                                             make_review):
    import uuid

    city = make_city("Ghent", "BE")
    login(make_user(coordinator=True))
    res = client.post(f"/cities/{city.id}/edit", data={"name": "", "country": "BE",
                                                        "timezone": "Europe/Brussels"})
    links = _summary(res.get_data(as_text=True))
    assert "name" in [href for href, _ in links]

    peer = make_user("Ana Peer", city=make_city("Lisbon", "PT"))
    review = make_review("visit", host=city, team=[(peer, "lead")])
    login(peer)
    res = client.post(f"/reviews/{review.id}/observations",
                      data={"uuid": str(uuid.uuid4()), "text": "Seen at the desk.", "kind": "rumour"})
    html = res.get_data(as_text=True)
    assert res.status_code == 400
    assert ("kind-0", "Kind of note: Choose what kind of note this is.") in _summary(html)
    assert 'id="kind-0"' in html  # the first choice of the radio group


def test_no_summary_without_a_mistake(client, login, make_user):
    login(make_user(coordinator=True))
    assert 'class="error-summary"' not in client.get("/cities/new").get_data(as_text=True)
