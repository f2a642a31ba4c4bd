from __future__ import annotations

import csv
import io
import uuid as uuidlib
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from peerreview import permissions as perm
from peerreview.domain import Conflict, DomainError
from peerreview.downloads import name_part, send_download
from peerreview.extensions import db
from peerreview.files.services import ACCEPT_ATTR, send_stored
from peerreview.formatting import clock, local_datetime, short_day, zone_abbreviation
from peerreview.framework.constants import RATING_CHOICES, rating_label
from peerreview.i18n import gettext as _
from peerreview.i18n import lazy_gettext as _l
from peerreview.i18n import translated
from peerreview.loading import child_or_404
from peerreview.observations import queries, services
from peerreview.observations.forms import ObservationForm
from peerreview.observations.models import KINDS, Observation
from peerreview.reviews.models import ACTIVE_SEAT_STATUSES, ORGANISATION_TYPES
from peerreview.reviews.views import load_review

bp = Blueprint("observations", __name__, url_prefix="/reviews/<int:review_id>/observations")


def _zone(review) -> ZoneInfo | None:
    try:
        return ZoneInfo(review.host_city.timezone)
    except Exception:  # noqa: BLE001 - an unknown zone falls back to UTC
        return None


def _now_in(review) -> datetime:
    zone = _zone(review)
    return datetime.now(zone).replace(tzinfo=None) if zone else datetime.utcnow()


def current_session(review):
    """The session running now in the host city, or the next one today."""
    now = _now_in(review)
    today = [s for s in review.sessions if s.day == now.date()]
    for s in today:
        if s.start_time <= now.time() <= s.end_time:
            return s
    upcoming = [s for s in today if s.start_time > now.time()]
    return upcoming[0] if upcoming else None


def session_instants(review) -> dict[int, tuple[int, int]]:
    """Each session's start and end as milliseconds since 1970 (UTC), so that the page can
    choose the session running now by itself, also offline, hours after it was loaded."""
    zone = _zone(review)
    out = {}
    for s in review.sessions:
        start, end = (datetime.combine(s.day, t, tzinfo=zone) if zone else datetime.combine(s.day, t)
                      for t in (s.start_time, s.end_time))
        out[s.id] = (int(start.timestamp() * 1000), int(end.timestamp() * 1000))
    return out


# Without JavaScript every save reloads the page: the choices of the last note are kept in the
# session for the next one, for as long as a meeting lasts.
KEEP_CHOICES_SECONDS = 3 * 3600


def _kept_choices(review) -> dict | None:
    kept = session.get(f"capture-{review.id}")
    if not isinstance(kept, dict) or datetime.utcnow().timestamp() - kept.get("at", 0) > KEEP_CHOICES_SECONDS:
        return None
    return kept


def _keep_choices(review, form) -> None:
    session[f"capture-{review.id}"] = {
        "session_id": form.session_id.data or "", "key_factor_id": form.key_factor_id.data or "",
        "kind": form.kind.data or "evidence", "source_type": form.source_type.data or "",
        "at": int(datetime.utcnow().timestamp()), "saved": True}


def _prepare_form(form, review, obs=None):
    form.session_id.choices = [("", _("No particular session"))] + [
        (str(s.id), f"{short_day(s.day)} {clock(s.start_time)} {s.title}")
        for s in review.sessions]
    form.key_factor_id.choices = [(str(kf.id), f"{kf.code} {kf.title}")
                                  for kf in review.benchmark.key_factors] + [("", _("General"))]
    if request.method == "GET" and obs is None:
        form.uuid.data = str(uuidlib.uuid4())
        kept = _kept_choices(review)
        if kept is not None:
            form.session_id.data = kept["session_id"]
            form.key_factor_id.data = kept["key_factor_id"]
            form.kind.data = kept["kind"]
            form.source_type.data = kept["source_type"]
            return form
        running = current_session(review)
        form.session_id.data = str(running.id) if running else ""
        form.kind.data = "evidence"
        form.key_factor_id.data = ""
        if running and running.key_factors:
            form.key_factor_id.data = str(running.key_factors[0].id)
    return form


def _item_from_form(form) -> services.ObservationInput:
    def to_int(value):
        return int(value) if value and str(value).isdigit() else None

    return services.ObservationInput(
        uuid=form.uuid.data or "", text=form.text.data or "", kind=form.kind.data or "",
        key_factor_id=to_int(form.key_factor_id.data), session_id=to_int(form.session_id.data),
        source_type=form.source_type.data or None, base_version=to_int(form.base_version.data))


def _show_errors(form, exc: DomainError):
    errors = getattr(exc, "errors", None) or {exc.field or "text": exc.message}
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + [message]
        else:
            flash(message, "error")


def _load_sessions(review) -> None:
    """The visit's sessions with their key factors, in one query (the form's session list names
    each session's key factors: one query per session otherwise). The team and their accounts
    came with the review (``load_review``)."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload
    from sqlalchemy.orm.attributes import set_committed_value

    from peerreview.reviews.models import VisitSession

    sessions = db.session.scalars(select(VisitSession).where(VisitSession.review_id == review.id)
                                  .options(selectinload(VisitSession.key_factors))
                                  .order_by(VisitSession.day, VisitSession.start_time, VisitSession.id)).all()
    set_committed_value(review, "sessions", list(sessions))


# The page lists the newest notes; "Show all" lists every one. It stays light on a phone.
NOTES_SHOWN = 30


@bp.route("", methods=["GET", "POST"])
@login_required
def capture(review_id: int):
    review = load_review(review_id)
    perm.require(perm.can_view_observations(current_user, review))
    _load_sessions(review)
    form = _prepare_form(ObservationForm(), review)
    can_add = perm.can_add_observation(current_user, review)
    if request.method == "POST":
        perm.require(can_add)
        if form.validate_on_submit():
            try:
                obs, created = services.submit(review, current_user, _item_from_form(form))
                if form.file.data:
                    services.attach(obs, form.file.data, actor=current_user)
            except DomainError as exc:
                db.session.rollback()
                _show_errors(form, exc)
            else:
                db.session.commit()
                _keep_choices(review, form)
                flash(_("Note saved.") if created else _("This note was already saved."), "success")
                return redirect(url_for("observations.capture", review_id=review.id))
    kept = _kept_choices(review) if request.method == "GET" else None
    just_saved = bool(kept and kept.pop("saved", False))
    if just_saved:
        session[f"capture-{review.id}"] = kept
    args = request.args
    filters = {
        "key_factor": args.get("kf") if args.get("kf") == "general" else args.get("kf", type=int),
        "kind": args.get("kind") if args.get("kind") in KINDS else None,
        "session": args.get("session", type=int), "author": args.get("author", type=int),
    }
    show_all = args.get("all") == "1" or any(filters.values())
    # only the notes shown are loaded, as columns
    notes, notes_total = queries.note_rows(review, None if show_all else NOTES_SHOWN, **filters)
    team = [s.user for s in review.team if s.status in ACTIVE_SEAT_STATUSES]
    status = 400 if form.errors else 200
    zone_now = local_datetime(datetime.utcnow(), review.host_city.timezone)
    return render_template(
        "observations/capture.html", review=review, form=form, kinds=translated(KINDS),
        notes=notes, notes_total=notes_total,
        can_add=can_add, filters=filters, team=team, org_types=ORGANISATION_TYPES,
        accept_attr=ACCEPT_ATTR, running=current_session(review), instants=session_instants(review),
        zone=zone_abbreviation(zone_now), just_saved=just_saved, people=_interviewees(review),
        session_of={s.id: s for s in review.sessions}), status


def _interviewees(review):
    """Who the team meets in each session, shown beside the form when a note is tied to one."""
    from types import SimpleNamespace

    from peerreview.people.interviewees import by_session
    from peerreview.people.models import ATTENDANCE, QUOTE_CONSENT

    if not perm.can_view_interviewees(current_user, review):
        return None
    items = by_session(review)
    return SimpleNamespace(items=items, attendance=ATTENDANCE, quote_labels=QUOTE_CONSENT) if items else None


def _load_obs(review, obs_id: int) -> Observation:
    return child_or_404(Observation, obs_id, review)


@bp.route("/<int:obs_id>/edit", methods=["GET", "POST"])
@login_required
def edit(review_id: int, obs_id: int):
    review = load_review(review_id)
    obs = _load_obs(review, obs_id)
    perm.require(perm.can_edit_observation(current_user, obs))
    form = _prepare_form(ObservationForm(obj=obs), review, obs)
    if request.method == "GET":
        form.session_id.data = str(obs.session_id or "")
        form.key_factor_id.data = str(obs.key_factor_id or "")
        form.source_type.data = obs.source_type or ""
        form.base_version.data = str(obs.version)
    conflict = None
    if form.validate_on_submit():
        form.uuid.data = obs.uuid
        try:
            services.submit(review, current_user, _item_from_form(form))
        except Conflict as exc:
            db.session.rollback()
            conflict = exc.current
            form.base_version.data = str(obs.version)
        except DomainError as exc:
            db.session.rollback()
            _show_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Note updated."), "success")
            return redirect(url_for("observations.capture", review_id=review.id))
    return render_template("observations/edit.html", review=review, obs=obs, form=form,
                           conflict=conflict, kinds=KINDS), 409 if conflict else 200


@bp.post("/<int:obs_id>/withdraw")
@login_required
def withdraw(review_id: int, obs_id: int):
    review = load_review(review_id)
    obs = _load_obs(review, obs_id)
    perm.require(perm.can_edit_observation(current_user, obs))
    try:
        services.withdraw(obs, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Note withdrawn."), "success")
    return redirect(url_for("observations.capture", review_id=review.id))


@bp.get("/<int:obs_id>/file")
@login_required
def file(review_id: int, obs_id: int):
    review = load_review(review_id)
    perm.require(perm.can_view_observations(current_user, review))
    obs = _load_obs(review, obs_id)
    if obs.file is None:
        abort(404)
    return send_stored(obs.file, obs.filename)


@bp.get("/consolidation")
@login_required
def consolidation(review_id: int):
    review = load_review(review_id)
    perm.require(perm.can_view_observations(current_user, review))
    ratings = queries.peer_ratings(review)
    sa = review.self_assessment
    self_ratings = {e.key_factor_id: e.rating for e in sa.entries} if sa and sa.status == "submitted" else {}
    notes: dict[int | None, list] = {}
    for n in queries.note_rows(review)[0]:
        notes.setdefault(n.key_factor_id, []).append(n)
    groups = []
    for kf in list(review.benchmark.key_factors) + [None]:
        kf_id = kf.id if kf else None
        mine = notes.get(kf_id, [])
        if kf is None and not mine:
            continue
        groups.append({
            "kf": kf, "notes": mine,
            "by_kind": {k: [n for n in mine if n.kind == k] for k in KINDS},
            "self_rating": self_ratings.get(kf_id),
            "peer_ratings": [r for r in ratings if r.key_factor_id == kf_id],
            "my_rating": next((r for r in ratings if r.key_factor_id == kf_id
                               and r.user_id == current_user.id), None),
        })
    # the labels every key factor repeats, translated once
    return render_template("observations/consolidation.html", review=review, groups=groups,
                           kinds=translated(KINDS), rating_label=rating_label,
                           ratings=[(value, str(label)) for value, label in RATING_CHOICES],
                           can_rate=perm.can_rate_as_peer(current_user, review))


@bp.post("/ratings")
@login_required
def rate(review_id: int):
    from flask_wtf import FlaskForm

    review = load_review(review_id)
    perm.require(perm.can_rate_as_peer(current_user, review))
    if not FlaskForm().validate_on_submit():
        abort(400)
    kf_id = request.form.get("key_factor_id", type=int)
    try:
        services.set_peer_rating(review, current_user, kf_id, request.form.get("rating", ""),
                                 request.form.get("note", "")[:2000])
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Your suggested rating is saved."), "success")
    return redirect(url_for("observations.consolidation", review_id=review.id) + f"#kf-{kf_id}")


EXPORT_COLUMNS = [_l("Created (UTC)"), _l("Author"), _l("Session"), _l("Key factor"), _l("Kind"),
                  _l("Who said it"), _l("Observation"), _l("Attachment")]


def _rows(review):
    for n in reversed(queries.observations(review)):
        yield [n.created_at.strftime("%Y-%m-%d %H:%M"), n.author.display_name if n.author else _("former member"),
               n.session.title if n.session else "", n.key_factor.label if n.key_factor else _("General"),
               str(KINDS[n.kind]), str(ORGANISATION_TYPES.get(n.source_type or "", "")), n.text, n.filename or ""]


def _export_name(review, ext):
    return f"observations-{name_part(review.host_city.name)}-{review.id}.{ext}"


@bp.get("/export.csv")
@login_required
def export_csv(review_id: int):
    review = load_review(review_id)
    perm.require(perm.can_view_observations(current_user, review))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(c) for c in EXPORT_COLUMNS])
    for row in _rows(review):
        # a cell starting with = + - @ would be run as a formula by spreadsheet programs
        writer.writerow([("'" + c) if c[:1] in ("=", "+", "-", "@") else c for c in row])
    return send_download("\ufeff" + out.getvalue(), _export_name(review, "csv"),
                         "text/csv; charset=utf-8")


@bp.get("/export.xlsx")
@login_required
def export_xlsx(review_id: int):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    review = load_review(review_id)
    perm.require(perm.can_view_observations(current_user, review))
    wb = Workbook()
    ws = wb.active
    ws.title = _("Observations")
    ws.append([str(c) for c in EXPORT_COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in _rows(review):
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula
    for col, width in zip("ABCDEFGH", (17, 22, 30, 30, 22, 22, 80, 20), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2, min_col=7, max_col=7):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return send_download(buf.getvalue(), _export_name(review, "xlsx"),
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
