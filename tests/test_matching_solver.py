"""The matcher without the database: every proposal meets every hard rule (checked by the
independent checker), impossible teams are explained rule by rule, and answers are
deterministic."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerreview.matching import scoring
from peerreview.matching.bounds import flow_bound
from peerreview.matching.greedy import greedy
from peerreview.matching.problem import Busy, Candidate, Problem, ReviewSpec
from peerreview.matching.rules import check_team, eligibility, pool_for
from peerreview.matching.solver import solve

TIME_LIMIT = 2.0
START = date(2027, 5, 12)


def peer(uid, city, country, *, langs=("en",), theme=None, trained=False, **kw):
    expertise = kw.pop("expertise", {1: 2} if theme == "expert" else {1: 1} if theme == "some" else {})
    return Candidate(user_id=uid, name=kw.pop("name", f"Peer {uid}"), city_id=city, city=f"City {city}",
                     country=country, languages=frozenset(langs), expertise=expertise, trained=trained, **kw)


def review(rid=1, *, start=START, days=4, host=100, **kw):
    kw.setdefault("team_min", 2)
    kw.setdefault("team_max", 4)
    kw.setdefault("min_countries", 2)
    return ReviewSpec(review_id=rid, title=kw.pop("title", f"Hostcity {rid}: Theme"), host_city_id=host,
                      theme_id=kw.pop("theme_id", 1), theme=kw.pop("theme", "Anti-discrimination"),
                      start=start, end=start + timedelta(days=days - 1), **kw)


def members(problem, team):
    return [problem.by_id[u] for u in team.members]


def all_broken(problem, result):
    teams = {r: members(problem, result.teams[r.review_id]) for r in problem.reviews
             if r.review_id in result.teams}
    out = {}
    for r, team in teams.items():
        out[r.review_id] = check_team(r, team, roles=result.teams[r.review_id].roles, other_teams=teams)
    return out


# --- random pools --------------------------------------------------------------------------------

@st.composite
def problems(draw):
    rng = random.Random(draw(st.integers(0, 10**9)))
    n_countries = draw(st.integers(2, 6))
    n_cities = draw(st.integers(3, 12))
    countries = ["AT", "BE", "DE", "FR", "GR", "IT"][:n_countries]
    city_country = {c: countries[c % n_countries] for c in range(1, n_cities + 1)}
    cands = []
    for uid in range(1, draw(st.integers(10, 40)) + 1):
        city = rng.randint(1, n_cities)
        away = ()
        if rng.random() < 0.2:
            s = START + timedelta(days=rng.randint(-5, 30))
            away = ((s, s + timedelta(days=rng.randint(0, 6)), "away"),)
        busy, load = (), {}
        if rng.random() < 0.15:
            s = START + timedelta(days=rng.randint(-5, 30))
            busy = (Busy(-uid, "Elsewhere", s, s + timedelta(days=3)),)
            load = {2027: 1}
        cands.append(Candidate(
            user_id=uid, name=f"Peer {uid}", city_id=city, city=f"City {city}", country=city_country[city],
            languages=frozenset(rng.sample(["en", "fr", "de", "el"], rng.randint(1, 3))),
            expertise={t: rng.choice([0, 0, 1, 2]) for t in (1, 2)}, trained=rng.random() < 0.4,
            max_per_year=rng.choice([1, 2, 3]), unavailable=away, busy=busy, load=load))
    specs = []
    for rid in range(1, draw(st.integers(1, 3)) + 1):
        team_min = rng.randint(1, 4)
        ids = [c.user_id for c in cands]
        specs.append(ReviewSpec(
            review_id=rid, title=f"Review {rid}", host_city_id=rng.randint(1, n_cities), theme_id=rng.choice([1, 2]),
            theme="Theme", start=START + timedelta(days=rng.randint(0, 20)),
            end=START + timedelta(days=25), team_min=team_min, team_max=team_min + rng.randint(0, 3),
            min_countries=rng.randint(1, 3), languages=tuple(sorted(rng.sample(["en", "fr", "el"], rng.randint(1, 2)))),
            conflicts={u: "conflict" for u in rng.sample(ids, 2)},
            cannot=frozenset(rng.sample(ids, 2)), wants=frozenset(rng.sample(ids, 3))))
    for s in specs:   # make the visit lengths realistic (3 to 6 days)
        object.__setattr__(s, "end", s.start + timedelta(days=rng.randint(2, 5)))
    return Problem(specs, cands, {c: rng.randint(0, 2) for c in city_country},
                   {c: rng.randint(0, 2) for c in city_country})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_proposal_meets_every_hard_rule_or_the_rule_is_named(problem):
    result = solve(problem, time_limit=TIME_LIMIT)
    for rid, broken in all_broken(problem, result).items():
        assert broken == [], (rid, broken)
    for r in problem.reviews:
        if r.review_id in result.teams:
            roles = result.teams[r.review_id].roles
            assert list(roles.values()).count("lead") == 1
            assert list(roles.values()).count("rapporteur") == (1 if len(roles) > 1 else 0)
        else:
            reasons = result.reasons(r.review_id)
            assert reasons and all(len(m) > 20 for m in reasons), reasons
    if len(problem.reviews) == 1 and not result.teams:
        _assert_really_impossible(problem, problem.reviews[0])


def _assert_really_impossible(problem, r):
    """Brute force on small pools: no subset of the eligible peers meets every rule."""
    pool = [c for c in problem.candidates if eligibility(r, c) is None]
    if len(pool) > 14:
        return
    for size in range(r.team_min, min(r.team_max, len(pool)) + 1):
        for team in itertools.combinations(pool, size):
            assert check_team(r, list(team)), f"the matcher missed a valid team: {team}"


@settings(max_examples=10, deadline=None)
@given(problems())
def test_the_same_input_gives_the_same_answer(problem):
    first = solve(problem, time_limit=TIME_LIMIT)
    shuffled = Problem(list(reversed(problem.reviews)), random.Random(1).sample(problem.candidates,
                       len(problem.candidates)), problem.hosted, problem.sent)
    second = solve(shuffled, time_limit=TIME_LIMIT)
    assert first.status == second.status
    assert first.objective == second.objective
    assert {k: (t.members, t.roles) for k, t in first.teams.items()} == \
           {k: (t.members, t.roles) for k, t in second.teams.items()}
    assert {k: [b.message for b in v] for k, v in first.impossible.items()} == \
           {k: [b.message for b in v] for k, v in second.impossible.items()}


@settings(max_examples=10, deadline=None)
@given(problems())
def test_the_flow_bound_is_never_below_the_optimum(problem):
    result = solve(problem, time_limit=TIME_LIMIT)
    if result.status == "OPTIMAL" and not result.impossible:
        pools = {r.review_id: pool_for(problem, r)[0] for r in problem.reviews}
        assert flow_bound(problem, problem.reviews, pools) >= result.objective
        assert scoring.objective(problem, {k: t.members for k, t in result.teams.items()}) == result.objective


# --- a small fixed pool ---------------------------------------------------------------------------

def pool(**overrides):
    base = [
        peer(1, 1, "AT", langs=("en", "de"), theme="expert", trained=True, name="Anna"),
        peer(2, 2, "PT", langs=("en", "pt"), theme="some", name="Bruno"),
        peer(3, 3, "SE", langs=("en", "sv"), name="Clara"),
        peer(4, 4, "DE", langs=("en", "de"), theme="some", trained=True, name="Dirk"),
        peer(5, 5, "FI", langs=("fi", "en"), name="Eeva"),
        peer(6, 1, "AT", langs=("en",), theme="expert", name="Franz"),
    ]
    for uid, cand in overrides.items():
        base[int(uid[1:]) - 1] = cand
    return base


def test_a_simple_team_is_optimal_with_a_trained_lead():
    problem = Problem([review(team_min=3, team_max=4, languages=("en", "de"))], pool())
    result = solve(problem, time_limit=TIME_LIMIT)
    assert result.status == "OPTIMAL" and result.objective == result.bound
    team = result.teams[1]
    assert 3 <= len(team.members) <= 4
    assert not (1 in team.members and 6 in team.members)      # Anna and Franz share a city
    lead = next(u for u, r in team.roles.items() if r == "lead")
    assert problem.by_id[lead].trained
    assert check_team(problem.reviews[0], members(problem, team), roles=team.roles) == []


@pytest.mark.parametrize("spec, cands, message", [
    (review(languages=("en", "el")), pool(), "no available peer speaks Greek"),
    (review(min_countries=6, team_max=6), pool(),
     "only 5 countries can be covered but the review needs 6"),
    (review(team_min=4, start=date(2027, 5, 12), days=4),
     [peer(i, i, "AT" if i % 2 else "DE", theme="expert" if i == 1 else None,
           unavailable=((date(2027, 5, 10), date(2027, 5, 13), "leave"),) if i > 3 else ())
      for i in range(1, 7)],
     "only 3 peers are available for 12–15 May 2027 but the team needs at least 4"),
    (review(), [peer(i, i, "AT" if i % 2 else "DE", theme="some") for i in range(1, 6)],
     "no available peer is an expert in Anti-discrimination"),
    (review(team_min=3), [peer(i, 1 + i % 2, "AT" if i % 2 else "DE", theme="expert") for i in range(1, 7)],
     "the 6 available peers come from only 2 cities and a team takes one peer per city, but the team "
     "needs at least 3"),
    (review(min_countries=3, team_max=2), pool(), "the review needs 3 countries but the team takes at most 2 peers"),
])
def test_an_impossible_team_names_the_rule(spec, cands, message):
    result = solve(Problem([spec], cands), time_limit=TIME_LIMIT)
    assert result.status == "INFEASIBLE" and not result.teams
    assert any(message in m for m in result.reasons(spec.review_id)), result.reasons(spec.review_id)


def test_exclusions_are_counted_in_the_message():
    cands = [peer(1, 100, "BE", theme="expert"), peer(2, 2, "AT", theme="expert"), peer(3, 3, "DE"),
             peer(4, 4, "FR")]
    spec = review(team_min=3, conflicts={2: "former adviser"}, cannot=frozenset({3}))
    reasons = solve(Problem([spec], cands), time_limit=TIME_LIMIT).reasons(1)
    message = next(m for m in reasons if m.startswith("only 1 peer is available"))
    assert "1 from the host city" in message and "1 with a conflict of interest" in message
    assert "1 said they cannot" in message


def test_rules_that_only_clash_together_are_found_by_the_solver():
    # Each rule alone can be met; with two seats, Greek, Finnish and an expert cannot all be.
    cands = [peer(1, 1, "GR", langs=("el",), name="Eleni"), peer(2, 2, "FI", langs=("fi",), name="Aino"),
             peer(3, 3, "AT", langs=("de",), theme="expert", name="Anna")]
    spec = review(team_min=1, team_max=2, min_countries=1, languages=("el", "fi"))
    result = solve(Problem([spec], cands), time_limit=TIME_LIMIT)
    [message] = result.reasons(1)
    for part in ("at most 2 peers", "a peer who speaks Greek", "a peer who speaks Finnish",
                 "an expert in Anti-discrimination", "Relaxing any one of them"):
        assert part in message, message


def test_a_round_never_seats_a_peer_on_two_overlapping_visits():
    cands = [peer(1, 1, "AT", theme="expert", trained=True), peer(2, 2, "DE", theme="expert"),
             peer(3, 3, "FR"), peer(4, 4, "IT")]
    a = review(1, team_min=2, team_max=2, min_countries=1)
    b = review(2, team_min=2, team_max=2, min_countries=1, host=101, start=START + timedelta(days=2))
    result = solve(Problem([a, b], cands), time_limit=TIME_LIMIT)
    assert set(result.teams) == {1, 2}
    assert not set(result.teams[1].members) & set(result.teams[2].members)
    assert {1, 2} & set(result.teams[1].members) and {1, 2} & set(result.teams[2].members)


def test_a_round_that_cannot_share_the_experts_says_so():
    cands = [peer(1, 1, "AT", theme="expert"), peer(2, 2, "DE"), peer(3, 3, "FR")]
    a = review(1, team_min=1, team_max=2, min_countries=1)
    b = review(2, team_min=1, team_max=2, min_countries=1, host=101, start=START + timedelta(days=1))
    result = solve(Problem([a, b], cands), time_limit=TIME_LIMIT)
    assert len(result.teams) == 1 and len(result.impossible) == 1
    [message] = next(iter(result.impossible.values()))
    assert "no peer on two visits at the same time" in message.message
    assert "an expert in Anti-discrimination" in message.message


def test_yearly_load_counts_seats_in_the_round_and_before():
    busy = peer(1, 1, "AT", theme="expert", max_per_year=2, load={2027: 1})
    cands = [busy, peer(2, 2, "DE", theme="expert"), peer(3, 3, "FR"), peer(4, 4, "IT")]
    a = review(1, team_min=1, team_max=1, min_countries=1, wants=frozenset({1}))
    b = review(2, team_min=1, team_max=1, min_countries=1, host=101, start=START + timedelta(days=40),
               wants=frozenset({1}))
    result = solve(Problem([a, b], cands), time_limit=TIME_LIMIT)
    assert sum(1 in t.members for t in result.teams.values()) == 1
    assert all_broken(Problem([a, b], cands), result) == {1: [], 2: []}
    # the checker sees it too
    assert any("would have 3 reviews in 2027" in m for m in check_team(a, [busy], other_teams={b: [busy]}))


def test_fixed_members_stay_and_the_declined_are_not_proposed_again():
    spec = review(team_min=3, team_max=3, fixed=(2,), fixed_roles={2: "rapporteur"}, declined=frozenset({1}))
    result = solve(Problem([spec], pool()), time_limit=TIME_LIMIT)
    team = result.teams[1]
    assert 2 in team.members and 1 not in team.members
    assert team.roles[2] == "rapporteur"


def test_bids_and_expertise_drive_the_choice():
    cands = [peer(1, 1, "AT", theme="expert"), peer(2, 2, "DE"), peer(3, 3, "FR"), peer(4, 4, "IT")]
    result = solve(Problem([review(team_min=2, team_max=2, wants=frozenset({3}))], cands), time_limit=TIME_LIMIT)
    assert set(result.teams[1].members) == {1, 3}


def test_greedy_baseline_can_break_coverage_rules_the_solver_keeps():
    cands = [peer(1, 1, "AT", theme="expert", langs=("en",)), peer(2, 2, "AT", theme="expert", langs=("en",)),
             peer(3, 3, "AT", theme="expert", langs=("en",)), peer(4, 4, "GR", langs=("el",))]
    spec = review(team_min=2, team_max=3, min_countries=2, languages=("en", "el"))
    problem = Problem([spec], cands)
    teams = greedy(problem)
    assert check_team(spec, [problem.by_id[u] for u in teams[1]])       # no Greek speaker
    assert check_team(spec, [problem.by_id[u] for u in greedy(problem, coverage=True)[1]]) == []
    assert 4 in solve(problem, time_limit=TIME_LIMIT).teams[1].members


def test_large_problems_are_shortlisted_with_an_honest_bound():
    rng = random.Random(3)
    cands = [peer(i, i % 40 + 1, ["AT", "DE", "FR", "IT", "PT"][i % 5], langs=("en", "fr")[: 1 + i % 2],
                  expertise={1: rng.choice([0, 1, 2])}, trained=i % 3 == 0) for i in range(1, 301)]
    specs = [review(r, host=200 + r, team_min=3, team_max=5, start=START + timedelta(days=7 * r))
             for r in range(1, 5)]
    problem = Problem(specs, cands)
    exact = solve(problem, time_limit=TIME_LIMIT)
    short = solve(problem, time_limit=TIME_LIMIT, large=100)
    assert exact.status == "OPTIMAL" and not exact.shortlisted
    assert short.shortlisted and short.bound >= exact.objective >= short.objective
    assert all(v == [] for v in all_broken(problem, short).values())


# --- large rounds: shortlists, the repaired start, the priced bound --------------------------------

def generated_round(n_reviews=6, n_peers=240, seed=5):
    """A small round built like the bench's: peers of 40 cities in 8 countries, the host
    country's language plus English as working languages, visits a week apart, some overlapping."""
    rng = random.Random(seed)
    countries = [("AT", "de"), ("FR", "fr"), ("GR", "el"), ("IT", "it"), ("PL", "pl"), ("PT", "pt"),
                 ("SE", "sv"), ("FI", "fi")]
    cands = []
    for i in range(1, n_peers + 1):
        city = i % 40 + 1
        country, lang = countries[city % len(countries)]
        langs = {lang} | ({"en"} if rng.random() < 0.8 else set())
        cands.append(peer(i, city, country, langs=langs, trained=rng.random() < 0.4,
                          expertise={t: rng.choice([0, 0, 0, 1, 2]) for t in (1, 2)},
                          max_per_year=rng.choice([1, 2, 3])))
    specs = []
    for r in range(1, n_reviews + 1):
        host = rng.randint(1, 40)
        lang = countries[host % len(countries)][1]
        specs.append(review(r, host=host, team_min=4, team_max=6, min_countries=3, theme_id=rng.choice([1, 2]),
                            languages=tuple(sorted({lang, "en"})), start=START + timedelta(days=5 * r)))
    return Problem(specs, cands, {c: rng.randint(0, 2) for c in range(1, 41)},
                   {c: rng.randint(0, 3) for c in range(1, 41)})


def pools_of(problem):
    return {r.review_id: pool_for(problem, r)[0] for r in problem.reviews}


def test_the_shortlist_keeps_the_seats_the_flow_bound_picks(monkeypatch):
    from peerreview.matching import large

    problem = generated_round()
    # with nothing kept for its own score, only the flow's seats and the start make the list
    for name in ("TOP", "PER_CITY", "PER_LANGUAGE", "PER_EXPERT", "PER_TRAINED", "PER_COUNTRY"):
        monkeypatch.setattr(large, name, 0)
    start = large.prepare(problem, problem.reviews, pools_of(problem))
    for r in problem.reviews:
        listed = {c.user_id for c in start.pools[r.review_id]}
        assert start.picks[r.review_id] and set(start.picks[r.review_id]) <= listed
        assert set(start.teams[r.review_id]) <= listed
        assert len(listed) < len(pool_for(problem, r)[0])


def test_the_shortlist_has_stand_ins_per_city_and_language():
    from peerreview.matching import large

    problem = generated_round()
    pools = pools_of(problem)
    for r in problem.reviews:
        listed = large.shortlist(problem, r, large.ranked(problem, r, pools[r.review_id]))
        for lang in r.languages:
            speakers = {c.city_id for c in listed if lang in c.languages}
            assert len(speakers) >= min(large.PER_LANGUAGE,
                                        len({c.city_id for c in pools[r.review_id] if lang in c.languages}))
        for city in {c.city_id for c in listed}:
            available = sum(c.city_id == city for c in pools[r.review_id])
            assert sum(c.city_id == city for c in listed) >= min(2, available)


def test_a_large_round_keeps_every_hard_rule_and_its_bound_is_honest():
    problem = generated_round()
    exact = solve(problem, time_limit=TIME_LIMIT)
    short = solve(problem, time_limit=TIME_LIMIT, large=0)
    assert exact.status == "OPTIMAL" and not exact.shortlisted
    assert short.shortlisted and set(short.teams) == {r.review_id for r in problem.reviews}
    assert all(v == [] for v in all_broken(problem, short).values())
    true = scoring.objective(problem, {k: t.members for k, t in short.teams.items()})
    assert short.bound >= exact.objective >= true >= short.objective >= short.start_objective
    assert short.first_solution is not None


def test_a_large_round_keeps_the_peers_already_invited():
    problem = generated_round()
    first = problem.reviews[0]
    pool = pool_for(problem, first)[0]
    # the lowest-scoring eligible peer, invited already: no flow or score would pick them
    weakest = min(pool, key=lambda c: (scoring.seat_score(problem, first, c), c.user_id))
    object.__setattr__(first, "fixed", (weakest.user_id,))
    result = solve(problem, time_limit=TIME_LIMIT, large=0)
    assert result.shortlisted and weakest.user_id in result.teams[first.review_id].members
    assert all(v == [] for v in all_broken(problem, result).values())


def test_a_large_round_answers_with_the_repaired_round_when_the_solver_finds_nothing(monkeypatch):
    from ortools.sat.python import cp_model

    problem = generated_round()
    monkeypatch.setattr(cp_model.CpSolver, "Solve", lambda self, model, callback=None: cp_model.UNKNOWN)
    result = solve(problem, time_limit=TIME_LIMIT, large=0)
    assert set(result.teams) == {r.review_id for r in problem.reviews} and not result.messages
    assert all(v == [] for v in all_broken(problem, result).values())
    assert result.objective == scoring.objective(problem, {k: t.members for k, t in result.teams.items()})
    assert result.bound >= result.objective
    # without a starting round there is nothing to answer with
    assert solve(problem, time_limit=TIME_LIMIT).status == "UNKNOWN"


def test_repair_seats_a_speaker_of_the_missing_language_at_the_least_cost():
    from peerreview.matching.repair import repair

    cands = [peer(1, 1, "AT", langs=("en", "de"), theme="expert", trained=True),
             peer(2, 2, "FR", langs=("en", "fr"), theme="some"),
             peer(3, 3, "IT", langs=("en",)),
             peer(4, 4, "GR", langs=("el",), theme="some"),
             peer(5, 5, "GR", langs=("el", "en"))]
    spec = review(team_min=3, team_max=3, languages=("en", "el"))
    problem = Problem([spec], cands)
    mended = repair(problem, [spec], {1: sorted(pool_for(problem, spec)[0], key=lambda c: (
        -scoring.seat_score(problem, spec, c), c.user_id))}, {1: [1, 2, 3]})
    # Peer 3 (no expertise) makes way for peer 4, the Greek speaker who scores best
    assert sorted(mended[1]) == [1, 2, 4]
    assert check_team(spec, [problem.by_id[u] for u in mended[1]]) == []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_the_large_path_keeps_every_rule_and_never_bounds_below_the_optimum(problem):
    from peerreview.matching.large import prepare

    result = solve(problem, time_limit=TIME_LIMIT, large=0)
    for rid, broken in all_broken(problem, result).items():
        assert broken == [], (rid, broken)
    exact = solve(problem, time_limit=TIME_LIMIT)
    assert set(result.teams) == set(exact.teams)
    if exact.status == "OPTIMAL" and exact.teams:
        active = [r for r in problem.reviews if r.review_id in exact.teams]
        start = prepare(problem, active, {r.review_id: pool_for(problem, r)[0] for r in active})
        assert start.bound >= exact.objective
        assert result.bound >= exact.objective
