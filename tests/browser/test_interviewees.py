"""The host's list of interviewees on a desktop, and an interviewee's answer page on a phone."""

from __future__ import annotations

import re
from datetime import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_accessible,
    expect_flash_with,
    login,
    no_horizontal_scroll,
    outbox_messages,
    snap,
)
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_the_host_lists_and_invites_and_the_interviewee_answers_on_a_phone(
        app, page, new_page, live_server, make_review, make_city, make_user, db_session):
    from peerreview.reviews.models import VisitSession

    ghent = make_city("Ghent", "BE")
    contact = make_user("Hanne Host", city=ghent, city_role="contact")
    review = make_review("preparing", host=ghent)
    db_session.add(VisitSession(review=review, day=review.visit_start, start_time=time(9), end_time=time(10),
                                title="Meeting the welcome office", venue="Town hall"))
    db_session.commit()

    login(page, live_server, contact.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/reviews/{review.id}")
    page.get_by_role("link", name="Interviewees and their consent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Interviewees")
    page.get_by_label("Name").fill("Amina Benali")
    page.get_by_label("Role").fill("Volunteer")
    page.get_by_label("Organisation", exact=True).fill("Residents' forum")
    page.get_by_label("Kind of organisation").select_option("residents")
    page.get_by_label("E-mail (optional)").fill("amina.benali@example.org")
    page.get_by_role("button", name="Add the person").click()
    expect_flash_with(page, "Amina Benali added")
    page.get_by_role("button", name="Send the invitation", exact=True).first.click()
    expect_flash_with(page, "Invitation sent to 1 person.")
    expect(page.locator("#session-" + str(review.sessions[0].id))).to_contain_text("invited, no answer yet")
    assert_accessible(page)
    snap(page, "host-list")

    mail = next(m for m in reversed(outbox_messages(app)) if m["To"] == "amina.benali@example.org")
    link = re.search(r"http://\S+(/answer/\S+)", mail.get_body(preferencelist=("plain",)).get_content()).group(1)

    phone = new_page(phone=True)   # the interviewee's own phone, never logged in
    phone.goto(live_server.url + link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your meeting with the review team")
    expect(phone.get_by_role("heading", name="How your words are used")).to_be_visible()
    no_horizontal_scroll(phone)
    assert_accessible(phone)
    phone.get_by_role("button", name="Save my answer").click()
    expect(phone.locator(".error").first).to_be_visible()   # nothing chosen: said next to the fields
    phone.get_by_label("Attending", exact=True).check()
    phone.get_by_label("May be quoted without name").check()
    phone.get_by_role("group", name="May photos of you be taken during the visit?").get_by_label("No").check()
    phone.get_by_role("button", name="Save my answer").click()
    expect_flash_with(phone, "Your answer is saved")
    no_horizontal_scroll(phone)
    snap(phone, "answer-phone")
    # the link opens that page and nothing else
    phone.goto(f"{live_server.url}/reviews/{review.id}")
    expect(phone).to_have_url(re.compile(r"/login"))

    page.reload()
    expect(page.locator("#session-" + str(review.sessions[0].id))).to_contain_text("May be quoted without name")
