"""Why each member is on a team, and why strong candidates are not.

Works on any team (a matcher proposal, a hand-made swap, a team half accepted), so the page
can explain whatever the coordinator is looking at.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from peerreview.forms_common import country_name
from peerreview.i18n import gettext as _
from peerreview.i18n import ngettext
from peerreview.matching import scoring
from peerreview.matching.problem import Candidate, Problem, ReviewSpec, language, overlaps
from peerreview.matching.rules import check_team, eligibility


@dataclass
class MemberWhy:
    user_id: int
    name: str
    city: str
    country: str
    score: int
    reasons: list[str] = field(default_factory=list)


@dataclass
class LeftOut:
    user_id: int
    name: str
    city: str
    country: str
    score: int
    reason: str


def _list(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return _("%(names)s and %(last)s", names=", ".join(items[:-1]), last=items[-1])


def member_reasons(problem: Problem, review: ReviewSpec, members: list[Candidate],
                   c: Candidate, role: str = "peer") -> list[str]:
    out = []
    level = c.level(review.theme_id)
    if level == 2:
        out.append(_("expert in %(theme)s", theme=review.theme))
    elif level == 1:
        out.append(_("some expertise in %(theme)s", theme=review.theme))
    else:
        out.append(_("no declared expertise in %(theme)s", theme=review.theme))
    for lang in review.languages:
        if lang in c.languages:
            speakers = [m for m in members if lang in m.languages]
            out.append(_("the only one who speaks %(language)s", language=language(lang))
                       if len(speakers) == 1 else _("speaks %(language)s", language=language(lang)))
    same_country = [m for m in members if m.country == c.country]
    countries = {m.country for m in members}
    if len(same_country) == 1:
        out.append(ngettext("brings %(country)s (one of %(num)d country)",
                            "brings %(country)s (one of %(num)d countries)",
                            len(countries), country=country_name(c.country)))
    if c.user_id in review.wants:
        out.append(_("asked to join"))
    if c.trained:
        out.append(_("trained peer, so leads the team") if role == "lead" else _("trained peer"))
    seats = c.load.get(review.year, 0)
    out.append(ngettext("%(num)d other review in %(year)s (takes up to %(max)d)",
                        "%(num)d other reviews in %(year)s (takes up to %(max)d)",
                        seats, year=review.year, max=c.max_per_year)
               if seats else _("no other review in %(year)s", year=review.year))
    if scoring.brings_practice(problem, review, c):
        out.append(_("brings a shared good practice on a key factor of this review: %(city)s is "
                     "rated 3 on it in a report shared with the network", city=c.city))
    if scoring.city_balance(problem, c.city_id) > 0:
        out.append(_("%(city)s has hosted more reviews than it has sent peers to", city=c.city))
    if c.user_id in review.fixed:
        out.append(_("already invited or accepted"))
    return out


def explain_members(problem: Problem, review: ReviewSpec, member_ids: list[int],
                    roles: dict[int, str] | None = None) -> list[MemberWhy]:
    members = [problem.by_id[u] for u in member_ids if u in problem.by_id]
    roles = roles or {}
    return [MemberWhy(c.user_id, c.name, c.city, c.country, scoring.seat_score(problem, review, c),
                      member_reasons(problem, review, members, c, roles.get(c.user_id, "peer")))
            for c in members]


def _round_clash(review: ReviewSpec, c: Candidate, teams: dict[int, list[int]],
                 problem: Problem) -> str | None:
    for other in problem.reviews:
        if other.review_id == review.review_id or c.user_id not in teams.get(other.review_id, ()):
            continue
        if overlaps(other.start, other.end, review.start, review.end):
            return _("chosen for %(review)s, whose visit overlaps", review=other.title)
        if other.year == review.year:
            used = c.load.get(review.year, 0) + sum(
                1 for o in problem.reviews if o.year == review.year and c.user_id in teams.get(o.review_id, ()))
            if used + 1 > c.max_per_year:
                return _("chosen for %(review)s; one more would pass their limit of %(max)d a year",
                         review=other.title, max=c.max_per_year)
    return None


def left_out(problem: Problem, review: ReviewSpec, member_ids: list[int], *,
             teams: dict[int, list[int]] | None = None, limit: int = 8) -> list[LeftOut]:
    """The strongest candidates not on the team, each with the rule or trade-off that kept
    them out."""
    teams = dict(teams or {})
    teams[review.review_id] = list(member_ids)
    members = [problem.by_id[u] for u in member_ids if u in problem.by_id]
    others = [c for c in problem.candidates
              if c.user_id not in member_ids and c.city_id != review.host_city_id]
    others.sort(key=lambda c: (-scoring.seat_score(problem, review, c), c.user_id))
    out = []
    for c in others[:limit]:
        score = scoring.seat_score(problem, review, c)
        out.append(LeftOut(c.user_id, c.name, c.city, c.country, score,
                           _why_not(problem, review, members, c, score, teams)))
    return out


def _why_not(problem: Problem, review: ReviewSpec, members: list[Candidate], c: Candidate,
             score: int, teams: dict[int, list[int]]) -> str:
    rule = eligibility(review, c)
    if rule is not None:
        return rule[1][0].upper() + rule[1][1:]
    clash = _round_clash(review, c, teams, problem)
    if clash:
        return clash[0].upper() + clash[1:]

    def score_of(m: Candidate) -> int:
        return scoring.seat_score(problem, review, m)

    same_city = [m for m in members if m.city_id == c.city_id]
    if same_city:
        m = same_city[0]
        if score_of(m) >= score:
            return _("A higher-scoring peer from the same city was chosen (%(name)s); one peer per "
                     "city", name=m.name)
        return _("%(name)s from the same city was chosen for what the team needs; one peer per "
                 "city", name=m.name)
    base = check_team(review, members)
    if len(members) < review.team_max:
        broken = [b for b in check_team(review, members + [c]) if b not in base]
        if broken:
            return _("Adding them would break a rule: %(rule)s", rule=broken[0])
        if score <= 0:
            return _("Adds nothing the team still needs")
        return _("Could still join: the team has room and no rule would be broken")
    # What would taking c instead of a member cost? Try the weakest members first.
    for m in sorted(members, key=lambda m: (score_of(m), m.user_id)):
        if m.user_id in review.fixed:
            continue
        trial = [x for x in members if x.user_id != m.user_id] + [c]
        broken = [b for b in check_team(review, trial) if b not in base]
        if not broken:
            if score_of(m) >= score:
                same_country = [x for x in members if x.country == c.country and score_of(x) >= score]
                if same_country:
                    return _("A higher-scoring peer from the same country was chosen "
                             "(%(name)s); the team is full with stronger candidates",
                             name=same_country[0].name)
                return _("The team is full with higher-scoring peers (the lowest, %(name)s, "
                         "scores %(score)s)", name=m.name, score=score_of(m))
            return _("Could replace %(name)s (%(score)s pts) without breaking a rule; the "
                     "matcher spreads seats fairly over peers and cities", name=m.name,
                     score=score_of(m))
        if score_of(m) < score:
            return _("Taking them instead of %(name)s would break a rule: %(rule)s", name=m.name,
                     rule=broken[0])
    return _("The team is full with peers the rules need (language, country or expertise)")
