"""``flask match``: run the matcher from the command line.

Exit status: 0 every review got a team; 1 bad input (nothing written); 2 at least one review
cannot get a team (the reasons are printed; the other reviews' proposals are printed, and
stored unless --dry-run).
"""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from peerreview.domain import DomainError
from peerreview.extensions import db
from peerreview.matching.problem import period


def _fail(message: str) -> None:
    db.session.rollback()
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


LEVELS = {0: "-", 1: "some", 2: "expert"}


def format_table(result, problem) -> list[str]:
    """The proposal as a plain-text table, one block per review."""
    from peerreview.matching.explain import explain_members

    lines = []
    head = f"{'role':<11}{'peer':<24}{'city':<18}{'cc':<4}{'theme':<8}{'languages':<14}why"
    for spec in problem.reviews:
        team = result.teams.get(spec.review_id)
        title = f"Review {spec.review_id}: {spec.title} ({period(spec.start, spec.end)})"
        if team is None:
            lines.append(f"{title}: NO TEAM POSSIBLE")
            lines += [f"  - {m}" for m in result.reasons(spec.review_id) + result.messages]
            lines.append("")
            continue
        lines.append(f"{title}: {len(team.members)} peers, score {team.score}")
        lines.append("  " + head)
        whys = {w.user_id: w for w in explain_members(problem, spec, team.members, team.roles)}
        for u in team.members:
            c = problem.by_id[u]
            why = "; ".join(r for r in whys[u].reasons[1:4])
            lines.append(f"  {team.roles.get(u, 'peer'):<11}{c.name[:23]:<24}{c.city[:17]:<18}"
                         f"{c.country:<4}{LEVELS[c.level(spec.theme_id)]:<8}"
                         f"{','.join(sorted(c.languages))[:13]:<14}{why}")
        lines.append("")
    gap = f", gap {100 * result.gap:.1f}%" if result.gap else ""
    lines.append(f"Status {result.status}: objective {result.objective}, bound {result.bound}{gap}, "
                 f"{result.seconds:.2f} s" + (" (shortlisted candidates)" if result.shortlisted else ""))
    return lines


@click.command("match")
@click.option("--review", "review_ids", type=int, multiple=True, help="Review id (repeatable).")
@click.option("--round", "round_", is_flag=True, help="Every review forming its team, at once.")
@click.option("--dry-run", is_flag=True, help="Print the proposal; store nothing.")
@click.option("--time-limit", type=click.FloatRange(0.1, 600), default=10.0, show_default=True,
              help="Seconds the solver may use.")
@with_appcontext
def match_command(review_ids, round_, dry_run, time_limit):
    """Propose review teams with the matcher (stored as "proposed" seats unless --dry-run)."""
    from peerreview.matching import proposals
    from peerreview.reviews.models import Review

    if bool(review_ids) == bool(round_):
        _fail("Give --review ID (one or more) or --round, not both.")
    if round_:
        reviews = list(db.session.scalars(select(Review).where(Review.state == "team_forming")
                                          .order_by(Review.id)))
        if not reviews:
            _fail("No review is forming its team.")
    else:
        reviews = []
        for rid in review_ids:
            review = db.session.get(Review, rid)
            if review is None:
                _fail(f"There is no review {rid}.")
            reviews.append(review)
    try:
        if dry_run:
            result, problem = proposals.propose(reviews, time_limit=time_limit)
        else:
            result, problem = proposals.run(reviews, actor=None, time_limit=time_limit)
    except DomainError as exc:
        _fail(f"Review {', '.join(str(r.id) for r in reviews)}: {exc.message}")
    if not dry_run:
        db.session.commit()
    for line in format_table(result, problem):
        click.echo(line)
    stored = sum(1 for r in reviews if r.id in result.teams)
    if dry_run:
        click.echo("Dry run: nothing was stored.")
    else:
        click.echo(f"Stored the proposal of {stored} review(s) as proposed seats.")
    if result.impossible or len(result.teams) < len(reviews):
        sys.exit(2)
