"""The matching problem as plain data, independent of the database.

``services.build_problem`` fills these from the database; tests and the benchmark build them
directly. Everything is sorted by id so that the same input always gives the same model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

LEVEL = {"none": 0, "some": 1, "expert": 2}


@dataclass(frozen=True)
class Busy:
    """A seat (invited or accepted) on a review outside the problem."""

    review_id: int
    title: str
    start: date
    end: date


@dataclass(frozen=True)
class Candidate:
    user_id: int
    name: str
    city_id: int
    city: str
    country: str
    languages: frozenset[str]
    expertise: dict[int, int]               # theme id -> 0 none, 1 some, 2 expert
    trained: bool = False
    max_per_year: int = 2
    unavailable: tuple[tuple[date, date, str], ...] = ()
    busy: tuple[Busy, ...] = ()
    load: dict[int, int] = field(default_factory=dict)   # year -> seats outside the problem

    def level(self, theme_id: int) -> int:
        return self.expertise.get(theme_id, 0)

    def __hash__(self) -> int:
        return hash(self.user_id)


@dataclass(frozen=True)
class ReviewSpec:
    review_id: int
    title: str
    host_city_id: int
    theme_id: int
    theme: str
    start: date
    end: date
    team_min: int = 4
    team_max: int = 8
    min_countries: int = 3
    languages: tuple[str, ...] = ("en",)
    fixed: tuple[int, ...] = ()             # user ids already invited or accepted
    fixed_roles: dict[int, str] = field(default_factory=dict)
    conflicts: dict[int, str] = field(default_factory=dict)    # user id -> reason
    cannot: frozenset[int] = frozenset()
    wants: frozenset[int] = frozenset()
    declined: frozenset[int] = frozenset()

    @property
    def year(self) -> int:
        return self.start.year

    def __hash__(self) -> int:
        return hash(self.review_id)


@dataclass
class Problem:
    reviews: list[ReviewSpec]
    candidates: list[Candidate]
    # how many reviews each city hosted and how many seats it filled before: the fairness term
    hosted: dict[int, int] = field(default_factory=dict)
    sent: dict[int, int] = field(default_factory=dict)
    # the themes on which each city shares a key factor rated 3 (fully in place) with the
    # network: its peers bring a shared good practice to a review on that theme
    practices: dict[int, frozenset[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.reviews = sorted(self.reviews, key=lambda r: r.review_id)
        self.candidates = sorted(self.candidates, key=lambda c: c.user_id)
        self.by_id = {c.user_id: c for c in self.candidates}

    def review(self, review_id: int) -> ReviewSpec:
        return next(r for r in self.reviews if r.review_id == review_id)


def overlaps(a_start: date, a_end: date, b_start: date, b_end: date) -> bool:
    return a_start <= b_end and b_start <= a_end


def period(start: date, end: date) -> str:
    """'12–15 May 2026', '30 April – 3 May 2026'."""
    from peerreview.formatting import date_range

    return date_range(start, end)


def language(code: str) -> str:
    """A language's everyday name: 'Greek', not pycountry's 'Modern Greek (1453-)'."""
    from peerreview.forms_common import language_name

    name = language_name(code).split(" (")[0]
    return name.removeprefix("Modern ")
