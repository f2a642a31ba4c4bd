"""Shared pieces of the access matrix: the world of users and objects, and the outcome check.

Later features add roles (peers on and off a team, mentors, mentees) by extending ``World``
and ``ROLES``; each route in the matrix states the outcome for every role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

OK = "ok"          # 2xx, or a redirect that is not to the login page
LOGIN = "login"    # redirect to the login page
FORBIDDEN = 403
NOT_FOUND = 404
BAD = 400

ROLES = ("anonymous", "other_city", "host_member", "host_contact", "coordinator",
         "peer_on_team", "peer_off_team", "mentor", "mentee")
"""peer_on_team holds an accepted "peer" seat on every review of the world; peer_off_team is
a member of yet another city with no seat anywhere. mentor (a member of a mentor city) and
mentee (a member of an implementing city) are named in the world's mentorship
(tests/access_mentoring.py); neither city is the host city and neither has a review seat."""


@dataclass
class World:
    host_city: Any
    other_city_obj: Any
    users: dict[str, Any]
    objects: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class Route:
    endpoint: str
    method: str
    url: Callable[[World], str]
    expect: dict[str, Any]
    data: Callable[[World], dict] | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.endpoint, self.method)


def roles(default, **overrides) -> dict[str, Any]:
    """Outcome per role: ``default`` for everyone logged in, anonymous -> LOGIN, then overrides."""
    out = {r: default for r in ROLES}
    out["anonymous"] = LOGIN
    out.update(overrides)
    return out


def everyone(outcome=OK) -> dict[str, Any]:
    return {r: outcome for r in ROLES}


def coordinator_only() -> dict[str, Any]:
    return roles(FORBIDDEN, coordinator=OK)


def outcome_of(response) -> Any:
    if response.status_code in (301, 302, 303, 307, 308):
        location = response.headers.get("Location", "")
        # Flask-Login sends people to /login?next=...; other redirects to /login are outcomes
        return LOGIN if "/login?next=" in location else OK
    if response.status_code < 400:
        return OK
    return response.status_code
