"""The matcher's preferences as integer weights, shared by the solver, the greedy baseline and
the explanations, so that all three score a team the same way."""

from __future__ import annotations

from peerreview.matching.problem import Candidate, Problem, ReviewSpec

EXPERT = 10          # per seat held by an expert in the review's theme
SOME = 4             # per seat held by someone with some expertise
BID = 6              # per seat held by a peer who said "I would like to join"
TRAINED = 1          # per trained peer
TRAINED_LEAD = 8     # per team with a trained peer, who then leads it
LOAD = 3             # per seat the peer already holds in that year (spread the load)
CITY_BALANCE = 1     # per review hosted but not yet repaid with a seat, capped below
CITY_BALANCE_CAP = 3
PEER_EXTRA = 4       # per extra seat for the same peer within one run
CITY_EXTRA = 2       # per seat beyond a city's fair share within one run (see city_quota)
PRACTICE = 3         # per seat held by a peer whose city shares a good practice on the review's theme


def brings_practice(problem: Problem, review: ReviewSpec, cand: Candidate) -> bool:
    """The peer's city shares with the network a key factor of this review's theme rated 3."""
    return review.theme_id in problem.practices.get(cand.city_id, ())


def city_balance(problem: Problem, city_id: int) -> int:
    """Positive for cities that hosted more reviews than they sent peers to."""
    raw = problem.hosted.get(city_id, 0) - problem.sent.get(city_id, 0)
    return max(-CITY_BALANCE_CAP, min(CITY_BALANCE_CAP, raw)) * CITY_BALANCE


def city_quota(problem: Problem) -> int:
    """A city's fair share of the seats of one run: the smallest teams' seats spread evenly
    over the cities that could send someone (1 for a usual round)."""
    cities = {c.city_id for c in problem.candidates}
    seats = sum(r.team_min for r in problem.reviews)
    return max(1, -(-seats // max(1, len(cities))))


def seat_parts(problem: Problem, review: ReviewSpec, cand: Candidate) -> dict[str, int]:
    level = cand.level(review.theme_id)
    parts = {
        "expertise": EXPERT if level == 2 else SOME if level == 1 else 0,
        "bid": BID if cand.user_id in review.wants else 0,
        "trained": TRAINED if cand.trained else 0,
        "load": -LOAD * cand.load.get(review.year, 0),
        "city": city_balance(problem, cand.city_id),
        "practice": PRACTICE if brings_practice(problem, review, cand) else 0,
    }
    return parts


def seat_score(problem: Problem, review: ReviewSpec, cand: Candidate) -> int:
    """The sum of ``seat_parts``, computed once per pair and problem (called per pair by the
    solver, the bound, the shortlists and the repair)."""
    memo = problem.__dict__.setdefault("_seat", {})
    key = (review.review_id, cand.user_id)
    if key not in memo:
        memo[key] = _seat_score(problem, review, cand)
    return memo[key]


def _seat_score(problem: Problem, review: ReviewSpec, cand: Candidate) -> int:
    level = cand.expertise.get(review.theme_id, 0)
    score = EXPERT if level == 2 else SOME if level == 1 else 0
    if cand.user_id in review.wants:
        score += BID
    if cand.trained:
        score += TRAINED
    if cand.load:
        score -= LOAD * cand.load.get(review.start.year, 0)
    if problem.practices and brings_practice(problem, review, cand):
        score += PRACTICE
    balance = problem.__dict__.setdefault("_balance", {})
    if cand.city_id not in balance:
        balance[cand.city_id] = city_balance(problem, cand.city_id)
    return score + balance[cand.city_id]


def objective(problem: Problem, teams: dict[int, list[int]]) -> int:
    """The solver's objective for any assignment {review id: [user ids]} (rules not checked)."""
    total = 0
    per_peer: dict[int, int] = {}
    per_city: dict[int, int] = {}
    for review in problem.reviews:
        members = [problem.by_id[u] for u in teams.get(review.review_id, []) if u in problem.by_id]
        total += sum(seat_score(problem, review, c) for c in members)
        if any(c.trained for c in members):
            total += TRAINED_LEAD
        for c in members:
            per_peer[c.user_id] = per_peer.get(c.user_id, 0) + 1
            per_city[c.city_id] = per_city.get(c.city_id, 0) + 1
    total -= PEER_EXTRA * sum(n - 1 for n in per_peer.values() if n > 1)
    quota = city_quota(problem)
    total -= CITY_EXTRA * sum(n - quota for n in per_city.values() if n > quota)
    return total


def pick_roles(problem: Problem, review: ReviewSpec, members: list[int]) -> dict[int, str]:
    """A lead and a rapporteur among ``members``.

    A lead already chosen stays unless a trained peer is on the team and the lead is not
    trained; otherwise the lead is the trained member with the most expertise (then score).
    The rapporteur already chosen stays; otherwise it is the best remaining member.
    """
    cands = [problem.by_id[u] for u in members if u in problem.by_id]

    def rank(c: Candidate):
        return (-c.level(review.theme_id), -seat_score(problem, review, c), c.user_id)

    roles = {c.user_id: "peer" for c in cands}
    if not cands:
        return roles
    any_trained = any(c.trained for c in cands)
    fixed_lead = next((c for c in cands if review.fixed_roles.get(c.user_id) == "lead"), None)
    if fixed_lead is not None and (fixed_lead.trained or not any_trained):
        lead = fixed_lead
    else:
        pool = [c for c in cands if c.trained] or cands
        lead = min(pool, key=lambda c: (not c.trained, *rank(c)))
    roles[lead.user_id] = "lead"
    rest = [c for c in cands if c.user_id != lead.user_id]
    if rest:
        fixed_rap = next((c for c in rest if review.fixed_roles.get(c.user_id) == "rapporteur"), None)
        rap = fixed_rap or min(rest, key=rank)
        roles[rap.user_id] = "rapporteur"
    for c in cands:
        if roles[c.user_id] == "peer" and review.fixed_roles.get(c.user_id) == "expert":
            roles[c.user_id] = "expert"
    return roles
