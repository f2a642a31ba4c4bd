"""A valid upper bound on the matcher's objective from a min-cost flow, for large rounds.

When a large problem is solved on shortlists, CP-SAT's own bound only speaks for the
shortlist, so the gap is reported against this bound of the full problem instead.

The flow keeps most of the structure: every seat is a unit of flow from the peer's city,
through the peer, to one review; a city sends its fair share free and pays the city penalty
beyond it; a peer takes one seat free and pays the peer penalty for more, up to their yearly
capacity; a review takes at most one peer per city and at most team_max peers. It drops the
minimum team size, the coverage rules (countries, languages, expert) and overlapping visits,
so its optimum is at least the best team's objective: a valid bound, computed in well under
a second for thousands of peers.

The network is built once (``FlowNetwork``) and can be solved again with prices on seats:
``large.prepare`` raises the price of the speakers of a working language a team lacks (a
Lagrangian relaxation of the coverage rules), so that the flow's seats need fewer repairs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from peerreview.matching import scoring
from peerreview.matching.problem import Candidate, Problem, ReviewSpec

SCALE = 100              # prices on seats are counted in hundredths of a point


@dataclass
class Relaxation:
    """The flow's optimum: a valid upper bound, and the seats that reach it.

    ``teams`` meet every rule the flow keeps (one peer per city, team_max, yearly capacity) but
    may miss a working language, an expert, a country, the minimum size or a fixed member, or
    seat a peer on two overlapping visits: ``repair.repair`` mends them into a round."""

    bound: int
    teams: dict[int, list[int]]


def flow_bound(problem: Problem, reviews: list[ReviewSpec], pools: dict[int, list[Candidate]]) -> int:
    return flow_relaxation(problem, reviews, pools).bound


def flow_relaxation(problem: Problem, reviews: list[ReviewSpec],
                    pools: dict[int, list[Candidate]]) -> Relaxation:
    return FlowNetwork(problem, reviews, pools).relaxation()


class FlowNetwork:
    """The flow described above, built once for a round. ``pairs`` lists every eligible
    (review, candidate) pair; a solve says which pairs carry a seat."""

    def __init__(self, problem: Problem, reviews: list[ReviewSpec], pools: dict[int, list[Candidate]]):
        multi = len(reviews) > 1
        quota = scoring.city_quota(problem)
        self.total = total = sum(r.team_max for r in reviews)
        years = sorted({r.year for r in reviews})
        self.reviews = reviews
        self.pairs = [(r, c) for r in reviews for c in pools[r.review_id]]
        self.spans: dict[int, tuple[int, int]] = {}     # review id -> its pairs' slice of ``pairs``
        for r in reviews:
            first = sum(e - s for s, e in self.spans.values())
            self.spans[r.review_id] = (first, first + len(pools[r.review_id]))
        self.score = np.array([scoring.seat_score(problem, r, c) for r, c in self.pairs], dtype=np.int64)
        self.trained = sum(scoring.TRAINED_LEAD for r in reviews if any(c.trained for c in pools[r.review_id]))
        tails: list[int] = []
        heads: list[int] = []
        caps: list[int] = []
        costs: list[int] = []

        def arc(tail: int, head: int, cap: int, cost: int) -> None:
            tails.append(tail)
            heads.append(head)
            caps.append(cap)
            costs.append(cost)

        nodes = 2                               # 0 the source, 1 the sink
        city_node: dict[int, int] = {}
        for city in sorted({c.city_id for _, c in self.pairs}):
            city_node[city] = nodes
            nodes += 1
            if multi:
                arc(0, city_node[city], quota, 0)
                arc(0, city_node[city], total, scoring.CITY_EXTRA)
            else:
                arc(0, city_node[city], total, 0)
        peer_node: dict[int, int] = {}
        for c in sorted({c.user_id: c for _, c in self.pairs}.values(), key=lambda c: c.user_id):
            peer_node[c.user_id] = nodes
            nodes += 1
            cap = max(1, sum(max(0, c.max_per_year - c.load.get(y, 0)) for y in years))
            arc(city_node[c.city_id], peer_node[c.user_id], 1, 0)
            if cap > 1:
                arc(city_node[c.city_id], peer_node[c.user_id], cap - 1, scoring.PEER_EXTRA if multi else 0)
        review_node = {}
        for r in reviews:
            review_node[r.review_id] = nodes
            nodes += 1
            arc(review_node[r.review_id], 1, r.team_max, 0)
        seat_node: dict[tuple[int, int], int] = {}     # one peer per city: a seat per review and city
        pair_tail, pair_head = [], []
        for r, c in self.pairs:
            key = (r.review_id, c.city_id)
            if key not in seat_node:
                seat_node[key] = nodes
                nodes += 1
                arc(nodes - 1, review_node[r.review_id], 1, 0)
            pair_tail.append(peer_node[c.user_id])
            pair_head.append(seat_node[key])
        arc(0, 1, total, 0)
        self.arcs = (np.array(tails, dtype=np.int64), np.array(heads, dtype=np.int64),
                     np.array(caps, dtype=np.int64), np.array(costs, dtype=np.int64))
        self.pair_tail = np.array(pair_tail, dtype=np.int64)
        self.pair_head = np.array(pair_head, dtype=np.int64)

    def solve(self, prices: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        """The flow's best value in points, with ``prices`` (hundredths of a point, one per
        pair) added to the seats' scores, and which pairs carry a seat (0 or 1 per pair)."""
        value = self.score * SCALE + (prices if prices is not None else 0)
        used = np.flatnonzero(value > 0)        # a seat worth nothing never raises the bound
        tails, heads, caps, costs = self.arcs
        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs * SCALE)
        first = flow.add_arcs_with_capacity_and_unit_cost(
            self.pair_tail[used], self.pair_head[used], np.ones(len(used), dtype=np.int64), -value[used])
        flow.set_node_supply(0, self.total)
        flow.set_node_supply(1, -self.total)
        status = flow.solve()
        if status != flow.OPTIMAL:
            raise RuntimeError(f"the bounding flow did not solve (status {status})")
        seats = np.zeros(len(self.pairs), dtype=np.int64)
        if len(used):
            seats[used] = flow.flows(np.asarray(first, dtype=np.int64))
        return -flow.optimal_cost() / SCALE, seats

    def teams(self, seats: np.ndarray) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {r.review_id: [] for r in self.reviews}
        for i in np.flatnonzero(seats):
            r, c = self.pairs[i]
            out[r.review_id].append(c.user_id)
        return out

    def bound(self, value: float, priced: float = 0.0) -> int:
        """The bound from a solve's ``value`` (points); ``priced`` is what the prices promised
        (sum of price x seats needed, in points), taken back so the bound stays valid."""
        return math.floor(value - priced + 1e-6) + self.trained

    def relaxation(self) -> Relaxation:
        value, seats = self.solve()
        return Relaxation(self.bound(value), self.teams(seats))
