"""The hard rules of a review team, written out plainly.

``check_team`` is the independent checker: it knows nothing about the solver and tests a team
against every rule, returning what is broken in words. The swap page and the tests use it.
``eligibility`` and ``precheck`` say, before any solving, which peers cannot sit on a team and
which rules no team could meet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from peerreview.matching.problem import Candidate, Problem, ReviewSpec, language, overlaps, period

RULES = {
    "size_min": "team size: at least the review's minimum",
    "size_max": "team size: at most the review's maximum",
    "host_city": "no peer from the host city",
    "one_per_city": "at most one peer per city",
    "unavailable": "available for the whole visit",
    "busy": "not on two overlapping visits",
    "yearly_load": "at most the peer's reviews per year",
    "conflict": "no declared conflict of interest",
    "cannot": "no peer who said they cannot",
    "declined": "no peer who declined this review",
    "countries": "at least the review's number of countries",
    "language": "a peer for each working language",
    "expert": "at least one expert in the theme",
    "lead_trained": "a trained lead when a trained peer is on the team",
}


@dataclass(frozen=True)
class Broken:
    rule: str
    message: str

    def __str__(self) -> str:
        return self.message


def names(cands: Iterable[Candidate]) -> str:
    items = [c.name for c in cands]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def check_team_detailed(review: ReviewSpec, members: list[Candidate], *,
                        roles: dict[int, str] | None = None,
                        other_teams: dict[ReviewSpec, list[Candidate]] | None = None) -> list[Broken]:
    """Every hard rule ``members`` break on ``review``.

    ``other_teams`` are the teams proposed for other reviews at the same time (a round): they
    count for overlapping visits and yearly load, like seats held outside the round do.
    """
    out: list[Broken] = []
    n = len(members)
    if n < review.team_min:
        out.append(Broken("size_min", f"the team has {n} peer{'s' * (n != 1)} but needs at least {review.team_min}"))
    if n > review.team_max:
        out.append(Broken("size_max", f"the team has {n} peers but takes at most {review.team_max}"))
    by_city: dict[int, list[Candidate]] = {}
    for c in members:
        by_city.setdefault(c.city_id, []).append(c)
    for group in by_city.values():
        if len(group) > 1:
            out.append(Broken("one_per_city", f"{names(group)} are all from {group[0].city} "
                                              "(at most one peer per city)"))
    others = other_teams or {}
    for c in members:
        if c.city_id == review.host_city_id:
            out.append(Broken("host_city", f"{c.name} is from the host city"))
        if c.user_id in review.declined:
            out.append(Broken("declined", f"{c.name} declined the invitation to this review"))
        if c.user_id in review.conflicts:
            out.append(Broken("conflict", f"{c.name}: the host city declared a conflict of interest "
                                          f"({review.conflicts[c.user_id]})"))
        if c.user_id in review.cannot:
            out.append(Broken("cannot", f"{c.name} said they cannot take part"))
        for start, end, note in c.unavailable:
            if overlaps(start, end, review.start, review.end):
                out.append(Broken("unavailable", f"{c.name} is unavailable {period(start, end)}"
                                                 + (f" ({note})" if note else "")))
                break
        clashes = [b.title for b in c.busy if b.review_id != review.review_id
                   and overlaps(b.start, b.end, review.start, review.end)]
        clashes += [o.title for o, team in sorted(others.items(), key=lambda kv: kv[0].review_id)
                    if o.review_id != review.review_id and overlaps(o.start, o.end, review.start, review.end)
                    and any(m.user_id == c.user_id for m in team)]
        if clashes:
            out.append(Broken("busy", f"{c.name} is on another visit at the same time ({'; '.join(clashes)})"))
        year_seats = c.load.get(review.year, 0) + 1 + sum(
            1 for o, team in others.items() if o.review_id != review.review_id and o.year == review.year
            and any(m.user_id == c.user_id for m in team))
        if year_seats > c.max_per_year:
            out.append(Broken("yearly_load", f"{c.name} would have {year_seats} reviews in {review.year} "
                                             f"(takes at most {c.max_per_year})"))
    countries = {c.country for c in members}
    if len(countries) < review.min_countries:
        out.append(Broken("countries", f"the team covers {len(countries)} "
                                       f"countr{'y' if len(countries) == 1 else 'ies'} but the review "
                                       f"needs {review.min_countries}"))
    for lang in review.languages:
        if not any(lang in c.languages for c in members):
            out.append(Broken("language", f"no one on the team speaks {language(lang)}"))
    if not any(c.level(review.theme_id) == 2 for c in members):
        out.append(Broken("expert", f"no one on the team is an expert in {review.theme}"))
    if roles:
        leads = [c for c in members if roles.get(c.user_id) == "lead"]
        trained = [c for c in members if c.trained]
        if leads and trained and not leads[0].trained:
            out.append(Broken("lead_trained", f"the lead, {leads[0].name}, is not trained but "
                                              f"{names(trained)} {'is' if len(trained) == 1 else 'are'}"))
    return out


def check_team(review: ReviewSpec, members: list[Candidate], **kw) -> list[str]:
    """The broken rules, in words; an empty list means the team meets every hard rule."""
    return [b.message for b in check_team_detailed(review, members, **kw)]


# --- before solving ---------------------------------------------------------------------------

def ineligible(review: ReviewSpec, c: Candidate) -> str | None:
    """The first rule that keeps ``c`` off ``review`` whatever the team, or None: the rule of
    ``eligibility`` without its words (called for every pair of a large round)."""
    if c.city_id == review.host_city_id:
        return "host_city"
    if c.user_id in review.declined:
        return "declined"
    if c.user_id in review.conflicts:
        return "conflict"
    if c.user_id in review.cannot:
        return "cannot"
    if any(overlaps(start, end, review.start, review.end) for start, end, _ in c.unavailable):
        return "unavailable"
    if any(b.review_id != review.review_id and overlaps(b.start, b.end, review.start, review.end)
           for b in c.busy):
        return "busy"
    if c.load.get(review.year, 0) >= c.max_per_year:
        return "yearly_load"
    return None


def eligibility(review: ReviewSpec, c: Candidate) -> tuple[str, str] | None:
    """Why ``c`` cannot sit on ``review`` at all, as (rule, words), or None."""
    if ineligible(review, c) is None:
        return None
    if c.city_id == review.host_city_id:
        return "host_city", f"from the host city ({c.city})"
    if c.user_id in review.declined:
        return "declined", "declined the invitation"
    if c.user_id in review.conflicts:
        return "conflict", f"conflict of interest declared by the host: {review.conflicts[c.user_id]}"
    if c.user_id in review.cannot:
        return "cannot", "said they cannot take part"
    for start, end, note in c.unavailable:
        if overlaps(start, end, review.start, review.end):
            return "unavailable", f"unavailable {period(start, end)}" + (f" ({note})" if note else "")
    for b in c.busy:
        if b.review_id != review.review_id and overlaps(b.start, b.end, review.start, review.end):
            return "busy", f"on another visit then ({b.title}, {period(b.start, b.end)})"
    if c.load.get(review.year, 0) >= c.max_per_year:
        return "yearly_load", (f"already at their limit for {review.year} "
                               f"({c.load.get(review.year, 0)} of {c.max_per_year})")
    return None


EXCLUSION_WORDS = {
    "host_city": "from the host city", "declined": "declined", "conflict": "with a conflict of interest",
    "cannot": "said they cannot", "unavailable": "unavailable", "busy": "on another visit",
    "yearly_load": "at their yearly limit",
}


def pool_for(problem: Problem, review: ReviewSpec) -> tuple[list[Candidate], dict[str, int]]:
    """The candidates who may sit on ``review`` (fixed members included), and why others may not."""
    fixed = set(review.fixed)
    eligible, excluded = [], {}
    for c in problem.candidates:
        why = None if c.user_id in fixed else ineligible(review, c)
        if why is None:
            eligible.append(c)
        else:
            excluded[why] = excluded.get(why, 0) + 1
    return eligible, excluded


def precheck(problem: Problem, review: ReviewSpec,
             pool: tuple[list[Candidate], dict[str, int]] | None = None) -> list[Broken]:
    """Rules that no team for ``review`` can meet, judged peer by peer before solving.

    ``pool`` is ``pool_for(problem, review)`` when the caller has it already."""
    out: list[Broken] = []
    when = period(review.start, review.end)
    fixed = [problem.by_id[u] for u in review.fixed if u in problem.by_id]
    if len(fixed) > review.team_max:
        out.append(Broken("size_max", f"{len(fixed)} peers are already invited or have accepted but "
                                      f"the team takes at most {review.team_max}"))
    cities: dict[int, list[Candidate]] = {}
    for c in fixed:
        cities.setdefault(c.city_id, []).append(c)
    for group in cities.values():
        if len(group) > 1:
            out.append(Broken("one_per_city", f"{names(group)} (all from {group[0].city}) are already "
                                              "invited or have accepted; a team takes one peer per city"))
    if review.min_countries > review.team_max:
        out.append(Broken("countries", f"the review needs {review.min_countries} countries but the "
                                       f"team takes at most {review.team_max} peers"))
    eligible, excluded = pool or pool_for(problem, review)
    if len(eligible) < review.team_min:
        detail = ", ".join(f"{n} {EXCLUSION_WORDS[k]}" for k, n in sorted(excluded.items()))
        out.append(Broken("size_min", f"only {len(eligible)} peer{'s' * (len(eligible) != 1)} "
                                      f"{'are' if len(eligible) != 1 else 'is'} available for {when} "
                                      f"but the team needs at least {review.team_min}"
                                      + (f" (not available: {detail})" if detail else "")))
    else:
        n_cities = len({c.city_id for c in eligible})
        if n_cities < review.team_min:
            out.append(Broken("one_per_city", f"the {len(eligible)} available peers come from only "
                                              f"{n_cities} cities and a team takes one peer per city, "
                                              f"but the team needs at least {review.team_min}"))
    n_countries = len({c.country for c in eligible})
    if n_countries < review.min_countries:
        out.append(Broken("countries", f"only {n_countries} countr{'y' if n_countries == 1 else 'ies'} "
                                       f"can be covered but the review needs {review.min_countries}"))
    for lang in review.languages:
        if not any(lang in c.languages for c in eligible):
            out.append(Broken("language", f"no available peer speaks {language(lang)}"))
    if not any(c.level(review.theme_id) == 2 for c in eligible):
        out.append(Broken("expert", f"no available peer is an expert in {review.theme}"))
    return out
