"""Logging out everywhere, in two real browsers: the laptop and the phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, login, no_horizontal_scroll, snap
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_log_out_everywhere_from_the_phone(page, phone_page, live_server, make_user):
    user = make_user("Lena Laptop", email="lena@example.org")
    login(page, live_server, user.email, TEST_PASSWORD)
    login(phone_page, live_server, user.email, TEST_PASSWORD)

    phone_page.goto(f"{live_server.url}/account")
    main = phone_page.get_by_role("main")
    expect(main).to_contain_text("You are logged in on 2 browsers or devices")
    no_horizontal_scroll(phone_page)
    assert_accessible(phone_page)
    snap(phone_page, "account")
    phone_page.once("dialog", lambda dialog: dialog.accept())
    phone_page.get_by_role("button", name="Log out everywhere").click()
    expect(phone_page).to_have_url(f"{live_server.url}/login")
    expect(phone_page.locator(".flash-info")).to_contain_text("You are logged out on every browser")

    page.goto(f"{live_server.url}/account")   # the laptop's cookie no longer works
    expect(page).to_have_url(f"{live_server.url}/login?next=/account")
