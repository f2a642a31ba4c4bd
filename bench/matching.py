"""The matcher's benchmark: a generated network, a round of 12 reviews and a large pool.

Run by ``make bench`` (bench/__main__.py calls ``run(results)``), or alone with
``python -m bench.matching``.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

COUNTRIES = [
    ("AT", "de"), ("BE", "nl"), ("BG", "bg"), ("HR", "hr"), ("CY", "el"), ("CZ", "cs"),
    ("DK", "da"), ("EE", "et"), ("FI", "fi"), ("FR", "fr"), ("DE", "de"), ("GR", "el"),
    ("HU", "hu"), ("IE", "en"), ("IT", "it"), ("LV", "lv"), ("LT", "lt"), ("LU", "fr"),
    ("MT", "mt"), ("NL", "nl"), ("PL", "pl"), ("PT", "pt"), ("RO", "ro"), ("SK", "sk"),
    ("SI", "sl"), ("ES", "es"), ("SE", "sv"), ("NO", "no"), ("CH", "de"), ("GB", "en"),
]
THEMES = 8


def generate(*, cities: int = 150, countries: int = 30, peers: int = 600, reviews: int = 12,
             window_days: int = 70, seed: int = 2026, year: int = 2027):
    """A reproducible network: cities spread over countries, peers spread over cities, and
    reviews with visits of four days starting within ``window_days``."""
    from peerreview.matching.problem import Busy, Candidate, Problem, ReviewSpec

    rng = random.Random(seed)
    countries_used = COUNTRIES[:countries]
    city_country = {c: countries_used[c % countries] for c in range(1, cities + 1)}
    start0 = date(year, 3, 1)
    cands = []
    for u in range(1, peers + 1):
        city = (u - 1) % cities + 1
        country, lang = city_country[city]
        langs = {lang}
        if rng.random() < 0.85:
            langs.add("en")
        if rng.random() < 0.35:
            langs.add(rng.choice(["fr", "de", "es", "it"]))
        expertise = {}
        for t in range(1, THEMES + 1):
            roll = rng.random()
            if roll < 0.08:
                expertise[t] = 2
            elif roll < 0.28:
                expertise[t] = 1
        unavailable = []
        for _ in range(rng.choice([0, 0, 1, 2])):
            s = start0 + timedelta(days=rng.randrange(0, 200))
            unavailable.append((s, s + timedelta(days=rng.randrange(4, 20)), "leave"))
        busy, load = (), {}
        if rng.random() < 0.2:
            s = start0 + timedelta(days=rng.randrange(0, 200))
            busy = (Busy(-u, "Earlier review", s, s + timedelta(days=3)),)
            load = {year: 1}
        cands.append(Candidate(
            user_id=u, name=f"Peer {u}", city_id=city, city=f"City {city}", country=country,
            languages=frozenset(langs), expertise=expertise, trained=rng.random() < 0.4,
            max_per_year=rng.choice([1, 2, 2, 3]), unavailable=tuple(unavailable), busy=busy,
            load=load))
    hosts = rng.sample(range(1, cities + 1), reviews)
    specs = []
    for i, host in enumerate(hosts, start=1):
        country, lang = city_country[host]
        s = start0 + timedelta(days=rng.randrange(0, window_days))
        theme = rng.randrange(1, THEMES + 1)
        size = rng.choice([8, 9, 10])
        specs.append(ReviewSpec(
            review_id=i, title=f"Review {i}", host_city_id=host, theme_id=theme,
            theme=f"Theme {theme}", start=s, end=s + timedelta(days=3), team_min=8,
            team_max=size, min_countries=3, languages=tuple(sorted({lang, "en"}))))
    hosted = {c: rng.choice([0, 0, 1, 2]) for c in range(1, cities + 1)}
    sent = {c: rng.choice([0, 1, 1, 2, 3]) for c in range(1, cities + 1)}
    return Problem(specs, cands, hosted, sent)


def broken_rules(problem, teams) -> int:
    from peerreview.matching.rules import check_team

    others = {r: [problem.by_id[u] for u in teams.get(r.review_id, [])] for r in problem.reviews}
    return sum(len(check_team(r, others[r], other_teams=others)) for r in problem.reviews)


def run(results: list) -> None:
    """Append the matcher's measurements to ``results`` (see the module docstring)."""
    from peerreview.matching import scoring
    from peerreview.matching.greedy import greedy
    from peerreview.matching.solver import solve

    problem = generate()
    t0 = time.perf_counter()
    res = solve(problem, time_limit=10.0)
    seconds = time.perf_counter() - t0
    teams = {rid: t.members for rid, t in res.teams.items()}
    t0 = time.perf_counter()
    base = greedy(problem)
    greedy_ms = (time.perf_counter() - t0) * 1000
    base_obj = scoring.objective(problem, base)
    results += [
        {"name": "match: round of 12 reviews, 600 peers: time", "value": round(seconds, 2), "unit": "s",
         "target": "< 5", "status": res.status, "variables": res.variables},
        {"name": "match: round of 12: proven optimal", "value": int(res.proven_optimal), "unit": "bool",
         "target": 1},
        {"name": "match: round of 12: objective (baseline greedy)", "value": res.objective, "unit": "pts",
         "baseline": base_obj, "ratio": round(res.objective / base_obj, 3) if base_obj else None,
         "bound": res.bound},
        {"name": "match: round of 12: hard rules broken (baseline greedy)",
         "value": broken_rules(problem, teams), "unit": "rules", "baseline": broken_rules(problem, base)},
        {"name": "match: round of 12: greedy baseline time", "value": round(greedy_ms, 1), "unit": "ms"},
    ]
    big = generate(peers=3000, reviews=100, window_days=300, seed=7)
    t0 = time.perf_counter()
    res = solve(big, time_limit=30.0)
    seconds = time.perf_counter() - t0
    results += [
        {"name": "match: 100 reviews, 3000 peers: first feasible team", "unit": "s",
         "value": round(res.first_solution, 2) if res.first_solution is not None else None,
         "status": res.status, "variables": res.variables, "shortlisted": res.shortlisted},
        {"name": "match: 100 reviews, 3000 peers: reported gap at 30 s", "unit": "%",
         "value": round(100 * res.gap, 2) if res.gap is not None else None,
         "objective": res.objective, "bound": res.bound, "shortlist_bound": res.shortlist_bound,
         "seconds": round(seconds, 2), "baseline": scoring.objective(big, greedy(big)),
         "rules_broken": broken_rules(big, {rid: t.members for rid, t in res.teams.items()})},
    ]


if __name__ == "__main__":
    out: list = []
    run(out)
    for r in out:
        print(r)
