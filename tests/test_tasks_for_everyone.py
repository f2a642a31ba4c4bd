"""My tasks, seen by every kind of person of the access matrix's world: a task appears only for
someone who can do it, and every task's link opens a page that person may use."""

from __future__ import annotations

import re

import pytest

from tests import access_routes
from tests.access import LOGGED_OUT, ROLES
from tests.access_world import login_as, matrix_client, matrix_world  # noqa: F401  (fixture)

access_routes.collect()  # the features' parts of the world (reviews in every state ...)

TASK_LINK = re.compile(r'<h2 class="task-title"><a href="([^"]+)">([^<]+)</a>')


def _tasks(client) -> list[tuple[str, str]]:
    page = client.get("/tasks")
    assert page.status_code == 200
    return TASK_LINK.findall(page.get_data(as_text=True))


@pytest.mark.parametrize("role", [r for r in ROLES if r not in LOGGED_OUT])
def test_every_task_link_opens_a_page_the_person_may_use(_app, matrix_world, role):
    with matrix_client(_app, matrix_world) as (client, _conn):
        login_as(client, matrix_world, role)
        tasks = _tasks(client)
        for link, title in tasks:
            res = client.get(link.replace("&amp;", "&"))
            assert res.status_code == 200, f"{role}: “{title}” links to {link}, which answers {res.status_code}"


def test_who_is_asked_what(_app, matrix_world):
    with matrix_client(_app, matrix_world) as (client, _conn):
        login_as(client, matrix_world, "coordinator")
        titles = [t for _, t in _tasks(client)]
        # the requests that wait for the secretariat, each linked to the acceptance page
        assert "Accept or decline the request for a peer review" in titles
        assert "Submit the self-assessment" not in " ".join(titles)

        login_as(client, matrix_world, "peer_on_team")
        titles = [t for _, t in _tasks(client)]
        assert not any("factual check" in t and t.startswith("Send") for t in titles)
        assert "Accept or decline the request for a peer review" not in titles

        login_as(client, matrix_world, "host_contact")
        assert "Complete and submit the self-assessment" in [t for _, t in _tasks(client)]

        login_as(client, matrix_world, "seat_invited")
        titles = [t for _, t in _tasks(client)]
        assert "Accept or decline the invitation to the review team" in titles

        for role in ("seat_declined", "seat_removed", "seat_proposed"):
            login_as(client, matrix_world, role)
            assert not any("invitation" in t for _, t in _tasks(client)), role
