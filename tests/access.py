"""Shared pieces of the access matrix: the roles, the expected outcomes and how an answer is
judged.

A role is a kind of person relative to the world's objects (tests/access_world.py builds
them): a relation to the host city, a seat on every review team in every seat state and role,
a mentorship, the coordinator flag, or none at all. Each route of the matrix states the outcome
for every role.

Outcomes:

- ``OK``: the action happened. A page answers 2xx (or redirects elsewhere than the login page)
  without an error message; a POST also left its mark: an audit entry (every state change
  writes one) or, where a route says so, the effect it names.
- ``LOGIN``: sent to the login page.
- ``FORBIDDEN``: refused, either with a 403 page or with an error message on a redirect or a
  re-shown form. Either way the refusal is audited and nothing changed.
- ``NOT_FOUND`` / ``BAD`` / any other status code: that answer, with nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

OK = "ok"
LOGIN = "login"
FORBIDDEN = 403
NOT_FOUND = 404
BAD = 400
NO_EFFECT = "no effect"        # a POST that answered like a success but changed nothing

ROLES = (
    "anonymous",        # not logged in
    "deactivated",      # a host-city contact whose account the secretariat deactivated
    "other_city",       # the contact of another member city
    "former_member",    # once a member of the host city, now of another city
    "peer_off_team",    # a peer (with a profile) of another city, on no team
    "host_member",      # a member of the host city
    "host_contact",     # the host city's contact
    "coordinator",      # the network's secretariat
    "peer_on_team",     # an accepted "peer" seat on every review of the world
    "team_lead",        # an accepted "lead" seat on every review
    "rapporteur",       # an accepted "rapporteur" seat on every review
    "seat_proposed",    # proposed by the matcher on every review, never invited
    "seat_invited",     # invited to every review, no answer yet
    "seat_declined",    # declined every review's invitation
    "seat_removed",     # taken off every review's team after accepting
    "mentor",           # named mentor of the world's mentorship
    "mentee",           # named mentee (implementing city) of the world's mentorship
)

LOGGED_OUT = ("anonymous", "deactivated")
TEAM = ("peer_on_team", "team_lead", "rapporteur")
OUTSIDERS = ("former_member", "seat_proposed", "seat_invited", "seat_declined", "seat_removed")
"""Roles that, unless a route says otherwise, get what ``peer_off_team`` gets: a person of
another city whom the review does not concern (a proposal nobody was told of, a seat declined
or removed) or who no longer belongs to the host city. ``seat_invited`` sees the review page
(to decide) and nothing else; routes that show it say so."""

# Unless a route names them, these roles get the outcome of the role they follow.
FOLLOWS = {
    "team_lead": "peer_on_team",
    "rapporteur": "peer_on_team",
    **{role: "peer_off_team" for role in OUTSIDERS},
}


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
    # For a POST that writes no audit entry by design (logging in and out): a check, run on a
    # database session after the request, that the action happened.
    effect: Callable[[World, Any], bool] | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.endpoint, self.method)


def roles(default, **overrides) -> dict[str, Any]:
    """Outcome per role: ``default`` for everyone logged in, LOGIN for the logged-out roles,
    then ``overrides``; roles not named follow their role in FOLLOWS if that one is named."""
    out = {r: default for r in ROLES}
    for r in LOGGED_OUT:
        out[r] = LOGIN
    out.update(overrides)
    for role, leader in FOLLOWS.items():
        if role not in overrides and leader in overrides:
            out[role] = out[leader]
    return out


def allow(*names: str, default=FORBIDDEN, **overrides) -> dict[str, Any]:
    """OK for the roles named (``TEAM`` may be spread in), ``default`` for the others."""
    return roles(default, **{n: OK for n in names}, **overrides)


def everyone(outcome=OK) -> dict[str, Any]:
    return {r: outcome for r in ROLES}


def coordinator_only() -> dict[str, Any]:
    return roles(FORBIDDEN, coordinator=OK)


REFUSALS = ("access.denied", "access.refused", "auth.login_failed")


@dataclass
class Answer:
    """What a request did: its response, the messages it flashed, the audit entries it wrote."""

    status: int
    location: str
    flashes: list[tuple[str, str]]
    audit: list[str]
    effect: bool | None = None

    @property
    def changes(self) -> list[str]:
        return [a for a in self.audit if a not in REFUSALS]

    @property
    def refusal_audited(self) -> bool:
        return any(a in REFUSALS for a in self.audit)

    @property
    def error_messages(self) -> list[str]:
        return [m for category, m in self.flashes if category == "error"]

    def outcome(self, method: str) -> Any:
        if self.status in (301, 302, 303, 307, 308):
            # Flask-Login sends people to /login?next=...; other redirects are outcomes
            if "/login?next=" in self.location:
                return LOGIN
        elif self.status >= 400:
            return self.status
        if self.error_messages:
            return FORBIDDEN
        if method == "POST":
            happened = self.effect if self.effect is not None else bool(self.changes)
            if not happened:
                return NO_EFFECT
        return OK

    def describe(self) -> str:
        return (f"{self.status} {self.location} flashes={self.flashes!r:.300} "
                f"audit={self.audit!r:.300}")
