"""Mending a round that breaks rules into one that keeps them all, losing as few points as possible.

The flow relaxation (``bounds.flow_relaxation``) seats nearly the best round there is, but it
does not see working languages, experts, countries, the minimum team size, fixed members or
overlapping visits. ``repair`` keeps its seats where it can: it seats the fixed members, drops
the seats that clash across reviews (the same peer on overlapping visits or past their yearly
limit), then mends each team by single additions and swaps, each time the one that removes a
broken rule and costs the fewest points, and finally fills free seats that still add points.
On large rounds the result is the solver's starting point.
"""

from __future__ import annotations

from peerreview.matching import scoring
from peerreview.matching.problem import Candidate, Problem, ReviewSpec, overlaps
from peerreview.matching.rules import ineligible

NEEDED = 40          # candidates looked at per missing thing (language, expert, country, seat)


def deficit(review: ReviewSpec, members: list[Candidate]) -> int:
    """How far ``members`` are from meeting the rules of one team (0: they meet them all).

    The rules between teams (overlapping visits, yearly load) are kept by ``Round.free``."""
    return _Tally(review, members).deficit()


class _Tally:
    """What a team covers, so that the deficit of the team plus one more peer costs no more
    than a few set lookups (a repair weighs hundreds of candidate swaps)."""

    def __init__(self, review: ReviewSpec, members: list[Candidate]):
        self.review, self.n = review, len(members)
        self.cities = {c.city_id for c in members}
        self.countries = {c.country for c in members}
        self.missing = [lang for lang in review.languages if not any(lang in c.languages for c in members)]
        self.expert = any(c.level(review.theme_id) == 2 for c in members)
        ids = {c.user_id for c in members}
        self.fixed_missing = {u for u in review.fixed if u not in ids}

    def deficit(self, plus: Candidate | None = None) -> int:
        r, n = self.review, self.n + (plus is not None)
        out = max(0, r.team_min - n) + max(0, n - r.team_max) + self.n - len(self.cities)
        if plus is None:
            return (out + max(0, r.min_countries - len(self.countries)) + len(self.missing)
                    + (not self.expert) + len(self.fixed_missing))
        out += plus.city_id in self.cities
        out += max(0, r.min_countries - len(self.countries) - (plus.country not in self.countries))
        out += sum(1 for lang in self.missing if lang not in plus.languages)
        out += not (self.expert or plus.level(r.theme_id) == 2)
        return out + len(self.fixed_missing) - (plus.user_id in self.fixed_missing)


class Round:
    """Teams being built, with the counts the objective's penalties need (seats per peer, per
    city), so that the points won or lost by a move are known without rescoring the round."""

    def __init__(self, problem: Problem, reviews: list[ReviewSpec], ranked: dict[int, list[Candidate]]):
        self.problem, self.ranked = problem, ranked     # eligible candidates, best first
        self.reviews = {r.review_id: r for r in reviews}
        self.quota = scoring.city_quota(problem)
        self.teams: dict[int, list[Candidate]] = {r.review_id: [] for r in reviews}
        self.seats: dict[int, list[ReviewSpec]] = {}      # user id -> reviews seated in this round
        self.city: dict[int, int] = {}                    # city id -> seats in this round
        self._score: dict[tuple[int, int], int] = {}

    def score(self, r: ReviewSpec, c: Candidate) -> int:
        key = (r.review_id, c.user_id)
        if key not in self._score:
            self._score[key] = scoring.seat_score(self.problem, r, c)
        return self._score[key]

    def add(self, r: ReviewSpec, c: Candidate) -> None:
        self.teams[r.review_id].append(c)
        self.seats.setdefault(c.user_id, []).append(r)
        self.city[c.city_id] = self.city.get(c.city_id, 0) + 1

    def remove(self, r: ReviewSpec, c: Candidate) -> None:
        team = self.teams[r.review_id]
        del team[next(i for i, m in enumerate(team) if m.user_id == c.user_id)]
        self.seats[c.user_id].remove(r)
        self.city[c.city_id] -= 1

    def free(self, r: ReviewSpec, c: Candidate) -> bool:
        """Whether ``c`` can take a seat on ``r`` given their other seats in the round (the pool
        already leaves out everyone ineligible for ``r`` on their own)."""
        mine = [o for o in self.seats.get(c.user_id, ()) if o.review_id != r.review_id]
        if any(overlaps(o.start, o.end, r.start, r.end) for o in mine):
            return False
        same_year = sum(1 for o in mine if o.year == r.year)
        return c.load.get(r.year, 0) + same_year + 1 <= c.max_per_year

    def gain_remove(self, r: ReviewSpec, c: Candidate) -> int:
        gain = -self.score(r, c)
        if len(self.seats[c.user_id]) > 1:
            gain += scoring.PEER_EXTRA
        if self.city[c.city_id] > self.quota:
            gain += scoring.CITY_EXTRA
        if c.trained and not any(m.trained for m in self.teams[r.review_id] if m.user_id != c.user_id):
            gain -= scoring.TRAINED_LEAD
        return gain

    def gain_add(self, r: ReviewSpec, c: Candidate, without: Candidate | None = None) -> int:
        """Points won by seating ``c`` on ``r`` (after ``without`` left the team)."""
        gain = self.score(r, c)
        if self.seats.get(c.user_id):
            gain -= scoring.PEER_EXTRA
        city = self.city.get(c.city_id, 0) - (1 if without is not None and without.city_id == c.city_id else 0)
        if city >= self.quota:
            gain -= scoring.CITY_EXTRA
        if c.trained and not any(m.trained for m in self.teams[r.review_id]
                                 if without is None or m.user_id != without.user_id):
            gain += scoring.TRAINED_LEAD
        return gain

    def as_ids(self) -> dict[int, list[int]]:
        return {rid: [c.user_id for c in team] for rid, team in self.teams.items()}


def repair(problem: Problem, reviews: list[ReviewSpec], ranked: dict[int, list[Candidate]],
           teams: dict[int, list[int]]) -> dict[int, list[int]]:
    """``teams`` mended so that each meets as many rules as single moves allow; a team that
    could not be mended is returned as it stands (the caller then starts elsewhere).

    ``ranked`` holds each review's eligible candidates, best seat score first."""
    state = Round(problem, reviews, ranked)
    for r in reviews:
        for u in r.fixed:
            if u in problem.by_id:
                state.add(r, problem.by_id[u])
    seats = [(r, problem.by_id[u]) for r in reviews for u in teams.get(r.review_id, ())
             if u in problem.by_id and u not in r.fixed and ineligible(r, problem.by_id[u]) is None]
    seats.sort(key=lambda s: (-state.score(*s), s[0].review_id, s[1].user_id))
    for r, c in seats:      # the best seats first, so a clash drops the weaker seat
        team = state.teams[r.review_id]
        if state.free(r, c) and c.city_id not in {m.city_id for m in team} and len(team) < r.team_max:
            state.add(r, c)
    for r in reviews:
        _mend(state, r)
    for r in reviews:
        _fill(state, r)
    return state.as_ids()


def _needs(state: Round, r: ReviewSpec) -> list:
    """Predicates for the candidates that could remove one of the team's broken rules."""
    team = state.teams[r.review_id]
    needs = []
    for lang in r.languages:
        if not any(lang in c.languages for c in team):
            needs.append(lambda c, lang=lang: lang in c.languages)
    if not any(c.level(r.theme_id) == 2 for c in team):
        needs.append(lambda c: c.level(r.theme_id) == 2)
    countries = {c.country for c in team}
    if len(countries) < r.min_countries:
        needs.append(lambda c: c.country not in countries)
    if len(team) < r.team_min:
        needs.append(lambda c: True)
    return needs


def _mend(state: Round, r: ReviewSpec) -> None:
    team = state.teams[r.review_id]
    fixed = set(r.fixed)
    while (now := deficit(r, team)) > 0:
        outs = [None] + [m for m in team if m.user_id not in fixed]
        ins: dict[int, Candidate] = {}
        ids = {m.user_id for m in team}
        for need in _needs(state, r):
            found = 0
            for c in state.ranked[r.review_id]:        # best first
                if found >= NEEDED:
                    break
                if need(c) and c.user_id not in ids and state.free(r, c):
                    ins[c.user_id] = c
                    found += 1
        best = None
        for out in outs:
            if out is None and len(team) >= r.team_max:
                continue
            rest = _Tally(r, [m for m in team if out is None or m.user_id != out.user_id])
            lost = 0 if out is None else state.gain_remove(r, out)
            for c in ins.values():
                after = rest.deficit(c)
                if after >= now:
                    continue
                key = (after, -(lost + state.gain_add(r, c, out)), out.user_id if out else 0, c.user_id)
                if best is None or key < best[0]:
                    best = (key, out, c)
        if best is None and len(team) > r.team_max:
            out = max((m for m in team if m.user_id not in fixed), key=lambda m: state.gain_remove(r, m),
                      default=None)
            if out is None:
                return
            state.remove(r, out)
            continue
        if best is None:
            return
        _, out, c = best
        if out is not None:
            state.remove(r, out)
        state.add(r, c)


def _fill(state: Round, r: ReviewSpec) -> None:
    """Seat more peers while the team has room and a seat adds points (and breaks nothing)."""
    team = state.teams[r.review_id]
    if deficit(r, team):
        return
    cities = {m.city_id for m in team}
    for c in state.ranked[r.review_id]:        # best first
        if len(team) >= r.team_max or state.score(r, c) <= 0:
            return
        if c.city_id not in cities and state.free(r, c) and state.gain_add(r, c) > 0:
            state.add(r, c)
            cities.add(c.city_id)
