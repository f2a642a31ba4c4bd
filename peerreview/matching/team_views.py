"""The coordinator's team page: run the matcher, see why, change by hand, choose roles, invite,
and replace someone who declined. Registered on the ``matching`` blueprint (views.py)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from peerreview import permissions as perm
from peerreview.auth.models import User
from peerreview.domain import DomainError
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l
from peerreview.i18n import ngettext
from peerreview.matching import proposals, queries, scoring
from peerreview.matching.explain import explain_members, left_out
from peerreview.matching.forms import ChangeForm, RolesForm, RunForm
from peerreview.matching.loader import build_problem
from peerreview.matching.models import ConflictOfInterest, MatchRun
from peerreview.matching.rules import check_team, precheck
from peerreview.matching.views import CsrfForm, bp
from peerreview.reviews import workflow

STATUS_WORDS = {
    "OPTIMAL": (_l("the best team the rules allow (proven optimal)"), "ok"),
    "FEASIBLE": (_l("a good team; the time ran out before it was proven the best"), "warn"),
    "INFEASIBLE": (_l("no team is possible"), "bad"),
    "UNKNOWN": (_l("no team was found in time"), "bad"),
}


def _load(review_id: int):
    """The review with its team, the team's people and cities loaded in a few queries."""
    from peerreview.framework.models import Benchmark
    from peerreview.reviews.models import Review, TeamMember

    review = db.session.scalar(select(Review).where(Review.id == review_id).options(
        selectinload(Review.team).selectinload(TeamMember.user).selectinload(User.city),
        selectinload(Review.host_city), selectinload(Review.benchmark).selectinload(Benchmark.theme)))
    if review is None:
        abort(404)
    perm.require(perm.can_view_review(current_user, review))
    perm.require(perm.can_manage_team(current_user, review))
    return review


def _time_limit(form: RunForm | None = None) -> float:
    default = float(current_app.config.get("MATCHER_TIME_LIMIT", 10))
    if form is not None and form.time_limit.data:
        return float(min(form.time_limit.data, 60))
    return default


def _back(review, anchor: str = ""):
    return redirect(url_for("matching.team", review_id=review.id) + anchor)


@bp.get("/reviews/<int:review_id>/team/manage")
@login_required
def team(review_id: int):
    review = _load(review_id)
    problem = build_problem([review])
    spec = problem.reviews[0]
    from peerreview.people.team import ROLE_LABELS as outside_labels
    from peerreview.reviews.models import OUTSIDE_ROLES

    seats = sorted([s for s in review.team if s.status in proposals.ACTIVE and s.role not in OUTSIDE_ROLES],
                   key=lambda s: (["lead", "rapporteur", "expert", "peer"].index(s.role), s.id))
    outside_seats = [s for s in review.team if s.status == "accepted" and s.role in OUTSIDE_ROLES]
    ids = [s.user_id for s in seats]
    roles = {s.user_id: s.role for s in seats}
    members = [problem.by_id[u] for u in ids if u in problem.by_id]
    whys = {w.user_id: w for w in explain_members(problem, spec, ids, roles)}
    offer = offer_problem = None
    team_open = review.state in proposals.TEAM_CHANGE_STATES
    declined = proposals.pending_decline(review)
    if declined is not None:
        offer, offer_problem = proposals.propose([review], time_limit=min(_time_limit(), 3.0))
    last_run = db.session.scalar(select(MatchRun).where(MatchRun.review_id == review.id)
                                 .order_by(MatchRun.id.desc()).limit(1))
    change = ChangeForm(formdata=None)
    change.out_id.choices = [(0, "Nobody (only add)")] + [
        (s.user_id, s.user.display_name) for s in seats if s.status == "proposed"]
    on_team = set(ids) | {s.user_id for s in review.team}
    ranked = sorted((c for c in problem.candidates if c.user_id not in on_team
                     and c.city_id != review.host_city_id),
                    key=lambda c: (-scoring.seat_score(problem, spec, c), c.user_id))
    change.in_id.choices = [(0, _("Nobody (only take off)"))] + [
        (c.user_id, _("%(name)s (%(city)s, %(country)s) · %(score)s pts", name=c.name, city=c.city,
                      country=c.country, score=scoring.seat_score(problem, spec, c)))
        for c in ranked]
    roles_form = RolesForm(formdata=None)
    roles_form.lead_id.choices = [(s.user_id, s.user.display_name) for s in seats]
    roles_form.rapporteur_id.choices = [(0, _("No rapporteur yet"))] + roles_form.lead_id.choices
    roles_form.lead_id.data = next((s.user_id for s in seats if s.role == "lead"), None)
    roles_form.rapporteur_id.data = next((s.user_id for s in seats if s.role == "rapporteur"), 0)
    prepare = workflow.BY_NAME["prepare"]
    return render_template(
        "matching/team.html", review=review, spec=spec, seats=seats, whys=whys,
        broken=check_team(spec, members, roles=roles) if seats else [],
        impossible=[b.message for b in precheck(problem, spec)] if team_open else [], team_open=team_open,
        left=left_out(problem, spec, ids), last_run=last_run, status_words=STATUS_WORDS,
        declined=declined, offer=offer, offer_problem=offer_problem,
        offer_whys=_offer_whys(offer, offer_problem, review, ids) if offer else [],
        run_form=RunForm(formdata=None, time_limit=int(_time_limit())), change_form=change,
        roles_form=roles_form, csrf_form=CsrfForm(), bids=queries.bids_for(review),
        conflicts=list(db.session.scalars(select(ConflictOfInterest).where(
            ConflictOfInterest.review_id == review.id).options(selectinload(ConflictOfInterest.user))
            .order_by(ConflictOfInterest.id))),
        labels=workflow.STATE_LABELS, proposed=sum(1 for s in seats if s.status == "proposed"),
        prepare_missing=workflow.missing_for(review, prepare) if review.state == "team_forming" else None,
        declined_seats=[s for s in review.team if s.status == "declined"],
        outside_seats=outside_seats, outside_labels=outside_labels, outside_form=_outside_form(review),
        removed_seats=[s for s in review.team if s.status == "removed"])


def _outside_form(review):
    if not perm.can_add_outside_seat(current_user, review):
        return None
    from peerreview.people.forms import OutsideSeatForm
    from peerreview.people.team import candidates

    form = OutsideSeatForm(formdata=None)
    form.user_id.choices = [(u.id, u.name + (" · " + u.email if not u.is_coordinator else "")
                             + (f" ({u.city.label})" if u.city else "")) for u in candidates(review)]
    return form


def _offer_whys(result, problem, review, current_ids):
    team = result.teams.get(review.id)
    if team is None:
        return []
    spec = problem.reviews[0]
    new = [u for u in team.members if u not in current_ids]
    return [w for w in explain_members(problem, spec, team.members, team.roles) if w.user_id in new]


@bp.post("/reviews/<int:review_id>/team/run")
@login_required
def run(review_id: int):
    review = _load(review_id)
    form = RunForm()
    if not form.validate_on_submit():
        flash(_("Give a time limit between 1 and 60 seconds."), "error")
        return _back(review)
    return _run(review, kind="team", time_limit=_time_limit(form))


@bp.post("/reviews/<int:review_id>/team/replace")
@login_required
def replace(review_id: int):
    review = _load(review_id)
    if not CsrfForm().validate_on_submit():
        flash(_("The form expired; try again."), "error")
        return _back(review)
    return _run(review, kind="replacement", time_limit=_time_limit())


def _run(review, *, kind: str, time_limit: float):
    try:
        result, problem = proposals.run([review], actor=current_user, time_limit=time_limit, kind=kind)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _back(review)
    db.session.commit()
    team = result.teams.get(review.id)
    if team is None:
        flash(_("No team is possible: %(reasons)s",
                reasons=" ".join(result.reasons(review.id) + result.messages)), "error")
    else:
        word = STATUS_WORDS.get(result.status, (result.status.lower(), ""))[0]
        flash(_("The matcher proposes %(num)d peers: %(result)s. Check the team, then "
                "send the invitations.", num=len(team.members), result=word), "success")
    return _back(review, "#team")


@bp.get("/reviews/<int:review_id>/team/change")
@login_required
def change(review_id: int):
    """Show what a change by hand does to every rule, before saving it."""
    review = _load(review_id)
    out_user, in_user = _people(request.args)
    try:
        preview = proposals.preview_change(review, out_user=out_user, in_user=in_user)
    except DomainError as exc:
        flash(exc.message, "error")
        return _back(review, "#change")
    form = ChangeForm(formdata=None)
    return render_template("matching/change.html", review=review, preview=preview, form=form,
                           out_user=out_user, in_user=in_user)


@bp.post("/reviews/<int:review_id>/team/change")
@login_required
def save_change(review_id: int):
    review = _load(review_id)
    form = ChangeForm()
    out_user, in_user = _people(request.form)
    if not form.validate_on_submit():
        flash(_("The form expired; try again."), "error")
        return _back(review, "#change")
    try:
        done = proposals.apply_change(review, out_user=out_user, in_user=in_user,
                                      acknowledge=bool(form.acknowledge.data), actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        if out_user is None and in_user is None:
            return _back(review, "#change")
        return redirect(url_for("matching.change", review_id=review.id,
                                out_id=out_user.id if out_user else 0, in_id=in_user.id if in_user else 0))
    db.session.commit()
    if done.in_name and done.out_name:
        message = _("Team changed (swap: %(in)s for %(out)s).", **{"in": done.in_name,
                                                                   "out": done.out_name})
    else:
        message = _("Team changed (%(name)s).", name=done.in_name or done.out_name)
    if done.breaks:
        message = _("%(message)s It breaks: %(rules)s.", message=message, rules="; ".join(done.breaks))
    flash(message, "warning" if done.breaks else "success")
    return _back(review, "#team")


def _people(values):
    def user(key):
        try:
            uid = int(values.get(key) or 0)
        except (TypeError, ValueError):
            return None
        return db.session.get(User, uid) if uid else None

    return user("out_id"), user("in_id")


@bp.post("/reviews/<int:review_id>/team/roles")
@login_required
def roles(review_id: int):
    review = _load(review_id)
    form = RolesForm()
    if not form.validate_on_submit():
        flash(_("Choose a lead and a rapporteur from the team."), "error")
        return _back(review, "#roles")
    try:
        proposals.set_roles(review, lead_id=form.lead_id.data, rapporteur_id=form.rapporteur_id.data or None,
                            actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Roles saved."), "success")
    return _back(review, "#roles")


@bp.post("/reviews/<int:review_id>/team/invite")
@login_required
def invite(review_id: int):
    review = _load(review_id)
    if not CsrfForm().validate_on_submit():
        flash(_("The form expired; try again."), "error")
        return _back(review)
    try:
        invited = proposals.send_invitations(review, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(ngettext("Invitations sent to %(num)d peer: %(names)s.",
                       "Invitations sent to %(num)d peers: %(names)s.", len(invited),
                       names=", ".join(s.user.name for s in invited)), "success")
    return _back(review, "#team")
