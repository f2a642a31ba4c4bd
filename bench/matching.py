"""The matcher's benchmark: a generated network, a round of 12 reviews and a large pool.

Run by ``make bench`` (bench/__main__.py calls ``run(results)``); ``python -m bench matching``
runs only this part and updates its rows in results.json; ``python -m bench.matching`` prints
them without writing anything, with options to iterate quickly (``--large-only``,
``--time-limit``, ``--log`` for CP-SAT's search log).
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
    """Hard rules broken by ``teams``, counted by the independent checker (rules.check_team)."""
    from peerreview.matching.rules import check_team

    others = {r: [problem.by_id[u] for u in teams.get(r.review_id, [])] for r in problem.reviews}
    return sum(len(check_team(r, others[r], other_teams=others)) for r in problem.reviews)


def _pct(x):
    return round(100 * x, 2) if x is not None else None


def run_round(results: list, *, log: bool = False) -> None:
    """The round of 12 reviews among 600 peers: proven optimal, against the greedy baseline."""
    from peerreview.matching import scoring
    from peerreview.matching.greedy import greedy
    from peerreview.matching.solver import solve

    problem = generate()
    t0 = time.perf_counter()
    res = solve(problem, time_limit=10.0, log=log)
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
         "bound": res.bound, "true_objective": scoring.objective(problem, teams)},
        {"name": "match: round of 12: hard rules broken (baseline greedy)",
         "value": broken_rules(problem, teams), "unit": "rules", "baseline": broken_rules(problem, base),
         "target": "0"},
        {"name": "match: round of 12: greedy baseline time", "value": round(greedy_ms, 1), "unit": "ms"},
    ]


def run_large(results: list, *, time_limit: float = 30.0, log: bool = False) -> None:
    """100 reviews among 3,000 peers, stopped at ``time_limit``: the gap the solver reports, the
    true objective of the teams it returns (recomputed here: the solver's own figure can be
    lower when it stops early), the true gap against the best bound known, and the time to the
    first round that keeps every rule."""
    from peerreview.matching import scoring
    from peerreview.matching.bounds import flow_bound
    from peerreview.matching.greedy import greedy
    from peerreview.matching.rules import pool_for
    from peerreview.matching.solver import solve

    big = generate(peers=3000, reviews=100, window_days=300, seed=7)
    t0 = time.perf_counter()
    res = solve(big, time_limit=time_limit, log=log)
    seconds = time.perf_counter() - t0
    teams = {rid: t.members for rid, t in res.teams.items()}
    true = scoring.objective(big, teams) if teams else None
    # the best bound known: the solver's (the flow's on the full round when it shortlisted) and
    # the flow bound computed again here, on every eligible peer
    active = [r for r in big.reviews if r.review_id not in res.impossible]
    flow = flow_bound(big, active, {r.review_id: pool_for(big, r)[0] for r in active})
    best = min(b for b in (res.bound, flow) if b is not None)
    base = greedy(big)
    at = f"at {time_limit:g} s"
    name = "match: round of 100"
    results += [
        {"name": "match: 100 reviews, 3000 peers: first round keeping the rules", "unit": "s",
         "value": round(res.first_solution, 2) if res.first_solution is not None else None,
         "status": res.status, "start_objective": res.start_objective, "variables": res.variables,
         "shortlisted": res.shortlisted},
        {"name": f"{name}: reported gap {at}", "unit": "%", "value": _pct(res.gap),
         "objective": res.objective, "bound": res.bound, "shortlist_bound": res.shortlist_bound,
         "seconds": round(seconds, 2)},
        {"name": f"{name}: true objective (baseline greedy)", "unit": "pts", "value": true,
         "baseline": scoring.objective(big, base),
         "ratio": round(true / scoring.objective(big, base), 3) if true else None,
         "reported": res.objective},
        {"name": f"{name}: true gap to the best bound {at}", "unit": "%", "target": "<= 2",
         "value": _pct((best - true) / best) if true is not None else None, "best_bound": best},
        {"name": f"{name}: hard rules broken (baseline greedy)", "unit": "rules", "target": "0",
         "value": broken_rules(big, teams) if teams else None, "baseline": broken_rules(big, base)},
    ]


def run(results: list) -> None:
    """Append the matcher's measurements to ``results`` (see the module docstring)."""
    run_round(results)
    run_large(results)


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.matching",
                                     description="The matcher's part of the bench, printed; "
                                                 "results.json is left alone.")
    parser.add_argument("--time-limit", type=float, default=30.0,
                        help="seconds for the large round (default 30, the target's)")
    parser.add_argument("--large-only", action="store_true", help="skip the round of 12")
    parser.add_argument("--log", action="store_true", help="print CP-SAT's search log")
    args = parser.parse_args(argv)
    out: list = []
    if not args.large_only:
        run_round(out, log=args.log)
    run_large(out, time_limit=args.time_limit, log=args.log)
    for r in out:
        extra = {k: v for k, v in r.items() if k not in ("name", "value", "unit")}
        print(f"{r['name']:<62}{r['value'] if r['value'] is not None else 'error':>9} {r['unit']:<6}{extra}")


if __name__ == "__main__":
    main()
