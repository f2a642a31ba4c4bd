"""Random and hostile input to every form and API endpoint: never a 500, never stored script.

Each POST route of the access matrix is sent, as a user allowed to use it, variations of its
own valid data where every field is replaced by something hostile: very long strings, control
characters, HTML and script, SQL fragments, wrong types. Then the pages that show such text
are checked for the script tag arriving unescaped.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.access import OK, ROLES
from tests.access_world import login_as, matrix_client, matrix_world, send  # noqa: F401  (fixture)
from tests.test_access_matrix import MATRIX

SCRIPT = "<script>alert('pwned')</script>"
HOSTILE = st.one_of(
    st.just(SCRIPT),
    st.just("\"><img src=x onerror=alert(1)>"),
    st.just("'; DROP TABLE user_account; --"),
    st.just("x" * 100_000),
    st.just("\x00\x01\x02\x1b[31m\u202e\ufeff"),
    st.just("../../../../etc/passwd"),
    st.just("-1"), st.just("99999999999999999999"), st.just("2026-02-31"),
    st.text(max_size=300),
)

POST_ROUTES = [r for r in MATRIX if r.method == "POST"]


def _allowed_role(route):
    for role in ROLES:
        if role != "anonymous" and route.expect[role] == OK:
            return role
    return "coordinator"


def _mutations(base: dict):
    keys = [k for k, v in base.items() if not isinstance(v, tuple)] or ["text"]
    return st.fixed_dictionaries({k: HOSTILE for k in keys})


@pytest.mark.parametrize("route", POST_ROUTES, ids=[f"{r.endpoint}-{i}" for i, r in enumerate(POST_ROUTES)])
def test_forms_survive_hostile_input(_app, matrix_world, route):
    role = _allowed_role(route)
    base = route.data(matrix_world) if route.data else {}
    # the API takes JSON, except where it takes a file (a note's photo: multipart)
    is_api = route.endpoint.startswith("api.") and not any(isinstance(v, tuple) for v in base.values())

    @settings(max_examples=6, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(_mutations(base))
    def check(hostile):
        # uploads are rebuilt for every example: a sent file is closed afterwards
        fresh = route.data(matrix_world) if route.data else {}
        data = {**{k: v for k, v in fresh.items() if isinstance(v, tuple)}, **hostile}
        if is_api:
            answer = send(_app, matrix_world, route, role, data=json.dumps(data),
                          content_type="application/json")
        else:
            answer = send(_app, matrix_world, route, role, data=data)
        assert answer.status < 500, f"{route.endpoint} answered {answer.status} to {data!r:.300}"

    check()


@pytest.mark.parametrize("payload", [[1, 2], "just a string", {"observations": [{"uuid": 5}]},
                                     {"text": ["a"], "kind": {"x": 1}, "uuid": None}, None])
def test_api_survives_wrong_types(_app, matrix_world, payload):
    from sqlalchemy import func, select

    from peerreview.observations.models import Observation

    review = matrix_world.obs_review
    with matrix_client(_app, matrix_world) as (client, conn):
        login_as(client, matrix_world, "peer_on_team")
        before = conn.scalar(select(func.count()).select_from(Observation))
        single = client.post(f"/api/v1/reviews/{review.id}/observations", data=json.dumps(payload),
                             content_type="application/json")
        assert single.status_code == 400
        batch = client.post(f"/api/v1/reviews/{review.id}/observations/batch",
                            data=json.dumps(payload), content_type="application/json")
        assert batch.status_code in (200, 400)
        if batch.status_code == 200:  # a list arrived: each note got its own refusal
            assert all(r["status"] == 400 for r in batch.get_json()["results"])
        assert conn.scalar(select(func.count()).select_from(Observation)) == before


def test_stored_script_is_never_served_unescaped(_app, matrix_world):
    """Text typed by people comes back escaped on every page that shows it."""
    import uuid

    w = matrix_world
    with matrix_client(_app, w) as (client, _):
        login_as(client, w, "host_contact")
        client.post(f"/cities/{w.host_city.id}/edit", data={
            "timezone": "Europe/Brussels", "description": SCRIPT})
        client.post(f"/reviews/{w.draft_review.id}/edit", data={
            "question_1": SCRIPT, "background": SCRIPT, "working_languages": ["en"]})
        client.post("/account", data={"name": SCRIPT, "languages": ["en"]})
        login_as(client, w, "peer_on_team")
        client.post(f"/api/v1/reviews/{w.obs_review.id}/observations", json={
            "uuid": str(uuid.uuid4()), "text": SCRIPT, "kind": "gap"})
        pages = {
            "host_contact": [f"/cities/{w.host_city.id}", f"/reviews/{w.draft_review.id}", "/account"],
            "coordinator": ["/people", "/audit/", f"/reviews/{w.obs_review.id}/observations",
                            f"/reviews/{w.obs_review.id}/observations/consolidation"],
        }
        for role, urls in pages.items():
            login_as(client, w, role)
            for url in urls:
                html = client.get(url).get_data(as_text=True)
                assert SCRIPT not in html, url
        # and it was stored, escaped on the way out
        login_as(client, w, "coordinator")
        assert "&lt;script&gt;" in client.get(f"/reviews/{w.obs_review.id}/observations").get_data(as_text=True)
