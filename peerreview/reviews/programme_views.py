"""The visit programme pages, the review's .ics file, and personal calendar feeds."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from peerreview import formatting
from peerreview import permissions as perm
from peerreview.auth.views import form_error
from peerreview.domain import Conflict, DomainError
from peerreview.downloads import send_download
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.i18n import translated
from peerreview.loading import child_or_404
from peerreview.reviews import ical, programme, workflow
from peerreview.reviews.models import SESSION_TYPES, Review, VisitSession
from peerreview.reviews.programme_forms import CalendarForm, CsrfForm, SessionForm
from peerreview.reviews.views import load_review
from peerreview.urls import absolute_url

bp = Blueprint("programme", __name__)

ICS_TYPE = "text/calendar; charset=utf-8"


def _review(review_id: int) -> Review:
    review = load_review(review_id)
    perm.require(perm.can_view_programme(current_user, review))
    return review


def _session(review: Review, session_id: int) -> VisitSession:
    return child_or_404(VisitSession, session_id, review)


def _page(review: Review, form: SessionForm | None = None, *, status: int = 200, open_form=False):
    # the team came with the review (load_review); a step that failed may have rolled back,
    # which expires it: then it is loaded again, with the accounts
    sessions = programme.load_sessions(review, team=status != 200)
    editable = perm.can_edit_programme(current_user, review)
    if editable and form is None:
        form = SessionForm().setup(review)
        if form.day.choices:
            form.day.data = form.day.choices[0][0]
    return render_template(
        "reviews/programme.html", review=review, days=programme.by_day(review, sessions),
        sessions=sessions, clashes=programme.clashes(sessions), editable=editable,
        form=form if editable else None, open_form=open_form,
        # the labels every session repeats, translated once
        labels=translated(workflow.STATE_LABELS),
        session_types=translated(SESSION_TYPES), org_labels=programme.org_labels,
        hhmm=programme.hhmm, people=_interviewees(review)), status


def _interviewees(review):
    """Who the team meets in each session, with their consent, for those who may see it."""
    if not perm.can_view_interviewees(current_user, review):
        return None
    from types import SimpleNamespace

    from peerreview.people.interviewees import by_session
    from peerreview.people.models import ATTENDANCE, QUOTE_CONSENT

    return SimpleNamespace(items=by_session(review), attendance=ATTENDANCE, quote_labels=QUOTE_CONSENT)


@bp.get("/reviews/<int:review_id>/programme")
@login_required
def show(review_id: int):
    return _page(_review(review_id))


@bp.post("/reviews/<int:review_id>/programme")
@login_required
def add(review_id: int):
    review = _review(review_id)
    perm.require(perm.can_edit_programme(current_user, review))
    programme.load_sessions(review)
    form = SessionForm().setup(review)
    if form.validate_on_submit():
        try:
            session = programme.add_session(review, form.values(), actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            form_error(form, exc)
        else:
            db.session.commit()
            flash(_("Session added: %(title)s, %(day)s "
                  "%(start_time)s.", title=session.title, day=formatting.short_day(session.day), start_time=programme.hhmm(session.start_time)), "success")
            return redirect(url_for("programme.show", review_id=review.id) + f"#session-{session.id}")
    return _page(review, form, status=400, open_form=True)


@bp.route("/reviews/<int:review_id>/programme/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit(review_id: int, session_id: int):
    review = _review(review_id)
    perm.require(perm.can_edit_programme(current_user, review))
    programme.load_sessions(review)
    session = _session(review, session_id)
    form = SessionForm().setup(review)
    conflict = None
    status = 200
    if request.method == "GET":
        form.fill(session)
    elif form.validate_on_submit():
        try:
            changes = programme.update_session(session, form.values(),
                                               version=form.loaded_version(), actor=current_user)
            db.session.commit()
        except Conflict as exc:
            db.session.rollback()
            conflict, status = exc, 409
        except StaleDataError:
            db.session.rollback()
            conflict = Conflict(_("Someone else saved this session at the same moment. Nothing "
                                "was saved."))
            status = 409
        except DomainError as exc:
            db.session.rollback()
            form_error(form, exc)
            status = 400
        else:
            flash(_("Session saved.") if changes else _("Nothing had changed."), "success")
            return redirect(url_for("programme.show", review_id=review.id) + f"#session-{session.id}")
    else:
        status = 400
    if conflict is not None:
        # Show the session as saved now; the form keeps the user's values, with the current
        # version, so that saving again (after comparing) is a deliberate choice.
        session = _session(review, session_id)
        db.session.refresh(session)
        form.version.data = str(session.version)
    return render_template(
        "reviews/programme_edit.html", review=review, session=session, form=form,
        conflict=conflict, session_types=SESSION_TYPES, org_labels=programme.org_labels,
        hhmm=programme.hhmm), status


@bp.post("/reviews/<int:review_id>/programme/<int:session_id>/delete")
@login_required
def delete(review_id: int, session_id: int):
    review = _review(review_id)
    perm.require(perm.can_edit_programme(current_user, review))
    session = _session(review, session_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    version = request.form.get("version", type=int)
    title = session.title
    try:
        programme.delete_session(session, version=version, actor=current_user)
        db.session.commit()
    except (DomainError, StaleDataError) as exc:
        db.session.rollback()
        flash(getattr(exc, "message", None) or _("Someone else changed this session at the same "
              "moment. Check it, then delete it again if it should go."), "error")
        return redirect(url_for("programme.show", review_id=review.id) + f"#session-{session_id}")
    flash(_("Session deleted: %(title)s.", title=title), "success")
    return redirect(url_for("programme.show", review_id=review.id))


@bp.get("/reviews/<int:review_id>/programme/print")
@login_required
def print_view(review_id: int):
    review = _review(review_id)
    sessions = programme.load_sessions(review)
    return render_template(
        "reviews/programme_print.html", review=review,
        days=programme.by_day(review, sessions, all_days=False),
        clashes=programme.clashes(sessions), session_types=SESSION_TYPES,
        org_labels=programme.org_labels, hhmm=programme.hhmm)


# --- calendars -------------------------------------------------------------------------------

def _programme_url(review: Review) -> str:
    return absolute_url("programme.show", review_id=review.id)


def _ics(cal, filename: str | None = None) -> Response:
    if filename:
        response = send_download(cal.to_ical(), filename, ICS_TYPE)
    else:  # a subscribed feed: read by calendar apps, never saved as a file
        response = Response(cal.to_ical(), content_type=ICS_TYPE)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/reviews/<int:review_id>/calendar.ics")
@login_required
def review_ics(review_id: int):
    review = _review(review_id)
    cal = ical.build(ical.review_sessions(review), name=_("Visit programme: %(title)s", title=review.title),
                     uid=f"review-{review.id}@peerreview", url_for_review=_programme_url)
    return _ics(cal, f"review-{review.id}-programme.ics")


@bp.route("/calendar", methods=["GET", "POST"])
@login_required
def calendar_settings():
    perm.require(perm.can_use_calendar(current_user))
    form = CalendarForm()
    new_url = None
    status = 200
    if request.method == "POST":
        action = form.action.data if form.validate_on_submit() else None
        if action in ("create", "replace"):
            token = ical.create_feed(current_user, actor=current_user)
            db.session.commit()
            new_url = absolute_url("programme.feed", token=token)
        elif action == "revoke":
            count = ical.revoke_feed(current_user, actor=current_user)
            db.session.commit()
            flash(_("Your feed address no longer works. Remove the subscription from your "
                    "calendar app.") if count else _("You had no active feed address."), "success")
            return redirect(url_for("programme.calendar_settings"))
        else:
            abort(400)
    sessions = ical.feed_sessions(current_user)
    reviews = sorted({s.review for s in sessions}, key=lambda r: (r.visit_start or r.created_at.date(), r.id))
    return render_template(
        "reviews/calendar_settings.html", form=form, token=ical.active_token(current_user),
        new_url=new_url, webcal_url=_webcal(new_url) if new_url else None,
        sessions=sessions, reviews=reviews), status


def _webcal(url: str) -> str:
    """The same address with the webcal: scheme, which calendar apps open as a subscription."""
    return "webcal://" + url.split("://", 1)[1]


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    user = ical.user_for_token(token)
    if user is None:
        abort(404)
    cal = ical.build(ical.feed_sessions(user), name=_("Peer review visits: %(name)s", name=user.display_name),
                     uid=f"feed-user-{user.id}@peerreview", url_for_review=_programme_url)
    ical.extend_feed(cal, user)  # other features' events (mentoring visits)
    return _ics(cal)
