"""Large problems: a shortlist of candidates per review, and a valid upper bound on the
matcher's objective from a min-cost flow.

When a large problem is solved on shortlists, CP-SAT's own bound only speaks for the
shortlist, so the gap is reported against this bound of the full problem instead.

The flow keeps most of the structure: every seat is a unit of flow from the peer's city,
through the peer, to one review; a city sends its fair share free and pays the city penalty
beyond it; a peer takes one seat free and pays the peer penalty for more, up to their yearly
capacity; a review takes at most one peer per city and at most team_max peers. It drops the
minimum team size, the coverage rules (countries, languages, expert) and overlapping visits,
so its optimum is at least the best team's objective: a valid bound, computed in well under
a second for thousands of peers.
"""

from __future__ import annotations

from ortools.graph.python import min_cost_flow

from peerreview.matching import scoring
from peerreview.matching.problem import Candidate, Problem, ReviewSpec

SHORTLIST = 30           # candidates per review on a shortlist, at least (4 x team_max)


def shortlist(problem: Problem, review: ReviewSpec, pool: list[Candidate],
              also: tuple[int, ...] | list[int] = ()) -> list[Candidate]:
    """For large problems: the review's best candidates by score, plus the best few for each
    rule that needs someone in particular (experts, each language, trained, each country)."""
    def rank(c: Candidate):
        return (-scoring.seat_score(problem, review, c), c.user_id)

    ranked = sorted(pool, key=rank)
    keep = set(review.fixed) | set(also)
    keep |= {c.user_id for c in ranked[:max(SHORTLIST, 4 * review.team_max)]}
    groups: list[tuple[int, object]] = [(5, lambda c: c.level(review.theme_id) == 2),
                                        (3, lambda c: c.trained)]
    groups += [(5, lambda c, lang=lang: lang in c.languages) for lang in review.languages]
    for n, pred in groups:
        keep |= {c.user_id for c in [c for c in ranked if pred(c)][:n]}
    per_country: dict[str, int] = {}
    for c in ranked:
        if per_country.get(c.country, 0) < 2:
            per_country[c.country] = per_country.get(c.country, 0) + 1
            keep.add(c.user_id)
    return [c for c in pool if c.user_id in keep]


def flow_bound(problem: Problem, reviews: list[ReviewSpec], pools: dict[int, list[Candidate]]) -> int:
    multi = len(reviews) > 1
    quota = scoring.city_quota(problem)
    flow = min_cost_flow.SimpleMinCostFlow()
    nodes: dict[object, int] = {"source": 0, "sink": 1}

    def node(key) -> int:
        if key not in nodes:
            nodes[key] = len(nodes)
        return nodes[key]

    total = sum(r.team_max for r in reviews)
    years = {r.review_id: r.year for r in reviews}
    capacity: dict[int, int] = {}
    pairs = []
    for r in reviews:
        for c in pools[r.review_id]:
            score = scoring.seat_score(problem, r, c)
            if score > 0:
                pairs.append((r, c, score))
    for c in {c.user_id: c for _, c, _ in pairs}.values():
        capacity[c.user_id] = sum(max(0, c.max_per_year - c.load.get(y, 0))
                                  for y in sorted(set(years.values())))
    for city in sorted({c.city_id for _, c, _ in pairs}):
        n = node(("city", city))
        if multi:
            flow.add_arc_with_capacity_and_unit_cost(0, n, quota, 0)
            flow.add_arc_with_capacity_and_unit_cost(0, n, total, scoring.CITY_EXTRA)
        else:
            flow.add_arc_with_capacity_and_unit_cost(0, n, total, 0)
    for u, cap in sorted(capacity.items()):
        c = problem.by_id[u]
        n = node(("peer", u))
        cap = max(cap, 1)
        flow.add_arc_with_capacity_and_unit_cost(nodes[("city", c.city_id)], n, 1, 0)
        if cap > 1:
            flow.add_arc_with_capacity_and_unit_cost(nodes[("city", c.city_id)], n, cap - 1,
                                                     scoring.PEER_EXTRA if multi else 0)
    for r, c, score in pairs:
        seat = node(("seat", r.review_id, c.city_id))
        flow.add_arc_with_capacity_and_unit_cost(nodes[("peer", c.user_id)], seat, 1, -score)
    for key, n in list(nodes.items()):
        if key[0] == "seat":
            flow.add_arc_with_capacity_and_unit_cost(n, node(("review", key[1])), 1, 0)
    for r in reviews:
        flow.add_arc_with_capacity_and_unit_cost(node(("review", r.review_id)), 1, r.team_max, 0)
    flow.add_arc_with_capacity_and_unit_cost(0, 1, total, 0)
    flow.set_node_supply(0, total)
    flow.set_node_supply(1, -total)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"the bounding flow did not solve (status {status})")
    trained = sum(scoring.TRAINED_LEAD for r in reviews if any(c.trained for c in pools[r.review_id]))
    return -flow.optimal_cost() + trained
