"""Every route x every kind of user -> the expected outcome.

A route missing from MATRIX fails test_every_route_is_in_the_matrix, so no route can be added
without deciding who may use it. The world is rebuilt for every case, so POSTs that change
things (erase a user...) cannot affect other cases.
"""

from __future__ import annotations

import pytest

from tests.access import (
    BAD,
    FORBIDDEN,
    LOGIN,
    OK,
    ROLES,
    Route,
    World,
    coordinator_only,
    everyone,
    outcome_of,
    roles,
)

MATRIX: list[Route] = [
    # --- public pages
    Route("main.index", "GET", lambda w: "/", everyone()),
    Route("main.healthz", "GET", lambda w: "/healthz", everyone()),
    Route("auth.login", "GET", lambda w: "/login", everyone()),
    Route("auth.login", "POST", lambda w: "/login", everyone(),
          data=lambda w: {"email": "nobody@example.org", "password": "wrong-password-123"}),
    Route("auth.logout", "POST", lambda w: "/logout", everyone()),
    Route("auth.reset_request", "GET", lambda w: "/password/reset", everyone()),
    Route("auth.reset_request", "POST", lambda w: "/password/reset", everyone(),
          data=lambda w: {"email": "nobody@example.org"}),
    Route("auth.accept_invitation", "GET", lambda w: f"/invitation/{w.invite_token}", everyone()),
    Route("auth.accept_invitation", "POST", lambda w: f"/invitation/{w.invite_token}", everyone(),
          data=lambda w: {"password": "a-long-enough-pass", "confirm": "a-long-enough-pass"}),
    Route("auth.reset_password", "GET", lambda w: f"/password/reset/{w.reset_token}", everyone()),
    Route("auth.reset_password", "POST", lambda w: f"/password/reset/{w.reset_token}", everyone(),
          data=lambda w: {"password": "a-long-enough-pass", "confirm": "a-long-enough-pass"}),
    Route("auth.reset_password", "GET", lambda w: "/password/reset/tampered-token", everyone(BAD)),
    # --- own account
    Route("auth.account", "GET", lambda w: "/account", roles(OK)),
    Route("auth.account", "POST", lambda w: "/account", roles(OK),
          data=lambda w: {"name": "Renamed Person", "languages": ["en"]}),
    Route("auth.my_data", "GET", lambda w: "/account/data.json", roles(OK)),
    Route("auth.logout_everywhere", "POST", lambda w: "/account/logout-everywhere", roles(OK)),
    # --- people (coordinators)
    Route("auth.people", "GET", lambda w: "/people", coordinator_only()),
    Route("auth.invite", "GET", lambda w: "/people/invite", coordinator_only()),
    Route("auth.invite", "POST", lambda w: "/people/invite", coordinator_only(),
          data=lambda w: {"email": "new.person@example.org", "name": "New Person",
                          "city_id": w.host_city.id, "city_role": "member"}),
    Route("auth.reinvite", "POST", lambda w: f"/people/{w.invited.id}/reinvite", coordinator_only()),
    Route("auth.deactivate", "POST", lambda w: f"/people/{w.target.id}/deactivate", coordinator_only()),
    Route("auth.reactivate", "POST", lambda w: f"/people/{w.inactive.id}/reactivate", coordinator_only()),
    Route("auth.erase", "POST", lambda w: f"/people/{w.target.id}/erase", coordinator_only()),
    # --- cities
    Route("cities.index", "GET", lambda w: "/cities/", roles(OK)),
    Route("cities.show", "GET", lambda w: f"/cities/{w.host_city.id}", roles(OK)),
    Route("cities.create", "GET", lambda w: "/cities/new", coordinator_only()),
    Route("cities.create", "POST", lambda w: "/cities/new", coordinator_only(),
          data=lambda w: {"name": "Newtown", "country": "FR", "timezone": "Europe/Paris"}),
    Route("cities.edit", "GET", lambda w: f"/cities/{w.host_city.id}/edit",
          roles(FORBIDDEN, host_contact=OK, coordinator=OK)),
    Route("cities.edit", "POST", lambda w: f"/cities/{w.host_city.id}/edit",
          roles(FORBIDDEN, host_contact=OK, coordinator=OK),
          data=lambda w: {"name": w.host_city.name, "country": "BE",
                          "timezone": "Europe/Brussels", "description": "Edited"}),
    Route("cities.edit", "GET", lambda w: "/cities/999999/edit", roles(404)),
    # --- audit log
    Route("audit.index", "GET", lambda w: "/audit/", coordinator_only()),
]

# Feature modules append their routes here (see tests/access_*.py).
from tests import access_routes  # noqa: E402

MATRIX += access_routes.collect()

_CASES = [(route, role) for route in MATRIX for role in ROLES]


@pytest.fixture
def world(app, db_session, make_city, make_user):
    from peerreview.auth import services as accounts

    host = make_city("Ghent", "BE")
    other = make_city("Genoa", "IT", timezone="Europe/Rome")
    users = {
        "other_city": make_user("Other Contact", city=other, city_role="contact"),
        "host_member": make_user("Host Member", city=host),
        "host_contact": make_user("Host Contact", city=host, city_role="contact"),
        "coordinator": make_user("Coordinator", coordinator=True),
        "peer_on_team": make_user("Peer On Team", city=make_city("Vienna", "AT", timezone="Europe/Vienna")),
        "peer_off_team": make_user("Peer Off Team", city=make_city("Riga", "LV", timezone="Europe/Riga")),
        "mentor": make_user("Mentor Person", city=make_city("Utrecht", "NL", timezone="Europe/Amsterdam")),
        "mentee": make_user("Mentee Person", city=make_city("Tampere", "FI", timezone="Europe/Helsinki")),
    }
    invited = make_user("Invited Person", city=host, password=False)
    target = make_user("Target Person", city=host)
    inactive = make_user("Inactive Person", city=host, active=False)
    objects = {"invited": invited, "target": target, "inactive": inactive}
    objects["invite_token"] = accounts.issue_token(invited, "invite")
    objects["reset_token"] = accounts.issue_token(target, "reset")
    db_session.commit()
    w = World(host_city=host, other_city_obj=other, users=users, objects=objects)
    for extend in access_routes.WORLD_BUILDERS:
        extend(w, db_session)
    db_session.flush()
    from sqlalchemy import select

    from peerreview.reviews.models import Review, TeamMember

    for review in db_session.scalars(select(Review)):
        db_session.add(TeamMember(review=review, user=users["peer_on_team"], role="peer",
                                  status="accepted"))
    db_session.commit()
    return w


@pytest.mark.parametrize("route, role", _CASES,
                         ids=[f"{r.method} {r.endpoint} {r.url.__code__.co_firstlineno}-{role}"
                              for r, role in _CASES])
def test_access(app, client, login, world, route, role):
    if role != "anonymous":
        login(world.users[role])
    data = route.data(world) if route.data else None
    response = client.open(route.url(world), method=route.method, data=data)
    assert outcome_of(response) == route.expect[role], (
        f"{role} {route.method} {route.url(world)} -> {response.status_code} "
        f"{response.headers.get('Location', '')}")


def test_every_route_is_in_the_matrix(app):
    covered = {route.key for route in MATRIX}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (rule.endpoint, method) not in covered:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "routes missing from the access matrix:\n" + "\n".join(missing)


def test_every_role_is_stated_for_every_route():
    for route in MATRIX:
        assert set(route.expect) == set(ROLES), route.key


def test_denials_are_audited(app, client, login, world):
    from sqlalchemy import select

    from peerreview.audit.models import AuditEntry
    from peerreview.extensions import db

    login(world.users["other_city"])
    assert client.get("/audit/").status_code == FORBIDDEN
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "access.denied")).one()
    assert entry.actor_id == world.users["other_city"].id
    assert entry.changes["path"] == "/audit/"


def test_other_city_edit_page_shows_no_data(client, login, world):
    world.host_city.description = "Confidential plans of the host"
    from peerreview.extensions import db

    db.session.commit()
    login(world.users["other_city"])
    res = client.get(f"/cities/{world.host_city.id}/edit")
    assert res.status_code == FORBIDDEN
    assert "Confidential plans" not in res.get_data(as_text=True)


def test_login_redirect_is_not_a_constant():
    # guard against a matrix where everything is expected to be the same outcome
    outcomes = {route.expect[role] for route in MATRIX for role in ROLES}
    assert {OK, LOGIN, FORBIDDEN} <= outcomes
