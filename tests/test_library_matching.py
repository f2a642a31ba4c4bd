"""Evidence-based matching: the matcher scores "brings a shared good practice on a key factor
of this review", from what cities share with the network, and never from a private report."""

from __future__ import annotations

from datetime import date, timedelta

from peerreview.matching import scoring
from peerreview.matching.problem import Problem
from peerreview.matching.solver import solve
from tests.library_helpers import issued_report
from tests.reviews_helpers import make_benchmark, make_review  # noqa: F401  (fixtures)
from tests.test_matching_solver import TIME_LIMIT, peer, review


def test_a_peer_whose_city_shares_a_good_practice_wins_a_tie():
    spec = review(team_min=2, team_max=2, min_countries=2)
    cands = [peer(1, 1, "AT", theme="expert", trained=True), peer(2, 2, "DE", theme="expert"),
             peer(3, 3, "PT", theme="expert")]
    plain = solve(Problem([spec], cands), time_limit=TIME_LIMIT)
    favoured = 2 if 3 in plain.teams[1].members else 3
    problem = Problem([spec], cands, practices={favoured: frozenset({1})})
    result = solve(problem, time_limit=TIME_LIMIT)
    assert result.status == "OPTIMAL" and favoured in result.teams[1].members
    c = problem.by_id[favoured]
    assert scoring.seat_parts(problem, spec, c)["practice"] == scoring.PRACTICE
    assert scoring.seat_score(problem, spec, c) == scoring.seat_score(Problem([spec], cands), spec, c) + scoring.PRACTICE


def test_the_loader_reads_only_what_is_shared(app, db_session, make_city, make_user, make_benchmark, make_review,
                                              today):
    from peerreview.matching.explain import member_reasons
    from peerreview.matching.loader import build_problem, shared_practices

    bench = make_benchmark("Language courses", key_factors=2)
    vienna, munich, tampere = make_city("Vienna", "AT"), make_city("Munich", "DE"), make_city("Tampere", "FI")
    issued_report(db_session, host=vienna, benchmark=bench, issued_on=today - timedelta(days=300),
                  level="network", findings={0: ("3", "Fully in place.")})
    issued_report(db_session, host=munich, benchmark=bench, issued_on=today - timedelta(days=300),
                  level="network", findings={0: ("3", "Held back.")}, withheld=("KF1",))
    issued_report(db_session, host=tampere, benchmark=bench, issued_on=today - timedelta(days=300),
                  findings={0: ("3", "Private.")})
    assert shared_practices({bench.theme_id}) == {vienna.id: frozenset({bench.theme_id})}
    host = make_city("Ghent", "BE")
    target = make_review("team_forming", host=host, benchmark=bench, visit_start=date.today() + timedelta(days=90))
    anna = make_user("Anna", city=vienna)
    problem = build_problem([target], extra_users=[anna])
    spec = problem.reviews[0]
    reasons = member_reasons(problem, spec, [problem.by_id[anna.id]], problem.by_id[anna.id])
    assert any("brings a shared good practice" in r for r in reasons)
