"""The hard rules of a review team, written out plainly.

``check_team`` is the independent checker: it knows nothing about the solver and tests a team
against every rule, returning what is broken in words. The swap page and the tests use it.
``eligibility`` and ``precheck`` say, before any solving, which peers cannot sit on a team and
which rules no team could meet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l
from peerreview.i18n import ngettext
from peerreview.matching.problem import Candidate, Problem, ReviewSpec, language, overlaps, period

RULES = {
    "size_min": _l("team size: at least the review's minimum"),
    "size_max": _l("team size: at most the review's maximum"),
    "host_city": _l("no peer from the host city"),
    "one_per_city": _l("at most one peer per city"),
    "unavailable": _l("available for the whole visit"),
    "busy": _l("not on two overlapping visits"),
    "yearly_load": _l("at most the peer's reviews per year"),
    "conflict": _l("no declared conflict of interest"),
    "cannot": _l("no peer who said they cannot"),
    "declined": _l("no peer who declined this review"),
    "countries": _l("at least the review's number of countries"),
    "language": _l("a peer for each working language"),
    "expert": _l("at least one expert in the theme"),
    "lead_trained": _l("a trained lead when a trained peer is on the team"),
}


@dataclass(frozen=True)
class Broken:
    rule: str
    message: str

    def __str__(self) -> str:
        return self.message


def names(cands: Iterable[Candidate]) -> str:
    items = [c.name for c in cands]
    if len(items) == 1:
        return items[0]
    # Translators: the end of a list of names: "Ana, Ben and Chloé"
    return _("%(names)s and %(last)s", names=", ".join(items[:-1]), last=items[-1])


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
        out.append(Broken("size_min", ngettext("the team has %(num)d peer but needs at least %(min)d",
                                               "the team has %(num)d peers but needs at least %(min)d",
                                               n, min=review.team_min)))
    if n > review.team_max:
        out.append(Broken("size_max", _("the team has %(num)d peers but takes at most %(max)d",
                                        num=n, max=review.team_max)))
    by_city: dict[int, list[Candidate]] = {}
    for c in members:
        by_city.setdefault(c.city_id, []).append(c)
    for group in by_city.values():
        if len(group) > 1:
            out.append(Broken("one_per_city", _("%(names)s are all from %(city)s "
                                                "(at most one peer per city)",
                                                names=names(group), city=group[0].city)))
    others = other_teams or {}
    for c in members:
        if c.city_id == review.host_city_id:
            out.append(Broken("host_city", _("%(name)s is from the host city", name=c.name)))
        if c.user_id in review.declined:
            out.append(Broken("declined", _("%(name)s declined the invitation to this review",
                                            name=c.name)))
        if c.user_id in review.conflicts:
            out.append(Broken("conflict", _("%(name)s: the host city declared a conflict of interest "
                                            "(%(reason)s)", name=c.name,
                                            reason=review.conflicts[c.user_id])))
        if c.user_id in review.cannot:
            out.append(Broken("cannot", _("%(name)s said they cannot take part", name=c.name)))
        for start, end, note in c.unavailable:
            if overlaps(start, end, review.start, review.end):
                if note:
                    text = _("%(name)s is unavailable %(period)s (%(note)s)", name=c.name,
                             period=period(start, end), note=note)
                else:
                    text = _("%(name)s is unavailable %(period)s", name=c.name,
                             period=period(start, end))
                out.append(Broken("unavailable", text))
                break
        clashes = [b.title for b in c.busy if b.review_id != review.review_id
                   and overlaps(b.start, b.end, review.start, review.end)]
        clashes += [o.title for o, team in sorted(others.items(), key=lambda kv: kv[0].review_id)
                    if o.review_id != review.review_id and overlaps(o.start, o.end, review.start, review.end)
                    and any(m.user_id == c.user_id for m in team)]
        if clashes:
            out.append(Broken("busy", _("%(name)s is on another visit at the same time (%(visits)s)",
                                        name=c.name, visits="; ".join(clashes))))
        year_seats = c.load.get(review.year, 0) + 1 + sum(
            1 for o, team in others.items() if o.review_id != review.review_id and o.year == review.year
            and any(m.user_id == c.user_id for m in team))
        if year_seats > c.max_per_year:
            out.append(Broken("yearly_load", _("%(name)s would have %(seats)d reviews in %(year)d "
                                               "(takes at most %(max)d)", name=c.name,
                                               seats=year_seats, year=review.year,
                                               max=c.max_per_year)))
    countries = {c.country for c in members}
    if len(countries) < review.min_countries:
        out.append(Broken("countries", ngettext(
            "the team covers %(num)d country but the review needs %(min)d",
            "the team covers %(num)d countries but the review needs %(min)d",
            len(countries), min=review.min_countries)))
    for lang in review.languages:
        if not any(lang in c.languages for c in members):
            out.append(Broken("language", _("no one on the team speaks %(language)s",
                                            language=language(lang))))
    if not any(c.level(review.theme_id) == 2 for c in members):
        out.append(Broken("expert", _("no one on the team is an expert in %(theme)s",
                                      theme=review.theme)))
    if roles:
        leads = [c for c in members if roles.get(c.user_id) == "lead"]
        trained = [c for c in members if c.trained]
        if leads and trained and not leads[0].trained:
            out.append(Broken("lead_trained", ngettext(
                "the lead, %(lead)s, is not trained but %(names)s is",
                "the lead, %(lead)s, is not trained but %(names)s are",
                len(trained), lead=leads[0].name, names=names(trained))))
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
        return "host_city", _("from the host city (%(city)s)", city=c.city)
    if c.user_id in review.declined:
        return "declined", _("declined the invitation")
    if c.user_id in review.conflicts:
        return "conflict", _("conflict of interest declared by the host: %(reason)s",
                             reason=review.conflicts[c.user_id])
    if c.user_id in review.cannot:
        return "cannot", _("said they cannot take part")
    for start, end, note in c.unavailable:
        if overlaps(start, end, review.start, review.end):
            if note:
                return "unavailable", _("unavailable %(period)s (%(note)s)",
                                        period=period(start, end), note=note)
            return "unavailable", _("unavailable %(period)s", period=period(start, end))
    for b in c.busy:
        if b.review_id != review.review_id and overlaps(b.start, b.end, review.start, review.end):
            return "busy", _("on another visit then (%(visit)s, %(period)s)", visit=b.title,
                             period=period(b.start, b.end))
    if c.load.get(review.year, 0) >= c.max_per_year:
        return "yearly_load", _("already at their limit for %(year)d (%(seats)d of %(max)d)",
                                year=review.year, seats=c.load.get(review.year, 0),
                                max=c.max_per_year)
    return None


# Translators: each follows a number of peers: "3 unavailable", "2 on another visit"
EXCLUSION_WORDS = {
    "host_city": _l("from the host city"), "declined": _l("declined"),
    "conflict": _l("with a conflict of interest"), "cannot": _l("said they cannot"),
    "unavailable": _l("unavailable"), "busy": _l("on another visit"),
    "yearly_load": _l("at their yearly limit"),
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
        out.append(Broken("size_max", _("%(num)d peers are already invited or have accepted but "
                                        "the team takes at most %(max)d", num=len(fixed),
                                        max=review.team_max)))
    cities: dict[int, list[Candidate]] = {}
    for c in fixed:
        cities.setdefault(c.city_id, []).append(c)
    for group in cities.values():
        if len(group) > 1:
            out.append(Broken("one_per_city", _("%(names)s (all from %(city)s) are already "
                                                "invited or have accepted; a team takes one peer "
                                                "per city", names=names(group),
                                                city=group[0].city)))
    if review.min_countries > review.team_max:
        out.append(Broken("countries", _("the review needs %(min)d countries but the "
                                         "team takes at most %(max)d peers",
                                         min=review.min_countries, max=review.team_max)))
    eligible, excluded = pool or pool_for(problem, review)
    if len(eligible) < review.team_min:
        detail = ", ".join(f"{n} {EXCLUSION_WORDS[k]}" for k, n in sorted(excluded.items()))
        text = ngettext("only %(num)d peer is available for %(period)s "
                        "but the team needs at least %(min)d",
                        "only %(num)d peers are available for %(period)s "
                        "but the team needs at least %(min)d",
                        len(eligible), period=when, min=review.team_min)
        if detail:
            text = _("%(problem)s (not available: %(detail)s)", problem=text, detail=detail)
        out.append(Broken("size_min", text))
    else:
        n_cities = len({c.city_id for c in eligible})
        if n_cities < review.team_min:
            out.append(Broken("one_per_city", ngettext(
                "the %(peers)d available peers come from only %(num)d city and a team takes one "
                "peer per city, but the team needs at least %(min)d",
                "the %(peers)d available peers come from only %(num)d cities and a team takes one "
                "peer per city, but the team needs at least %(min)d",
                n_cities, peers=len(eligible), min=review.team_min)))
    n_countries = len({c.country for c in eligible})
    if n_countries < review.min_countries:
        out.append(Broken("countries", ngettext(
            "only %(num)d country can be covered but the review needs %(min)d",
            "only %(num)d countries can be covered but the review needs %(min)d",
            n_countries, min=review.min_countries)))
    for lang in review.languages:
        if not any(lang in c.languages for c in eligible):
            out.append(Broken("language", _("no available peer speaks %(language)s",
                                            language=language(lang))))
    if not any(c.level(review.theme_id) == 2 for c in eligible):
        out.append(Broken("expert", _("no available peer is an expert in %(theme)s",
                                      theme=review.theme)))
    return out
