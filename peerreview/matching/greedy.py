"""A greedy team builder: the benchmark's baseline, and the solver's starting hint.

The baseline fills each review seat by seat with the best-scoring peer still available (in
review order), keeping only the rules a single seat can see: who is eligible, one peer per
city, no overlapping visits and the yearly load. It does not look ahead, so it can miss the
countries, languages and expert rules. With ``coverage=True`` it first seats an expert, a
speaker of each working language and peers from new countries; the solver uses that version
as a hint.
"""

from __future__ import annotations

from peerreview.matching.problem import Candidate, Problem, ReviewSpec, overlaps
from peerreview.matching.rules import ineligible
from peerreview.matching.scoring import seat_score


def greedy(problem: Problem, *, coverage: bool = False,
           pools: dict[int, list[Candidate]] | None = None) -> dict[int, list[int]]:
    """{review id: [user ids]}; ``pools`` limits each review to some candidates."""
    teams: dict[int, list[int]] = {}
    seats: dict[int, list[ReviewSpec]] = {}        # user id -> reviews seated in this run
    for review in problem.reviews:
        for u in review.fixed:
            seats.setdefault(u, []).append(review)
    for review in problem.reviews:
        team = [u for u in review.fixed if u in problem.by_id]
        cities = {problem.by_id[u].city_id for u in team}

        def free(c: Candidate, review=review, team=team, cities=cities) -> bool:
            if c.user_id in team or c.city_id in cities or ineligible(review, c) is not None:
                return False
            mine = seats.get(c.user_id, [])
            if any(overlaps(o.start, o.end, review.start, review.end) for o in mine):
                return False
            same_year = sum(1 for o in mine if o.year == review.year)
            return c.load.get(review.year, 0) + same_year + 1 <= c.max_per_year

        pool = problem.candidates if pools is None else pools[review.review_id]
        scored = sorted(pool, key=lambda c: (-seat_score(problem, review, c), c.user_id))

        def take(c: Candidate, review=review, team=team, cities=cities) -> None:
            team.append(c.user_id)
            cities.add(c.city_id)
            seats.setdefault(c.user_id, []).append(review)

        def first(pred, scored=scored, free=free):
            return next((c for c in scored if pred(c) and free(c)), None)

        if coverage:
            members = lambda team=team: [problem.by_id[u] for u in team]  # noqa: E731
            if not any(c.level(review.theme_id) == 2 for c in members()) and len(team) < review.team_max:
                c = first(lambda c, review=review: c.level(review.theme_id) == 2)
                if c:
                    take(c)
            for lang in review.languages:
                if not any(lang in c.languages for c in members()) and len(team) < review.team_max:
                    c = first(lambda c, lang=lang: lang in c.languages)
                    if c:
                        take(c)
            while len({c.country for c in members()}) < review.min_countries and len(team) < review.team_max:
                have = {c.country for c in members()}
                c = first(lambda c, have=have: c.country not in have)
                if c is None:
                    break
                take(c)
        while len(team) < review.team_max:
            c = first(lambda c: True)
            if c is None or (len(team) >= review.team_min and seat_score(problem, review, c) <= 0):
                break
            take(c)
        teams[review.review_id] = team
    return teams
