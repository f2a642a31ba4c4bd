"""The compact header of narrow screens: one row, a menu button that opens the menu, with
JavaScript and without it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_accessible, login, no_horizontal_scroll, snap
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_the_menu_button_opens_the_menu(phone_page, live_server, make_user):
    user = make_user("Clara Coordinator", coordinator=True)
    page = phone_page
    login(page, live_server, user.email, TEST_PASSWORD)
    header = page.locator("header.site-header").bounding_box()
    assert header["height"] <= 64  # one row, where the menu took three or four
    menu = page.get_by_role("navigation", name="Main")
    button = page.get_by_role("button", name="Menu")
    expect(menu).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="Audit log")).to_be_visible()
    no_horizontal_scroll(page)
    assert_accessible(page)
    snap(page, "menu-open")
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    button.click()
    menu.get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")


def test_without_javascript_the_menu_button_is_a_link_to_the_menu(browser, live_server, make_user):
    user = make_user("Clara Coordinator", coordinator=True)
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    try:
        login(page, live_server, user.email, TEST_PASSWORD)
        menu = page.get_by_role("navigation", name="Main")
        expect(menu).to_be_hidden()
        page.get_by_role("link", name="Menu").click()
        expect(menu.get_by_role("link", name="My tasks")).to_be_visible()
        menu.get_by_role("link", name="My tasks").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("My tasks")
    finally:
        context.close()
