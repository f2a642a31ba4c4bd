"""Every route x every kind of user -> the expected outcome (tests/access.py says how an answer
is judged: "allowed" means the action happened; a refusal by message counts as a refusal).

A route missing from MATRIX fails test_every_route_is_in_the_matrix, so no route can be added
without deciding who may use it. The world (tests/access_world.py) is built once per module and
test process; every case runs in a transaction that is rolled back, so POSTs that change things
(erase a user...) cannot affect other cases.

Three more tables come from the same rows:

- every nested route, with its child replaced by the same kind of child of another review or
  mentorship (the world's decoys), must answer 404 to everyone who may use the route;
- every refusal is audited and leaves nothing else written;
- the workflow steps of reviews and reports, role by role (the "step" rows), which
  ``permissions.can_transition`` decides.
"""

from __future__ import annotations

import pytest

from peerreview import create_app
from tests.access import (
    BAD,
    FORBIDDEN,
    LOGGED_OUT,
    LOGIN,
    NO_EFFECT,
    NOT_FOUND,
    OK,
    ROLES,
    Route,
    coordinator_only,
    everyone,
    roles,
)
from tests.access_world import matrix_world, send  # noqa: F401  (fixture)


def _logged_in(w, s) -> bool:
    """After a login POST, the person whose password was sent logged in (the audit log has their
    login: theirs, not any login another test of the same process may have left)."""
    from sqlalchemy import select

    from peerreview.audit.models import AuditEntry

    return s.scalar(select(AuditEntry.id).where(
        AuditEntry.action == "auth.login", AuditEntry.actor_id == w.target.id,
        AuditEntry.object_id == w.target.id)) is not None


CORE: list[Route] = [
    # --- public pages
    Route("main.index", "GET", lambda w: "/", everyone()),
    Route("main.healthz", "GET", lambda w: "/healthz", everyone()),
    Route("auth.login", "GET", lambda w: "/login", everyone()),
    # a wrong password is refused (and audited as a failed login); someone logged in already
    # is sent on without logging in again
    Route("auth.login", "POST", lambda w: "/login", roles(NO_EFFECT, anonymous=FORBIDDEN,
                                                            deactivated=FORBIDDEN),
          data=lambda w: {"email": "nobody@example.org", "password": "wrong-password-123"}),
    Route("auth.login", "POST", lambda w: "/login", roles(NO_EFFECT, anonymous=OK, deactivated=OK),
          data=lambda w: {"email": w.target.email, "password": "correct-horse-battery-staple"},
          effect=_logged_in),
    Route("auth.logout", "POST", lambda w: "/logout", roles(OK, anonymous=NO_EFFECT,
                                                              deactivated=NO_EFFECT)),
    Route("auth.reset_request", "GET", lambda w: "/password/reset", everyone()),
    Route("auth.reset_request", "POST", lambda w: "/password/reset", everyone(),
          data=lambda w: {"email": w.target.email}),
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

# Feature modules add their routes (see tests/access_*.py).
from tests import access_routes  # noqa: E402

FEATURE_ROUTES = [("core", r) for r in CORE] + access_routes.collect()
MATRIX: list[Route] = [route for _, route in FEATURE_ROUTES]


def _case_id(route: Route, role: str) -> str:
    return f"{route.method} {route.endpoint} {route.url.__code__.co_firstlineno}-{role}"


_CASES = [pytest.param(route, role, id=_case_id(route, role),
                       marks=pytest.mark.xdist_group(f"matrix-{feature}"))
          for feature, route in FEATURE_ROUTES for role in ROLES]


def _check(answer, route: Route, role: str, expected, url: str) -> None:
    outcome = answer.outcome(route.method)
    assert outcome == expected, (
        f"{role} {route.method} {url}: expected {expected!r}, got {outcome!r}: {answer.describe()}")
    if outcome == OK:
        return
    # whatever was refused changed nothing, and a refusal to a logged-in person is audited
    assert not answer.changes or outcome == BAD and not route.method == "POST", (
        f"{role} {route.method} {url} was refused ({outcome!r}) but wrote {answer.changes}")
    if outcome == FORBIDDEN and role not in LOGGED_OUT and route.endpoint != "auth.login":
        assert answer.refusal_audited, f"{role} {route.method} {url}: refusal not audited"


@pytest.mark.parametrize("route, role", _CASES)
def test_access(_app, matrix_world, route, role):
    url = route.url(matrix_world)
    _check(send(_app, matrix_world, route, role), route, role, route.expect[role], url)


# --- a child under another parent's URL -------------------------------------------------------

PARENTS = ("review_id", "mentorship_id")


def _nested_rules() -> dict[str, str]:
    """endpoint -> the URL argument that names a child of the review or mentorship."""
    app = create_app({"ENVIRONMENT": "testing", "TESTING": True, "SECRET_KEY": "x" * 40,
                      "SQLALCHEMY_DATABASE_URI": "sqlite://", "INSTANCE_PATH": "/nonexistent"})
    out = {}
    for rule in app.url_map.iter_rules():
        args = set(rule.arguments)
        if not args & set(PARENTS):
            continue
        children = [a for a in sorted(args - set(PARENTS)) if a.endswith("_id") or a == "uuid"]
        if children:
            out[rule.endpoint] = children[0]
    return out


NESTED = _nested_rules()
_CROSS = [pytest.param(route, role, id=_case_id(route, role),
                       marks=pytest.mark.xdist_group(f"matrix-cross-{feature}"))
          for feature, route in FEATURE_ROUTES if route.endpoint in NESTED
          for role in ROLES]


def _cross_url(app, world, route: Route) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(route.url(world))
    adapter = app.url_map.bind("localhost")
    endpoint, args = adapter.match(parts.path, method=route.method)
    child = NESTED[endpoint]
    args[child] = world.decoy_children[child]
    return adapter.build(endpoint, args) + (f"?{parts.query}" if parts.query else "")


@pytest.mark.parametrize("route, role", _CROSS)
def test_a_child_of_another_parent_is_not_found(_app, matrix_world, route, role):
    url = _cross_url(_app, matrix_world, route)
    answer = send(_app, matrix_world, route, role, url=url)
    outcome = answer.outcome(route.method)
    expected = route.expect[role]
    if expected == OK:
        assert outcome == NOT_FOUND, f"{role} {route.method} {url}: {answer.describe()}"
    elif expected == LOGIN:
        assert outcome == LOGIN, f"{role} {route.method} {url}: {answer.describe()}"
    else:
        assert outcome in (FORBIDDEN, NOT_FOUND, expected), f"{role} {route.method} {url}: {answer.describe()}"
    assert not answer.changes, f"{role} {route.method} {url} wrote {answer.changes}"


def test_every_nested_route_has_a_decoy_child(matrix_world):
    missing = sorted({child for child in NESTED.values()} - set(matrix_world.decoy_children))
    assert not missing, f"no decoy child for {missing}: add one in tests/access_world.py"
    covered = {route.endpoint for route in MATRIX}
    assert set(NESTED) <= covered


# --- the matrix itself --------------------------------------------------------------------------

def test_every_route_is_in_the_matrix(_app):
    covered = {route.key for route in MATRIX}
    missing = []
    for rule in _app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (rule.endpoint, method) not in covered:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "routes missing from the access matrix:\n" + "\n".join(missing)


def test_every_role_is_stated_for_every_route():
    for route in MATRIX:
        assert set(route.expect) == set(ROLES), route.key


def test_the_matrix_expects_more_than_one_outcome():
    # guard against a matrix where everything is expected to be the same outcome
    outcomes = {route.expect[role] for route in MATRIX for role in ROLES}
    assert {OK, LOGIN, FORBIDDEN, NOT_FOUND} <= outcomes


def test_a_refusal_by_message_counts_as_a_refusal(_app, matrix_world):
    """The host's contact asks to decline its own request: the page redirects with an error
    message; that is a refusal, audited, and the review is still requested."""
    from peerreview.extensions import db
    from peerreview.reviews.models import Review

    route = Route("reviews.step", "POST",
                  lambda w: f"/reviews/{w.requested_review.id}/step/decline", roles(FORBIDDEN),
                  data=lambda w: {"reason": "We changed our minds."})
    answer = send(_app, matrix_world, route, "host_contact")
    assert answer.outcome("POST") == FORBIDDEN and answer.refusal_audited, answer.describe()
    with _app.app_context():
        assert db.session.get(Review, matrix_world.requested_review.id).state == "requested"


def test_denials_are_audited(_app, matrix_world):
    route = Route("audit.index", "GET", lambda w: "/audit/", coordinator_only())
    answer = send(_app, matrix_world, route, "other_city")
    assert answer.status == FORBIDDEN and answer.audit == ["access.denied"]


def test_other_city_edit_page_shows_no_data(_app, matrix_world):
    route = Route("cities.edit", "GET", lambda w: f"/cities/{w.host_city.id}/edit", roles(FORBIDDEN))
    answer = send(_app, matrix_world, route, "other_city")
    assert answer.status == FORBIDDEN
    assert "Confidential plans" not in answer.body.decode()
