"""Fixed vocabularies of the benchmark framework, defined once for the whole application.

Charter roles
    The four roles in which a city signs the Integrating Cities Charter. Key factors store the
    *values* (``"policy_maker"`` ...) in a JSON list; labels are for display only.

Rating scale
    Every rating in the application (self-assessments, team ratings, progress reviews) uses
    this one scale. Ratings are stored as short strings: ``"0"`` to ``"3"`` for the four levels,
    and ``"ne"`` (:data:`NOT_ENOUGH_EVIDENCE`) when the evidence does not allow a rating.
    ``None`` means "not rated yet" and is never a value on the scale. Use
    :func:`parse_rating` on every input and :func:`rating_score` for arithmetic
    ("ne" has no score and is left out of averages).
"""

from __future__ import annotations

from enum import StrEnum

from peerreview.domain import DomainError
from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l


class CharterRole(StrEnum):
    POLICY_MAKER = "policy_maker"
    SERVICE_PROVIDER = "service_provider"
    EMPLOYER = "employer"
    BUYER = "buyer"

    @property
    def label(self) -> str:
        return str(_ROLE_LABELS[self])


_ROLE_LABELS = {
    CharterRole.POLICY_MAKER: _l("Policy-maker"),
    CharterRole.SERVICE_PROVIDER: _l("Service provider"),
    CharterRole.EMPLOYER: _l("Employer"),
    CharterRole.BUYER: _l("Buyer of goods and services"),
}

CHARTER_ROLE_VALUES: tuple[str, ...] = tuple(r.value for r in CharterRole)
CHARTER_ROLE_CHOICES: list[tuple[str, str]] = [(r.value, _ROLE_LABELS[r]) for r in CharterRole]


def charter_role_label(value: str) -> str:
    try:
        return CharterRole(value).label
    except ValueError:
        return value


def normalise_charter_roles(values) -> list[str]:
    """The roles in the canonical order, each once; DomainError for an unknown role."""
    given = list(values or [])
    unknown = [v for v in given if v not in CHARTER_ROLE_VALUES]
    if unknown:
        raise DomainError(_("Unknown Charter role %(role)s; use one of %(roles)s.",
                            role=repr(unknown[0]), roles=", ".join(CHARTER_ROLE_VALUES)),
                          field="charter_roles")
    return [v for v in CHARTER_ROLE_VALUES if v in given]


# --- the rating scale ----------------------------------------------------------------------

NOT_ENOUGH_EVIDENCE = "ne"

RATING_CHOICES: list[tuple[str, str]] = [
    ("0", _l("Not in place")),
    ("1", _l("Partly in place")),
    ("2", _l("Largely in place")),
    ("3", _l("Fully in place")),
    (NOT_ENOUGH_EVIDENCE, _l("Not enough evidence")),
]
RATING_VALUES: tuple[str, ...] = tuple(v for v, _label in RATING_CHOICES)
_RATING_LABELS = dict(RATING_CHOICES)
NOT_RATED_LABEL = _l("Not rated yet")


def parse_rating(value) -> str:
    """The canonical stored form of a rating: "0".."3" or "ne".

    Accepts the ints 0-3, their strings (surrounding blanks ignored) and "ne" in any case.
    Anything else, including None, True/False and 1.5, raises DomainError.
    """
    if isinstance(value, bool):
        raise DomainError(_not_a_rating(value), field="rating")
    if isinstance(value, int) and 0 <= value <= 3:
        return str(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in RATING_VALUES:
            return text
    raise DomainError(_not_a_rating(value), field="rating")


def rating_label(value) -> str:
    """"Largely in place" for 2 or "2"; "Not rated yet" for None; DomainError if off the scale."""
    if value is None or value == "":
        return str(NOT_RATED_LABEL)
    return str(_RATING_LABELS[parse_rating(value)])


_SCORES = {"0": 0, "1": 1, "2": 2, "3": 3, NOT_ENOUGH_EVIDENCE: None, "": None, None: None}


def rating_score(value) -> int | None:
    """0-3 for a level, None for "not enough evidence" and for "not rated yet"."""
    if isinstance(value, str | None) and value in _SCORES:     # the stored forms: charts call this per cell
        return _SCORES[value]
    rating = parse_rating(value)
    return None if rating == NOT_ENOUGH_EVIDENCE else int(rating)


def _not_a_rating(value) -> str:
    scale = ", ".join(f"{v} ({label})" for v, label in RATING_CHOICES)
    return _("%(value)s is not a rating. Use %(scale)s.", value=repr(value), scale=scale)


BENCHMARK_STATUSES = ("draft", "published")
