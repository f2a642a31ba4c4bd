"""The first browser tests: landing page, logging in, inviting someone, a city's profile.

Each page is also audited with axe-core and, on a 360 px phone, must not scroll sideways.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_accessible,
    flash_texts,
    link_in,
    login,
    no_horizontal_scroll,
    outbox_messages,
    snap,
)
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-long-enough-password-2026"


def main_nav(page):
    """The main menu; on a narrow screen it is behind the menu button, which this opens."""
    toggle = page.locator("[data-menu-toggle]")
    if toggle.count() and toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    return page.get_by_role("navigation", name="Main")


def test_landing_page_invites_to_log_in(page, phone_page, live_server):
    page.goto(live_server.url + "/")
    expect(page).to_have_title(re.compile("peerreview"))
    expect(page.get_by_role("heading", level=1)).to_have_text("peerreview")
    expect(page.locator("header .brand")).to_contain_text("peerreview")
    log_in = main_nav(page).get_by_role("link", name="Log in")
    expect(log_in).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name="Log in")).to_be_visible()
    assert_accessible(page)
    snap(page, "landing")

    log_in.click()
    expect(page).to_have_url(live_server.url + "/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(page.get_by_label("E-mail")).to_be_visible()
    expect(page.get_by_label("Password")).to_be_visible()
    assert_accessible(page)
    snap(page, "login")

    phone_page.goto(live_server.url + "/")
    expect(main_nav(phone_page).get_by_role("link", name="Log in")).to_be_visible()
    no_horizontal_scroll(phone_page)
    snap(phone_page, "landing-phone")


def test_coordinator_logs_in_and_sees_the_secretariat_pages(page, live_server, make_user):
    coordinator = make_user("Clara Coordinator", coordinator=True)
    login(page, live_server, coordinator.email, TEST_PASSWORD)

    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Clara Coordinator")
    nav = main_nav(page)
    expect(nav.get_by_role("link", name="People")).to_be_visible()
    expect(nav.get_by_role("link", name="Audit log")).to_be_visible()
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    expect(nav.get_by_role("link", name="Log in")).to_have_count(0)
    assert_accessible(page)
    snap(page, "home")

    nav.get_by_role("link", name="People").click()
    expect(page).to_have_url(live_server.url + "/people")
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    expect(page.get_by_role("cell", name=coordinator.email)).to_be_visible()
    expect(nav.get_by_role("link", name="People")).to_have_attribute("aria-current", "page")
    assert_accessible(page)
    snap(page, "people")

    nav.get_by_role("link", name="Cities").click()
    expect(page).to_have_url(live_server.url + "/cities/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Member cities")
    expect(page.get_by_text("No member cities yet.")).to_be_visible()
    assert_accessible(page)
    snap(page, "cities")

    nav.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    expect(page.get_by_role("cell", name="auth.login", exact=True)).to_be_visible()
    assert_accessible(page)
    snap(page, "audit-log")


def test_wrong_password_is_refused_on_the_login_page(page, live_server, make_user):
    person = make_user()
    login(page, live_server, person.email, "not-the-password-at-all", expect_success=False)

    expect(page).to_have_url(live_server.url + "/login")
    message = page.locator(".flash-error")
    expect(message).to_contain_text("The e-mail or password is not right")
    form = page.locator("main form")
    expect(form).to_be_visible()
    # The message is shown with the form, above it, where the eye goes first.
    assert message.bounding_box()["y"] < form.bounding_box()["y"]
    expect(page.get_by_label("E-mail")).to_have_value(person.email)
    expect(page.get_by_label("Password")).to_have_value("")
    expect(main_nav(page).get_by_role("link", name="Log in")).to_be_visible()
    assert_accessible(page)
    snap(page, "refused")

    # The right password still works afterwards.
    login(page, live_server, person.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {person.name}")


def test_coordinator_invites_someone_who_sets_a_password(page, new_page, live_server, app,
                                                         make_user, make_city):
    city = make_city("Ghent", country="BE")
    coordinator = make_user("Clara Coordinator", coordinator=True)
    login(page, live_server, coordinator.email, TEST_PASSWORD)

    main_nav(page).get_by_role("link", name="People").click()
    page.get_by_role("link", name="Invite someone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite someone")
    page.get_by_label("E-mail").fill("ines.invited@ghent.example")
    page.get_by_label("Name").fill("Ines Invited")
    page.get_by_label("City", exact=True).select_option(label=city.label)
    assert_accessible(page)
    snap(page, "invite-form")
    page.get_by_role("button", name="Send invitation").click()

    expect(page).to_have_url(live_server.url + "/people")
    expect(page.locator(".flash-success")).to_contain_text("Invitation sent to ines.invited@ghent.example")
    row = page.get_by_role("row").filter(has_text="Ines Invited")
    expect(row).to_contain_text("Ghent (BE)")
    expect(row).to_contain_text("invited")
    snap(page, "people-after-invite")

    messages = [m for m in outbox_messages(app) if m["To"] == "ines.invited@ghent.example"]
    assert len(messages) == 1, [m["To"] for m in outbox_messages(app)]
    link = link_in(messages[0], "/invitation/")
    assert link.startswith(live_server.url + "/invitation/")

    invited = new_page()  # another person, in a browser of their own
    invited.goto(link)
    expect(invited.get_by_role("heading", level=1)).to_have_text("Welcome, Ines Invited")
    expect(invited.get_by_role("main")).to_contain_text("as a member of Ghent")
    expect(invited.get_by_role("main")).to_contain_text("ines.invited@ghent.example")
    assert_accessible(invited)
    snap(invited, "invitation")

    invited.get_by_label("New password").fill(NEW_PASSWORD)
    invited.get_by_label("Repeat the password").fill(NEW_PASSWORD)
    invited.get_by_role("button", name="Set password and log in").click()

    expect(invited).to_have_url(live_server.url + "/")
    expect(invited.get_by_role("heading", level=1)).to_have_text("Welcome, Ines Invited")
    expect(invited.locator(".flash-success")).to_contain_text("Your password is set")
    expect(invited.get_by_role("main")).to_contain_text("Ghent (BE)")
    assert_accessible(invited)
    snap(invited, "welcome")

    # The link worked once; the new password works for the next login.
    main_nav(invited).get_by_role("button", name="Log out").click()
    expect(main_nav(invited).get_by_role("link", name="Log in")).to_be_visible()
    invited.goto(link)
    expect(invited.get_by_role("heading", level=1)).to_have_text("This link cannot be used")
    login(invited, live_server, "ines.invited@ghent.example", NEW_PASSWORD)
    expect(invited.get_by_role("heading", level=1)).to_have_text("Welcome, Ines Invited")


def test_city_contact_edits_the_city_profile(page, live_server, make_city, make_user):
    city = make_city("Ghent", country="BE")
    contact = make_user("Chris Contact", city=city, city_role="contact")
    description = "Ghent has 265,000 inhabitants; one in three has a migration background."

    login(page, live_server, contact.email, TEST_PASSWORD)
    main_nav(page).get_by_role("link", name="Cities").click()
    page.get_by_role("link", name="Ghent").click()
    expect(page).to_have_url(f"{live_server.url}/cities/{city.id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ghent")
    page.get_by_role("link", name="Edit profile").click()

    expect(page).to_have_url(f"{live_server.url}/cities/{city.id}/edit")
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit Ghent")
    # A contact edits the profile, not the city's name or country.
    expect(page.get_by_label("Name", exact=True)).to_have_count(0)
    assert_accessible(page)
    page.get_by_label("About the city").fill(description)
    snap(page, "edit-form")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(f"{live_server.url}/cities/{city.id}")
    expect(page.locator(".flash-success")).to_have_text("Saved.")
    expect(page.locator(".prose")).to_have_text(description)
    assert_accessible(page)
    snap(page, "city-page")

    page.reload()
    expect(page.locator(".prose")).to_have_text(description)


def test_pages_fit_a_360px_phone(phone_page, new_page, live_server, app, make_city, make_user):
    city = make_city("Ghent", country="BE")
    coordinator = make_user("Clara Coordinator", coordinator=True)
    contact = make_user("Chris Contact", city=city, city_role="contact")
    page = phone_page

    def check(name, on=None):
        on = on or page
        no_horizontal_scroll(on)
        assert_accessible(on)
        snap(on, name)

    page.goto(live_server.url + "/")
    check("landing")
    page.goto(live_server.url + "/login")
    check("login")
    login(page, live_server, coordinator.email, "not-the-password-at-all", expect_success=False)
    expect(page.locator(".flash-error")).to_contain_text("The e-mail or password is not right")
    check("login-refused")

    login(page, live_server, coordinator.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Clara Coordinator")
    expect(main_nav(page).get_by_role("link", name="People")).to_be_visible()
    expect(main_nav(page).get_by_role("link", name="Audit log")).to_be_visible()
    check("home")
    for path, name in [("/people", "people"), ("/cities/", "cities"),
                       (f"/cities/{city.id}", "city"), ("/people/invite", "invite-form")]:
        page.goto(live_server.url + path)
        check(name)

    page.get_by_label("E-mail").fill("ines.invited@ghent.example")
    page.get_by_label("Name").fill("Ines Invited")
    page.get_by_label("City", exact=True).select_option(label=city.label)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".flash-success")).to_contain_text("Invitation sent")
    check("people-after-invite")

    link = link_in(outbox_messages(app)[-1], "/invitation/")
    invited = new_page(phone=True)
    invited.goto(link)
    expect(invited.get_by_role("heading", level=1)).to_have_text("Welcome, Ines Invited")
    check("invitation", invited)
    invited.get_by_label("New password").fill(NEW_PASSWORD)
    invited.get_by_label("Repeat the password").fill(NEW_PASSWORD)
    invited.get_by_role("button", name="Set password and log in").click()
    expect(invited.get_by_role("heading", level=1)).to_have_text("Welcome, Ines Invited")
    check("welcome", invited)

    contact_page = new_page(phone=True)
    login(contact_page, live_server, contact.email, TEST_PASSWORD)
    contact_page.goto(f"{live_server.url}/cities/{city.id}/edit")
    expect(contact_page.get_by_role("heading", level=1)).to_have_text("Edit Ghent")
    check("city-edit", contact_page)
    assert not flash_texts(contact_page)


def test_audit_log_on_a_phone(phone_page, live_server, make_user):
    coordinator = make_user("Clara Coordinator", coordinator=True)
    login(phone_page, live_server, coordinator.email, TEST_PASSWORD)
    main_nav(phone_page).get_by_role("link", name="Audit log").click()
    expect(phone_page.get_by_role("cell", name="auth.login", exact=True)).to_be_visible()
    no_horizontal_scroll(phone_page)
    snap(phone_page, "audit-log")
    assert_accessible(phone_page)
