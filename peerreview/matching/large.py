"""Large rounds: where the solver starts from and which candidates it looks at.

A round of a hundred reviews among thousands of peers has hundreds of thousands of
peer-review pairs; CP-SAT cannot search them all in the time a coordinator waits, and from
the greedy round it stalled about 6% below the bound. So, in ``prepare``:

1. the min-cost flow of ``bounds.FlowNetwork`` gives a valid upper bound on the whole round
   and the seats that reach it, in under a second;
2. ``repair.repair`` mends those seats into a round that keeps every rule: the flow does not
   see working languages, experts, countries or overlapping visits, and on the bench's round
   it leaves about half the teams without a speaker of the host's language. The repaired
   round is about 1% below the bound;
3. the flow is solved again a few times with a price on the speakers of each working
   language and on the experts of each review, raised where the last flow left a team
   without one (a subgradient step on the Lagrangian of those rules). The priced flows need
   fewer and cheaper repairs; the best repaired round, usually within 0.3% of the bound, is
   the start. (The priced bound stays valid but hardly falls: the flow's linear relaxation
   of the languages is already met by fractional seats.) The greedy round is the fallback
   when no repair keeps every rule;
4. each review gets a ``shortlist``: the seats the plain flow picked and the starting team
   (so the start is a solution of the shortlisted model, and the seats the bound counts stay
   within reach), the best candidates by score, and enough others per city, language,
   expertise, training and country to swap with;
5. CP-SAT improves the start on the shortlists (solver.py); its own bound only speaks for
   the shortlists, so the gap is reported against the flow's.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from peerreview.matching import scoring
from peerreview.matching.bounds import SCALE, FlowNetwork
from peerreview.matching.greedy import greedy
from peerreview.matching.problem import Candidate, Problem, ReviewSpec, overlaps
from peerreview.matching.repair import deficit, repair

TOP = 30                 # best candidates by score per review, at least (and 4 x team_max)
PER_CITY = 1             # best candidates of each city that has someone on the shortlist
PER_LANGUAGE = 8         # best speakers of each working language, from different cities
PER_EXPERT = 8           # best experts in the theme, from different cities
PER_TRAINED = 3
PER_COUNTRY = 2
PRICING_ROUNDS = 6       # flows solved again with prices on missing languages and experts
STEP = 0.5               # the first price step, as a share of the Polyak step
PRICING_SHARE = 0.2      # of the solver's time limit, at most, for the priced flows


def ranked(problem: Problem, review: ReviewSpec, pool: list[Candidate]) -> list[Candidate]:
    """``pool`` best seat score first (then by id), as ``shortlist`` and ``repair`` take it."""
    return sorted(pool, key=lambda c: (-scoring.seat_score(problem, review, c), c.user_id))


def shortlist(problem: Problem, review: ReviewSpec, ranked: list[Candidate],
              also: tuple[int, ...] | list[int] | set[int] = ()) -> list[Candidate]:
    """``review``'s candidates worth a variable: the fixed members and ``also`` (the flow's
    seats and the starting team), the best by score, the best few for each rule that needs
    someone in particular (each working language, an expert, trained, each country), and for
    each city on the list its next best peers, who can stand in when the first is needed
    elsewhere. ``ranked`` holds the review's eligible candidates, best first; the shortlist
    comes back in the order of ids."""
    keep = set(review.fixed) | set(also)
    keep |= {c.user_id for c in ranked[:max(TOP, 4 * review.team_max)]}

    def best(pred, n: int, distinct_cities: bool) -> set[int]:
        out, cities = [], set()
        for c in ranked:
            if len(out) >= n:
                break
            if pred(c) and not (distinct_cities and c.city_id in cities):
                out.append(c.user_id)
                cities.add(c.city_id)
        return set(out)

    for lang in review.languages:
        keep |= best(lambda c, lang=lang: lang in c.languages, PER_LANGUAGE, True)
    keep |= best(lambda c: c.level(review.theme_id) == 2, PER_EXPERT, True)
    keep |= best(lambda c: c.trained, PER_TRAINED, False)
    per_country: dict[str, int] = {}
    for c in ranked:
        if per_country.get(c.country, 0) < PER_COUNTRY:
            per_country[c.country] = per_country.get(c.country, 0) + 1
            keep.add(c.user_id)
    cities = {problem.by_id[u].city_id for u in keep if u in problem.by_id}
    per_city: dict[int, int] = {}
    for c in ranked:
        if c.city_id in cities and c.user_id not in keep and per_city.get(c.city_id, 0) < PER_CITY:
            per_city[c.city_id] = per_city.get(c.city_id, 0) + 1
            keep.add(c.user_id)
    return sorted((c for c in ranked if c.user_id in keep), key=lambda c: c.user_id)


@dataclass
class Start:
    bound: int                                  # the flow's bound on the whole round
    picks: dict[int, list[int]]                 # the flow's seats (without prices)
    teams: dict[int, list[int]]                 # the starting round
    keeps_rules: bool                           # whether the starting round keeps every rule
    pools: dict[int, list[Candidate]]           # each review's shortlist
    found_at: float | None = None               # perf_counter() when a round keeping every rule was found
    priced: int = 0                             # flows solved again with prices


def prepare(problem: Problem, reviews: list[ReviewSpec], pools: dict[int, list[Candidate]],
            *, deadline: float | None = None) -> Start:
    """The bound, a starting round and the shortlists for a large round (see the module).

    After the plain flow, the flow is solved again up to ``PRICING_ROUNDS`` times (and not past
    ``deadline``, a ``time.perf_counter()`` value) with a price on the speakers of each working
    language and on the experts of each review: a subgradient step on the Lagrangian of those
    rules raises the price where the flow left a team without them. Each flow's seats are
    repaired; the best round that keeps every rule is the start."""
    net = FlowNetwork(problem, reviews, pools)
    value, seats = net.solve()
    start = Start(net.bound(value), net.teams(seats), {}, False, {})
    best_first = {}                 # each pool best first, from the scores the network holds
    for r in reviews:
        first, end = net.spans[r.review_id]
        ids = np.array([c.user_id for c in pools[r.review_id]], dtype=np.int64)
        order = np.lexsort((ids, -net.score[first:end]))
        best_first[r.review_id] = [pools[r.review_id][i] for i in order]
    sub = Problem(reviews, problem.candidates, problem.hosted, problem.sent, problem.practices)
    best = -math.inf

    def consider(seats: np.ndarray) -> None:
        nonlocal best
        teams = repair(problem, reviews, best_first, net.teams(seats))
        if _keeps_rules(problem, reviews, teams) and (points := scoring.objective(sub, teams)) > best:
            best = points
            start.teams, start.keeps_rules = teams, True
            start.found_at = start.found_at or time.perf_counter()

    consider(seats)
    pair_rows, rule_cols = _coverage(net, pools)
    n_rules = int(rule_cols.max()) + 1 if len(rule_cols) else 0
    prices = np.zeros(n_rules, dtype=np.int64)
    lagrangian, step, stall = value, STEP, 0
    for _ in range(PRICING_ROUNDS if n_rules else 0):
        if deadline is not None and time.perf_counter() > deadline:
            break
        covered = np.bincount(rule_cols, weights=seats[pair_rows], minlength=n_rules).astype(np.int64) - 1
        move = np.where((covered > 0) & (prices == 0), 0, covered)
        target = best - net.trained if best > -math.inf else 0.99 * lagrangian
        if not np.any(move) or lagrangian <= target:
            break
        polyak = step * (lagrangian - target) / float(np.sum(move * move))
        prices = np.maximum(0, prices - np.round(polyak * SCALE * move).astype(np.int64))
        seat_prices = np.bincount(pair_rows, weights=prices[rule_cols],
                                  minlength=len(net.pairs)).astype(np.int64)
        value, seats = net.solve(seat_prices)
        start.priced += 1
        promised = prices.sum() / SCALE
        start.bound = min(start.bound, net.bound(value, promised))
        if value - promised < lagrangian - 0.5:
            stall = 0
        elif (stall := stall + 1) >= 2:
            step, stall = step / 2, 0
        lagrangian = value - promised
        consider(seats)
    if not start.keeps_rules:
        start.teams = greedy(sub, coverage=True, pools=pools)
        start.keeps_rules = _keeps_rules(problem, reviews, start.teams)
        if start.keeps_rules:
            start.found_at = time.perf_counter()
    start.pools = {r.review_id: shortlist(problem, r, best_first[r.review_id],
                                          {*start.picks[r.review_id], *start.teams.get(r.review_id, ())})
                   for r in reviews}
    return start


def _coverage(net: FlowNetwork, pools: dict[int, list[Candidate]]) -> tuple[np.ndarray, np.ndarray]:
    """The priced rules as (pair, rule) incidences: for each review, one rule per working
    language (its speakers) and one for an expert in the theme."""
    pair_rows, rule_cols = [], []
    for r in net.reviews:
        pool, first = pools[r.review_id], net.spans[r.review_id][0]
        needs = [lambda c, lang=lang: lang in c.languages for lang in r.languages]
        needs.append(lambda c, theme=r.theme_id: c.expertise.get(theme, 0) == 2)
        for need in needs:
            rows = first + np.flatnonzero(np.fromiter(map(need, pool), dtype=bool, count=len(pool)))
            pair_rows.append(rows)
            rule_cols.append(np.full(len(rows), len(rule_cols), dtype=np.int64))
    if not pair_rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(pair_rows).astype(np.int64), np.concatenate(rule_cols)


def _keeps_rules(problem: Problem, reviews: list[ReviewSpec], teams: dict[int, list[int]]) -> bool:
    """Whether ``teams`` (drawn from the pools, so every seat is eligible on its own) keep the
    rules of each team and those between teams: overlapping visits and the yearly load."""
    seats: dict[int, list[ReviewSpec]] = {}
    for r in reviews:
        members = [problem.by_id[u] for u in teams.get(r.review_id, ())]
        if deficit(r, members):
            return False
        for u in teams.get(r.review_id, ()):
            seats.setdefault(u, []).append(r)
    for u, mine in seats.items():
        c = problem.by_id[u]
        if any(overlaps(a.start, a.end, b.start, b.end) for i, a in enumerate(mine) for b in mine[i + 1:]):
            return False
        years: dict[int, int] = {}
        for r in mine:
            years[r.year] = years.get(r.year, 0) + 1
        if any(c.load.get(y, 0) + n > c.max_per_year for y, n in years.items()):
            return False
    return True
