"""JSON API used by the capture page's offline queue.

``POST /api/v1/reviews/<id>/observations`` creates or edits one observation. It is
idempotent: the client makes the UUID, and sending the same note again (because the answer
was lost, or the queue was sent twice) returns the stored note instead of a second row. An
edit carries ``base_version``; a stale edit gets 409 with the current note. CSRF: the
logged-in page sends its token in the ``X-CSRFToken`` header.
"""

from __future__ import annotations

import logging
import random
import time

from flask import Blueprint, g, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from peerreview import permissions as perm
from peerreview.domain import Conflict, DomainError, NotAllowed
from peerreview.extensions import db
from peerreview.i18n import gettext as _
from peerreview.observations import queries, services
from peerreview.reviews.models import Review

bp = Blueprint("api", __name__, url_prefix="/api/v1")
log = logging.getLogger(__name__)


def _review(review_id: int) -> Review:
    review = db.session.get(Review, review_id)
    if review is None:
        return None
    return review


def _error(status: int, message: str, **extra):
    return jsonify({"error": message, **extra}), status


def _refused(message: str, **extra):
    """A 403 with the reason, audited like every refusal (web.py writes the entry)."""
    g.setdefault("refusals", []).append(message)
    return _error(403, message, **extra)


@bp.get("/reviews/<int:review_id>/observations")
@login_required
def list_observations(review_id: int):
    review = _review(review_id)
    if review is None:
        return _error(404, _("No such review."))
    if not perm.can_view_observations(current_user, review):
        perm.require(False)
    notes = queries.observations(review, include_withdrawn=True)
    return jsonify({"observations": [services.to_json(n, current_user) for n in notes]})


@bp.post("/reviews/<int:review_id>/observations")
@login_required
def submit_observation(review_id: int):
    review = _review(review_id)
    if review is None:
        return _error(404, _("No such review."))
    if not perm.can_view_observations(current_user, review):
        perm.require(False)
    if not perm.can_add_observation(current_user, review):
        return _refused(_("Only the review team writes notes, and only until the report is issued."))
    try:
        item = services.ObservationInput.from_json(request.get_json(silent=True))
        obs, created = with_retries(lambda: services.submit(review, current_user, item))
    except services.FieldErrors as exc:
        db.session.rollback()
        return jsonify({"error": _("Some fields need attention."), "errors": exc.errors}), 400
    except Conflict as exc:
        db.session.rollback()
        current = services.to_json(exc.current, current_user) if exc.current is not None else None
        return _error(409, exc.message, current=current)
    except NotAllowed as exc:
        db.session.rollback()
        return _error(403, exc.message)
    except services.NotFound as exc:
        db.session.rollback()
        return _error(404, exc.message)
    except DomainError as exc:
        db.session.rollback()
        return _error(400, exc.message)
    except IntegrityError:
        # the same UUID arrived twice at the same moment: the other request stored it
        db.session.rollback()
        obs = services.by_uuid(services.normalise_uuid(item.uuid) or "")
        if obs is None or obs.review_id != review.id or obs.author_id != current_user.id:
            return _error(409, _("This note's identifier belongs to another note."))
        created = False
    return jsonify(services.to_json(obs, current_user)), 201 if created else 200


RETRIES = 5
# PostgreSQL: deadlock detected, serialization failure, lock not available
TRANSIENT = {"40P01", "40001", "55P03"}


def _transient(exc: OperationalError) -> bool:
    return getattr(exc.orig, "sqlstate", None) in TRANSIENT


def with_retries(work):
    """Run ``work()`` and commit; when the database gave up on the transaction because of
    other writers (a deadlock, a serialization failure), roll back and run it again. The
    work is idempotent (client-made UUIDs), so a second run answers as the first would have."""
    for attempt in range(1, RETRIES + 1):
        try:
            result = work()
            db.session.commit()
            return result
        except OperationalError as exc:
            db.session.rollback()
            if not _transient(exc) or attempt == RETRIES:
                raise
            log.info("Retrying after %s (attempt %d)", exc.orig, attempt)
            time.sleep(random.uniform(0.005, 0.02) * attempt)  # noqa: S311 - jitter only
    raise AssertionError("unreachable")


MAX_BATCH = 200


def _echo_uuid(raw):
    """The note's UUID as the client sent it, for the answer (only if it is short text)."""
    uid = raw.get("uuid") if isinstance(raw, dict) else None
    if not isinstance(uid, str) or len(uid) > 64 or services.text_problem(uid):
        return None
    return services.normalise_uuid(uid) or uid


def _submit_one(review, raw) -> dict:
    """Store one note of a batch inside a savepoint; a bad note does not spoil the others."""
    uid = _echo_uuid(raw)
    savepoint = db.session.begin_nested()
    try:
        item = services.ObservationInput.from_json(raw)
        obs, created = services.submit(review, current_user, item)
        savepoint.commit()
        return {"uuid": obs.uuid, "status": 201 if created else 200,
                "observation": services.to_json(obs, current_user)}
    except services.FieldErrors as exc:
        savepoint.rollback()
        return {"uuid": uid, "status": 400, "errors": exc.errors}
    except Conflict as exc:
        savepoint.rollback()
        current = services.to_json(exc.current, current_user) if exc.current is not None else None
        return {"uuid": uid, "status": 409, "error": exc.message, "current": current}
    except NotAllowed as exc:
        savepoint.rollback()
        return {"uuid": uid, "status": 403, "error": exc.message}
    except DomainError as exc:
        savepoint.rollback()
        return {"uuid": uid, "status": 404 if isinstance(exc, services.NotFound) else 400,
                "error": exc.message}
    except IntegrityError:
        # stored meanwhile by another request (the same note from another connection)
        savepoint.rollback()
        obs = services.by_uuid(uid or "")
        if obs is not None and obs.review_id == review.id and obs.author_id == current_user.id:
            return {"uuid": obs.uuid, "status": 200, "observation": services.to_json(obs, current_user)}
        return {"uuid": uid, "status": 409, "error": _("This note's identifier belongs to another note.")}
    except (DataError, OverflowError):
        # a value the database refused (out of its range): this note only
        savepoint.rollback()
        return {"uuid": uid, "status": 400, "error": _("A value in this note is out of range.")}


def _sort_key(indexed):
    """Notes are written in the order of their UUIDs, whatever order the client sent them in:
    two phones sending the same notes in different orders then wait for each other instead
    of deadlocking."""
    index, raw = indexed
    uid = services.normalise_uuid(raw.get("uuid")) if isinstance(raw, dict) else None
    return (0, uid, index) if uid else (1, "", index)


@bp.post("/reviews/<int:review_id>/observations/batch")
@login_required
def submit_batch(review_id: int):
    """Several notes in one request, as the offline queue sends them: one answer per note."""
    review = _review(review_id)
    if review is None:
        return _error(404, _("No such review."))
    if not perm.can_view_observations(current_user, review):
        perm.require(False)
    if not perm.can_add_observation(current_user, review):
        return _refused(_("Only the review team writes notes, and only until the report is issued."))
    data = request.get_json(silent=True)
    items = data.get("observations") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        return jsonify({"error": _("Send {\"observations\": [...]} with at least one note."),
                        "errors": {"observations": _("Send a list of notes.")}}), 400
    if len(items) > MAX_BATCH:
        return jsonify({"error": _("Send at most %(num)d notes at once.", num=MAX_BATCH),
                        "errors": {"observations": _("At most %(num)d notes per request.", num=MAX_BATCH)}}), 400
    order = sorted(enumerate(items), key=_sort_key)

    def work():
        results = [None] * len(items)
        for index, raw in order:
            results[index] = _submit_one(review, raw)
        return results

    return jsonify({"results": with_retries(work)})


@bp.post("/reviews/<int:review_id>/observations/<uuid>/file")
@login_required
def attach_file(review_id: int, uuid: str):
    """The photo or document of a note, sent after the note (multipart, field ``file``).
    Idempotent: the same file sent again returns the note as stored (200)."""
    review = _review(review_id)
    if review is None:
        return _error(404, _("No such review."))
    if not perm.can_view_observations(current_user, review):
        perm.require(False)
    obs = services.by_uuid(uuid)
    if obs is None or obs.review_id != review.id:
        return _error(404, _("No such note: send the note first."))
    upload = request.files.get("file")
    if upload is None:
        return jsonify({"error": _("Send the file in the field \"file\"."),
                        "errors": {"file": _("No file was sent.")}}), 400
    try:
        changed = services.attach(obs, upload, actor=current_user)
        db.session.commit()
    except NotAllowed as exc:  # audited as a refusal (domain.py)
        db.session.rollback()
        return _error(403, exc.message)
    except Conflict as exc:
        db.session.rollback()
        return _error(409, exc.message, current=services.to_json(obs, current_user))
    except DomainError as exc:
        db.session.rollback()
        return jsonify({"error": exc.message, "errors": {"file": exc.message}}), 400
    return jsonify(services.to_json(obs, current_user)), 201 if changed else 200


@bp.post("/reviews/<int:review_id>/observations/<uuid>/withdraw")
@login_required
def withdraw_observation(review_id: int, uuid: str):
    review = _review(review_id)
    if review is None:
        return _error(404, _("No such review."))
    if not perm.can_view_observations(current_user, review):
        perm.require(False)
    obs = services.by_uuid(uuid)
    if obs is None or obs.review_id != review.id:
        return _error(404, _("No such note."))
    data = request.get_json(silent=True)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return jsonify({"error": _("Send a JSON object."), "errors": {"body": _("Send a JSON object.")}}), 400
    base = data.get("base_version")
    base_version = services.parse_int(base) if base is not None else None
    if base is not None and base_version is None:
        return jsonify({"error": _("Some fields need attention."),
                        "errors": {"base_version": _("Must be a whole number.")}}), 400
    if obs.withdrawn_at is not None:
        return jsonify(services.to_json(obs, current_user))
    try:
        with_retries(lambda: services.withdraw(obs, actor=current_user, base_version=base_version))
    except Conflict as exc:
        db.session.rollback()
        return _error(409, exc.message, current=services.to_json(exc.current, current_user))
    except DomainError as exc:
        db.session.rollback()
        return _error(403, exc.message)
    return jsonify(services.to_json(obs, current_user))
