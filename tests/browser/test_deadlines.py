"""My tasks and the e-mail notification choices in a real browser, on a desktop and a phone."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_accessible,
    expect_flash_with,
    login,
    no_horizontal_scroll,
    snap,
)
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_my_tasks_and_notification_choices(page, phone_page, live_server, make_review, make_city,
                                           make_user, db_session):
    from peerreview.reviews.models import TeamMember

    home = make_city("Helsinki", "FI", timezone="Europe/Helsinki")
    contact = make_user("Mikko Laine", city=home, city_role="contact")
    make_review("preparing", host=home, visit_start=date.today() + timedelta(days=26))  # SA 2 days late
    other = make_review("team_forming", host=make_city("Milan", "IT", timezone="Europe/Rome"),
                        visit_start=date.today() + timedelta(days=60))
    db_session.add(TeamMember(review=other, user=contact, role="expert", status="invited",
                              created_at=datetime.combine(date.today(), time(8))))
    db_session.commit()

    login(page, live_server, contact.email, TEST_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My tasks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My tasks")
    tasks = page.locator(".task")
    expect(tasks).to_have_count(3)   # self-assessment (late), invitation (7 days), programme (12 days)
    expect(tasks.nth(0)).to_contain_text("Overdue by 2 days")
    expect(tasks.nth(0)).to_contain_text("Complete and submit the self-assessment")
    expect(tasks.nth(1)).to_contain_text("Accept or decline the invitation")
    expect(tasks.nth(2)).to_contain_text("Draft the visit programme")
    assert_accessible(page)
    snap(page, "tasks")

    tasks.nth(0).get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/reviews/\d+/self-assessment$"))

    page.goto(live_server.url + "/account/notifications")
    page.get_by_role("group", name="Review updates").get_by_label("In a weekly digest").check()
    page.get_by_role("group", name="Self-assessment due").get_by_label("Off").check()
    page.get_by_role("button", name="Save your choices").click()
    expect_flash_with(page, "Your choices are saved.")
    expect(page.get_by_role("group", name="Review updates").get_by_label("In a weekly digest")).to_be_checked()
    assert_accessible(page)
    snap(page, "preferences")

    login(phone_page, live_server, contact.email, TEST_PASSWORD)
    for path in ("/tasks", "/account/notifications"):
        phone_page.goto(live_server.url + path)
        no_horizontal_scroll(phone_page)
        snap(phone_page, path.strip("/").replace("/", "-") + "-phone")
