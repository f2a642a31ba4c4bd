"""Team assignment with OR-Tools CP-SAT, for one review or a round of several at once.

Hard rules (see rules.py) are constraints; preferences (scoring.py) are the objective. Peers
who cannot sit on a team at all (host city, unavailable, conflict...) get no variable. The
model is built in a fixed order (reviews, then peers, by id) and solved with one worker and a
fixed seed, so the same input gives the same answer. Lead and rapporteur are picked after the
solve (scoring.pick_roles): the objective already rewards a team with a trained peer, so this
gives the same optimum as modelling the roles, with three times fewer variables. Large rounds
(more than LARGE_MODEL pairs) start from a round repaired from the flow relaxation and are
solved on shortlists (large.py).

When no team is possible the result says why: first rule by rule before solving
(rules.precheck); if CP-SAT still finds the rules contradictory, each rule family gets an
enforcement literal, the model is solved under those assumptions, and the sufficient set
CP-SAT returns is shrunk one rule at a time to the rules that cannot hold together.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from peerreview.i18n import gettext as _
from peerreview.matching import scoring
from peerreview.matching.greedy import greedy
from peerreview.matching.large import PRICING_SHARE
from peerreview.matching.large import prepare as prepare_large
from peerreview.matching.problem import Candidate, Problem, ReviewSpec, language, period
from peerreview.matching.rules import Broken, pool_for, precheck

DEFAULT_TIME_LIMIT = 10.0
DIAGNOSIS_TESTS = 24
LARGE_MODEL = 40_000     # peer-review pairs above which each review gets a shortlist
ROLE_ORDER = ["lead", "rapporteur", "expert", "peer"]

STATUS = {cp_model.OPTIMAL: "OPTIMAL", cp_model.FEASIBLE: "FEASIBLE",
          cp_model.INFEASIBLE: "INFEASIBLE", cp_model.UNKNOWN: "UNKNOWN",
          cp_model.MODEL_INVALID: "MODEL_INVALID"}


@dataclass
class Team:
    review_id: int
    members: list[int]
    roles: dict[int, str]
    score: int = 0


@dataclass
class MatchResult:
    status: str
    teams: dict[int, Team] = field(default_factory=dict)
    objective: int | None = None
    bound: int | None = None
    seconds: float = 0.0
    impossible: dict[int, list[Broken]] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    variables: int = 0
    shortlisted: bool = False
    shortlist_bound: int | None = None
    first_solution: float | None = None     # seconds from the start to the first team found
    start_objective: int | None = None      # large rounds: the objective of the starting round

    @property
    def proven_optimal(self) -> bool:
        return self.status == "OPTIMAL"

    @property
    def gap(self) -> float | None:
        """Relative distance between the answer and the best possible (0 when proven)."""
        if self.objective is None or self.bound is None:
            return None
        return abs(self.bound - self.objective) / max(1, abs(self.bound))

    def reasons(self, review_id: int) -> list[str]:
        return [b.message for b in self.impossible.get(review_id, [])]


def interval_cliques(reviews: list[ReviewSpec]) -> list[list[ReviewSpec]]:
    """Maximal groups of reviews whose visits all overlap (the cliques of an interval graph)."""
    out: list[list[ReviewSpec]] = []
    for r in sorted(reviews, key=lambda r: (r.start, r.review_id)):
        group = [o for o in reviews if o.start <= r.start <= o.end]
        ids = sorted(o.review_id for o in group)
        if len(group) > 1 and not any(set(ids) <= {o.review_id for o in g} for g in out):
            out = [g for g in out if not {o.review_id for o in g} <= set(ids)]
            out.append(sorted(group, key=lambda o: o.review_id))
    return out


class _Builder:
    """Builds the CP-SAT model. With ``relaxable``, each rule family is enforced only under a
    literal of its own (used for diagnosis); otherwise the rules are plain constraints."""

    def __init__(self, problem: Problem, reviews: list[ReviewSpec], pools: dict[int, list[Candidate]],
                 *, relaxable: bool = False, objective: bool = True):
        self.problem, self.reviews, self.relaxable, self.pools = problem, reviews, relaxable, pools
        self.m = cp_model.CpModel()
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        self.by_review: dict[int, list[tuple[Candidate, cp_model.IntVar]]] = {}
        self.lits: dict[str, tuple[cp_model.IntVar, str, tuple[int, ...]]] = {}
        self.score: dict[tuple[int, int], int] = {}
        self.aux: list[tuple[cp_model.IntVar, object]] = []    # (variable, value from a hint)
        self._variables()
        self._rules()
        if objective:
            self._objective()

    def _rule(self, ct, key: str, text: str, review_ids: tuple[int, ...]) -> None:
        if not self.relaxable:
            return
        if key not in self.lits:
            self.lits[key] = (self.m.new_bool_var(key), text, review_ids)
        ct.only_enforce_if(self.lits[key][0])

    def _variables(self) -> None:
        p = self.problem
        for r in self.reviews:
            fixed = set(r.fixed)
            for c in self.pools[r.review_id]:
                var = self.m.new_bool_var(f"x_{r.review_id}_{c.user_id}")
                self.x[r.review_id, c.user_id] = var
                self.by_review.setdefault(r.review_id, []).append((c, var))
                self.score[r.review_id, c.user_id] = scoring.seat_score(p, r, c)
                if c.user_id in fixed:
                    self.m.add(var == 1)

    def seats(self, r: ReviewSpec) -> list[tuple[Candidate, cp_model.IntVar]]:
        return self.by_review.get(r.review_id, [])

    def _rules(self) -> None:
        for r in self.reviews:
            rid, seats = r.review_id, self.seats(r)
            xs = [v for _, v in seats]
            self._rule(self.m.add(sum(xs) >= r.team_min), f"size_min:{rid}",
                       _("at least %(num)d peers", num=r.team_min), (rid,))
            self._rule(self.m.add(sum(xs) <= r.team_max), f"size_max:{rid}",
                       _("at most %(num)d peers", num=r.team_max), (rid,))
            by_city: dict[int, list] = {}
            by_country: dict[str, list] = {}
            for c, v in seats:
                by_city.setdefault(c.city_id, []).append(v)
                by_country.setdefault(c.country, []).append(v)
            for vs in by_city.values():
                if len(vs) > 1:
                    self._rule(self.m.add(sum(vs) <= 1), f"city:{rid}", _("one peer per city"),
                               (rid,))
            if r.min_countries > 1:
                covered = []
                for country in sorted(by_country):
                    y = self.m.new_bool_var(f"country_{rid}_{country}")
                    self.m.add(y <= sum(by_country[country]))
                    covered.append(y)
                    self.aux.append((y, lambda t, rid=rid, k=country: int(any(
                        self.problem.by_id[u].country == k for u in t.get(rid, ())))))
                self._rule(self.m.add(sum(covered) >= r.min_countries), f"countries:{rid}",
                           _("peers from at least %(num)d countries", num=r.min_countries),
                           (rid,))
            for lang in r.languages:
                self._rule(self.m.add(sum(v for c, v in seats if lang in c.languages) >= 1),
                           f"lang:{rid}:{lang}",
                           _("a peer who speaks %(language)s", language=language(lang)), (rid,))
            self._rule(self.m.add(sum(v for c, v in seats if c.level(r.theme_id) == 2) >= 1),
                       f"expert:{rid}", _("an expert in %(theme)s", theme=r.theme), (rid,))
        # within the run: no peer on two overlapping visits, and the yearly load
        by_peer: dict[int, dict[int, cp_model.IntVar]] = {}
        for (rid, u), v in self.x.items():
            by_peer.setdefault(u, {})[rid] = v
        for group in interval_cliques(self.reviews):
            ids = tuple(o.review_id for o in group)
            text = _("no peer on two visits at the same time (%(visits)s)",
                     visits=", ".join(o.title for o in group))
            for u in sorted(by_peer):
                vs = [by_peer[u][i] for i in ids if i in by_peer[u]]
                if len(vs) > 1:
                    self._rule(self.m.add_at_most_one(vs), "overlap:" + "-".join(map(str, ids)), text, ids)
        years = sorted({r.year for r in self.reviews})
        for year in years:
            ids = tuple(r.review_id for r in self.reviews if r.year == year)
            for u in sorted(by_peer):
                vs = [by_peer[u][i] for i in ids if i in by_peer[u]]
                cap = self.problem.by_id[u].max_per_year - self.problem.by_id[u].load.get(year, 0)
                if len(vs) > max(cap, 0):
                    self._rule(self.m.add(sum(vs) <= max(cap, 0)), f"load:{year}",
                               _("each peer's limit of reviews per year in %(year)s", year=year),
                               ids)

    def _objective(self) -> None:
        p = self.problem
        keys = [k for k in sorted(self.score) if self.score[k]]
        terms = [cp_model.LinearExpr.weighted_sum([self.x[k] for k in keys],
                                                  [self.score[k] for k in keys])]
        for r in self.reviews:
            trained = [v for c, v in self.seats(r) if c.trained]
            if trained:
                has = self.m.new_bool_var(f"trained_{r.review_id}")
                self.m.add(has <= sum(trained))
                terms.append(scoring.TRAINED_LEAD * has)
                self.aux.append((has, lambda t, rid=r.review_id: int(any(
                    p.by_id[u].trained for u in t.get(rid, ())))))
        by_peer: dict[int, list] = {}
        by_city: dict[int, list] = {}
        for (rid, u), v in sorted(self.x.items()):
            by_peer.setdefault(u, []).append(v)
            by_city.setdefault(p.by_id[u].city_id, []).append((rid, v))
        if len(self.reviews) > 1:
            for u, vs in sorted(by_peer.items()):
                if len(vs) > 1:
                    extra = self.m.new_int_var(0, len(vs) - 1, f"peer_extra_{u}")
                    self.m.add(extra >= sum(vs) - 1)
                    terms.append(-scoring.PEER_EXTRA * extra)
                    self.aux.append((extra, lambda t, u=u: max(0, sum(u in m for m in t.values()) - 1)))
            quota = scoring.city_quota(p)
            for city, pairs in sorted(by_city.items()):
                if len({rid for rid, _ in pairs}) > quota:
                    extra = self.m.new_int_var(0, len(pairs) - quota, f"city_extra_{city}")
                    self.m.add(extra >= sum(v for _, v in pairs) - quota)
                    terms.append(-scoring.CITY_EXTRA * extra)
                    self.aux.append((extra, lambda t, city=city, q=quota: max(0, sum(
                        p.by_id[u].city_id == city for m in t.values() for u in m) - q)))
        self.m.maximize(sum(terms))

    def hint(self, teams: dict[int, list[int]]) -> None:
        """Start the search from ``teams`` (the auxiliary variables follow from it)."""
        teams = {rid: [u for u in members if (rid, u) in self.x] for rid, members in teams.items()}
        for (rid, u), v in self.x.items():
            self.m.add_hint(v, 1 if u in teams.get(rid, ()) else 0)
        for var, value in self.aux:
            self.m.add_hint(var, value(teams))


class _FirstSolution(cp_model.CpSolverSolutionCallback):
    def __init__(self, t0: float):
        super().__init__()
        self.t0, self.at = t0, None

    def on_solution_callback(self) -> None:
        if self.at is None:
            self.at = time.perf_counter() - self.t0


def _solver(time_limit: float, seed: int, workers: int, log: bool = False) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.log_search_progress = log
    # the full LP relaxation (cuts on the at-most-one and cover constraints) is what proves
    # a round optimal quickly; without it the bound stalls a few per cent above the answer
    solver.parameters.linearization_level = 2
    return solver


def solve(problem: Problem, *, time_limit: float = DEFAULT_TIME_LIMIT, seed: int = 0,
          workers: int | None = None, hint: bool = True, diagnose: bool = True,
          large: int = LARGE_MODEL, log: bool = False) -> MatchResult:
    """Propose a team for every review of ``problem``; say why where none is possible.

    Problems with more than ``large`` peer-review pairs start from a round repaired from the
    flow relaxation and are solved on a shortlist of each review's candidates (large.py); the
    answer is then FEASIBLE, and its bound is the flow's bound on the full problem, so the
    reported gap stays honest. Those large runs use two workers (better answers within the
    time limit, but no longer deterministic); everything else uses one worker and is
    deterministic.
    """
    t0 = time.perf_counter()
    result = MatchResult(status="UNKNOWN")
    pools, active = {}, []
    for r in problem.reviews:
        pool = pool_for(problem, r)
        pools[r.review_id] = pool[0]
        broken = precheck(problem, r, pool)
        if broken:
            result.impossible[r.review_id] = broken
        else:
            active.append(r)
    short = sum(len(pools[r.review_id]) for r in active) > large
    while active:
        used = {r.review_id: pools[r.review_id] for r in active}
        if short:        # the flow's bound, a round repaired from its seats, and shortlists
            prepared = prepare_large(problem, active, used, deadline=t0 + PRICING_SHARE * time_limit)
            start, used = prepared.teams, prepared.pools
        else:
            start = greedy(Problem(active, problem.candidates, problem.hosted, problem.sent, problem.practices),
                           coverage=True, pools=pools) if hint else {}
        b = _Builder(problem, active, used)
        if hint:
            b.hint(start)
        solver = _solver(time_limit - (time.perf_counter() - t0), seed, workers or (2 if short else 1), log)
        solver.parameters.cp_model_probing_level = 0    # measured: about 20% faster here
        first = _FirstSolution(t0)
        status = solver.Solve(b.m, first)
        result.first_solution = first.at
        result.variables = len(b.x)
        found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        if short and prepared.keeps_rules:      # a round in hand before CP-SAT started
            result.first_solution = prepared.found_at - t0
            result.start_objective = scoring.objective(problem, start)
        if found or (short and prepared.keeps_rules):
            result.status = STATUS[status] if found else "FEASIBLE"
            result.objective = round(solver.ObjectiveValue()) if found else result.start_objective
            result.bound = round(solver.BestObjectiveBound()) if found else None
            chosen = {r.review_id: [c.user_id for c, v in b.seats(r) if solver.Value(v)] if found
                      else list(start[r.review_id]) for r in active}
            if short:
                result.shortlisted = True
                result.shortlist_bound = result.bound
                result.bound = prepared.bound
                result.status = "OPTIMAL" if result.bound <= result.objective else "FEASIBLE"
            for r in active:
                members = chosen[r.review_id]
                roles = scoring.pick_roles(problem, r, members)
                members.sort(key=lambda u: (ROLE_ORDER.index(roles[u]), -b.score[r.review_id, u], u))
                result.teams[r.review_id] = Team(r.review_id, members, roles,
                                                 sum(b.score[r.review_id, u] for u in members))
            break
        if status == cp_model.INFEASIBLE and short:
            short = False        # the shortlist may have been too short: try everyone
            continue
        if status == cp_model.INFEASIBLE and diagnose:
            left = time_limit - (time.perf_counter() - t0)
            culprits = _diagnose(problem, active, used, max(left, 2.0), seed)
            if not culprits:
                result.messages.append(_("The rules cannot all be met together, and no smaller set "
                                         "of rules could be singled out within the time limit."))
                for r in active:
                    result.impossible[r.review_id] = [Broken("round", _(
                        "no team can meet every rule together with the other reviews"))]
                break
            # Reviews competing for the same peers: leave out the last one and try the others
            # again, so that as many reviews as possible get a team.
            last = max(culprits)
            result.impossible[last] = culprits[last]
            active = [r for r in active if r.review_id != last]
            continue
        if status == cp_model.INFEASIBLE:
            for r in active:
                result.impossible[r.review_id] = [Broken("round", _("no team meets every rule"))]
            break
        result.status = STATUS[status]
        result.messages.append(_("No team was found within the time limit of %(seconds)s s; "
                                 "run again with a longer limit.", seconds=f"{time_limit:g}"))
        break
    if not result.teams and result.impossible:
        result.status = "INFEASIBLE"
    result.seconds = time.perf_counter() - t0
    return result


def _diagnose(problem: Problem, reviews: list[ReviewSpec], pools: dict[int, list[Candidate]],
              time_limit: float, seed: int) -> dict[int, list[Broken]]:
    """The smallest set of rules found that cannot hold together, per review it concerns."""
    t0 = time.perf_counter()
    b = _Builder(problem, reviews, pools, relaxable=True, objective=False)
    keys = sorted(b.lits)

    def infeasible(subset: list[str]) -> tuple[bool, list[str]]:
        b.m.ClearAssumptions()
        b.m.AddAssumptions([b.lits[k][0] for k in subset])
        solver = _solver(time_limit - (time.perf_counter() - t0), seed, 1)
        status = solver.Solve(b.m)
        if status != cp_model.INFEASIBLE:
            return False, []
        idx = {b.lits[k][0].Index(): k for k in subset}
        return True, sorted(idx[i] for i in solver.SufficientAssumptionsForInfeasibility() if i in idx)

    bad, core = infeasible(keys)
    if not bad or not core:
        return {}
    minimal, tests = True, 0
    for key in list(core):
        if key not in core:
            continue
        if tests >= DIAGNOSIS_TESTS or time.perf_counter() - t0 > time_limit:
            minimal = False
            break
        tests += 1
        trial = [k for k in core if k != key]
        still, smaller = infeasible(trial)
        if still:
            core = smaller if smaller and set(smaller) <= set(trial) else trial
    if not core:
        return {}
    texts = [b.lits[k][1] for k in core]
    review_ids = sorted({rid for k in core for rid in b.lits[k][2]
                         if k.split(":")[0] not in ("overlap", "load")}
                        or {rid for k in core for rid in b.lits[k][2]})
    titles = {r.review_id: f"{r.title} ({period(r.start, r.end)})" for r in reviews}
    joined = texts[0] if len(texts) == 1 else _("%(rules)s and %(last)s", rules="; ".join(texts[:-1]),
                                                last=texts[-1])
    relaxing = minimal and len(texts) > 1
    out = {}
    for rid in review_ids:
        others = [titles[o] for o in review_ids if o != rid]
        if others:
            text = _("these rules cannot all be met (together with %(reviews)s): %(rules)s.",
                     reviews=", ".join(others), rules=joined)
        else:
            text = _("these rules cannot all be met: %(rules)s.", rules=joined)
        if relaxing:
            text = _("%(problem)s Relaxing any one of them would make a team possible.", problem=text)
        out[rid] = [Broken("combination", text)]
    return out

