"""Paths that used to end on an error page, walked in a browser to a page the person may use."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_accessible,
    login,
    no_horizontal_scroll,
    outbox_messages,
    snap,
)
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def invited(db_session, make_city, make_user, make_review, today):
    from peerreview.reviews.models import TeamMember

    peer = make_user("Eeva Laine", email="eeva@example.org", city=make_city("Helsinki", "FI"))
    coordinator = make_user("Clara Coordinator", email="clara@example.org", coordinator=True)
    review = make_review("team_forming", host=make_city("Milan", "IT"), visit_start=today + timedelta(days=50))
    seat = TeamMember(review=review, user=peer, role="peer", status="invited")
    db_session.add(seat)
    db_session.commit()
    return {"review_id": review.id, "coordinator": coordinator}


def test_a_peer_who_cannot_take_part_says_why_and_lands_on_their_tasks(phone_page, page, live_server, invited, app):
    login(phone_page, live_server, "eeva@example.org", TEST_PASSWORD)
    phone_page.goto(f"{live_server.url}/reviews/{invited['review_id']}")
    phone_page.locator("summary", has_text="I cannot take part").click()
    phone_page.get_by_label("Why?").fill("Our council meets that week.")
    no_horizontal_scroll(phone_page)
    assert_accessible(phone_page)
    snap(phone_page, "decline-reason")
    phone_page.get_by_role("button", name="Tell the secretariat I cannot take part").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("My tasks")
    expect(phone_page.locator(".flash-success")).to_contain_text("The secretariat now knows")
    snap(phone_page, "declined")
    mails = [m for m in outbox_messages(app) if m["To"] == "clara@example.org"]
    assert len(mails) == 1 and "Our council meets that week." in mails[0].get_content()

    login(page, live_server, "clara@example.org", TEST_PASSWORD)
    page.goto(f"{live_server.url}/reviews/{invited['review_id']}/team/manage")
    expect(page.locator("#offer-h")).to_have_text("Eeva Laine declined")
    expect(page.locator("#offer-h + p")).to_contain_text("Our council meets that week.")
