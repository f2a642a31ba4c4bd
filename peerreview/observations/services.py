"""Observations: validated, idempotent by client-made UUID, versioned against lost edits."""

from __future__ import annotations

import uuid as uuidlib
from dataclasses import dataclass

from sqlalchemy import select

from peerreview import permissions as perm
from peerreview.audit.services import record
from peerreview.domain import Conflict, DomainError, NotAllowed
from peerreview.extensions import db
from peerreview.formatting import moment
from peerreview.framework.constants import parse_rating
from peerreview.i18n import gettext as _
from peerreview.observations.models import KINDS, Observation, PeerRating
from peerreview.reviews.models import ORGANISATION_TYPES, Review, VisitSession
from peerreview.timeutil import utcnow

MAX_TEXT = 10_000


class FieldErrors(DomainError):
    """Several fields are wrong at once; ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()), field=next(iter(errors)))
        self.errors = errors


class NotFound(DomainError):
    pass


# The integer columns hold 32 bits on PostgreSQL.
MIN_INT, MAX_INT = -(2**31), 2**31 - 1


def parse_int(value) -> int | None:
    """A whole number given as a JSON number or as digits in a string; None otherwise (also
    for true/false, 1.5 and "1e3")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and 0 < len(value) <= 20 and value.strip().lstrip("+-").isascii() \
            and value.strip().lstrip("+-").isdigit():
        return int(value)
    return None


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text, or None: a NUL character or half of a UTF-16
    surrogate pair (JSON allows "\\ud800" alone; no database stores it)."""
    if "\x00" in value:
        return _("Contains a NUL character, which cannot be stored.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("Contains an incomplete character (half of a surrogate pair), which cannot be stored.")
    return None


def normalise_uuid(value) -> str | None:
    """The canonical form of a client-made UUID, or None when ``value`` is not one."""
    if not isinstance(value, str) or len(value) > 64 or text_problem(value):
        return None
    try:
        return str(uuidlib.UUID(value))
    except (ValueError, AttributeError, TypeError):
        return None


@dataclass
class ObservationInput:
    uuid: str
    text: str
    kind: str
    key_factor_id: int | None = None
    session_id: int | None = None
    source_type: str | None = None
    base_version: int | None = None

    @classmethod
    def from_json(cls, data) -> ObservationInput:
        if not isinstance(data, dict):
            raise FieldErrors({"body": _("Send a JSON object.")})
        errors = {}

        def as_int(name):
            value = data.get(name)
            if value is None or (isinstance(value, str) and value in ("", "general")):
                return None
            number = parse_int(value)
            if number is None:
                errors[name] = _("Must be a whole number.")
            elif not MIN_INT <= number <= MAX_INT:
                errors[name] = _("This number is out of range.")
                return None
            return number

        def as_str(name):
            value = data.get(name)
            if value is None:
                return ""
            if not isinstance(value, str):
                errors[name] = _("Must be text.")
                return ""
            problem = text_problem(value)
            if problem:
                errors[name] = problem
                return ""
            return value

        item = cls(uuid=as_str("uuid"), text=as_str("text"), kind=as_str("kind"),
                   key_factor_id=as_int("key_factor_id"), session_id=as_int("session_id"),
                   source_type=as_str("source_type") or None, base_version=as_int("base_version"))
        if errors:
            raise FieldErrors(errors)
        return item


def _clean(review: Review, item: ObservationInput) -> dict:
    errors: dict[str, str] = {}
    uid = normalise_uuid(item.uuid) or ""
    if not uid:
        errors["uuid"] = _("A note needs a valid UUID made by the client.")
    text = (item.text or "").strip()
    if not text:
        errors["text"] = _("Write the observation.")
    elif len(text) > MAX_TEXT:
        errors["text"] = _("Keep the observation under %(max)s characters (it has %(count)s).",
                           max=f"{MAX_TEXT:,}", count=f"{len(text):,}")
    if item.kind not in KINDS:
        errors["kind"] = _("Choose what kind of note this is.")
    kf_ids = {kf.id for kf in review.benchmark.key_factors}
    if item.key_factor_id is not None and item.key_factor_id not in kf_ids:
        errors["key_factor_id"] = _("That key factor is not part of this review's benchmark.")
    if item.session_id is not None:
        session = db.session.get(VisitSession, item.session_id)
        if session is None or session.review_id != review.id:
            errors["session_id"] = _("That session is not in this review's programme.")
    if item.source_type is not None and item.source_type not in ORGANISATION_TYPES:
        errors["source_type"] = _("Choose who said it from the list of organisation types.")
    if errors:
        raise FieldErrors(errors)
    return {"uuid": uid, "text": text, "kind": item.kind, "key_factor_id": item.key_factor_id,
            "session_id": item.session_id, "source_type": item.source_type}


def _content(obs: Observation) -> tuple:
    return (obs.text, obs.kind, obs.key_factor_id, obs.session_id, obs.source_type)


def by_uuid(uid: str) -> Observation | None:
    return db.session.scalar(select(Observation).where(Observation.uuid == uid))


def submit(review: Review, author, item: ObservationInput) -> tuple[Observation, bool]:
    """Create or edit. Returns (observation, created). A resend returns the stored note."""
    values = _clean(review, item)
    existing = by_uuid(values["uuid"])
    if existing is None:
        if item.base_version is not None:
            raise NotFound(_("This note is not on the server; it may have been sent to another review."))
        if not perm.can_add_observation(author, review):
            raise NotAllowed(_("Notes can only be added by the review team while the review is "
                             "being prepared, visited or written up."))
        obs = Observation(review=review, author_id=author.id, **values)
        db.session.add(obs)
        db.session.flush()
        record("observation.create", obs, actor=author, changes={"kind": obs.kind, "uuid": obs.uuid})
        return obs, True
    if existing.review_id != review.id or existing.author_id != author.id:
        raise Conflict(_("This note's identifier belongs to another note."), current=None)
    new = (values["text"], values["kind"], values["key_factor_id"], values["session_id"],
           values["source_type"])
    if item.base_version is None or new == _content(existing):
        return existing, False  # the same create or edit sent again
    if not perm.can_edit_observation(author, existing):
        raise NotAllowed(_("This note can no longer be changed."))
    if item.base_version != existing.version:
        raise Conflict(_("The note was changed on another device since you opened it."), current=existing)
    changes = {k: [getattr(existing, k), v] for k, v in values.items()
               if k != "uuid" and getattr(existing, k) != v}
    for key, value in values.items():
        setattr(existing, key, value)
    existing.version += 1
    existing.updated_at = utcnow()
    record("observation.update", existing, actor=author,
           changes={k: (v if k != "text" else "changed") for k, v in changes.items()})
    return existing, False


def attach(obs: Observation, upload, *, actor) -> bool:
    """Attach a photo or document to the note; returns whether anything changed. Idempotent
    like the notes themselves: sending the same file again (an offline queue retrying after a
    lost answer) changes nothing, and a note keeps the one file it was given."""
    from peerreview.files import services as files

    if not perm.can_edit_observation(actor, obs):
        raise NotAllowed(_("This note can no longer be changed."))
    stored, filename = files.store_upload(upload, field="file")
    if obs.file_id is not None:
        if obs.file_id == stored.id:
            return False
        raise Conflict(_("This note already has a file (%(filename)s).", filename=obs.filename), current=obs)
    obs.file, obs.filename = stored, filename
    obs.version += 1
    record("observation.attach", obs, actor=actor, changes={"file": filename})
    return True


def withdraw(obs: Observation, *, actor, base_version: int | None = None) -> None:
    if not perm.can_edit_observation(actor, obs):
        raise NotAllowed(_("This note can no longer be changed."))
    if base_version is not None and base_version != obs.version:
        raise Conflict(_("The note was changed on another device since you opened it."), current=obs)
    obs.withdrawn_at = utcnow()
    obs.version += 1
    record("observation.withdraw", obs, actor=actor)


def set_peer_rating(review: Review, user, key_factor_id: int, rating: str, note: str = "") -> PeerRating | None:
    if not perm.can_rate_as_peer(user, review):
        raise NotAllowed(_("Only team members suggest ratings, during the visit and the report."))
    if key_factor_id not in {kf.id for kf in review.benchmark.key_factors}:
        raise DomainError(_("That key factor is not part of this review's benchmark."))
    current = db.session.scalar(select(PeerRating).where(
        PeerRating.review_id == review.id, PeerRating.user_id == user.id,
        PeerRating.key_factor_id == key_factor_id))
    if rating in (None, ""):
        if current is not None:
            db.session.delete(current)
            record("peer_rating.clear", review, actor=user, changes={"key_factor_id": key_factor_id})
        return None
    value = parse_rating(rating)
    if current is None:
        current = PeerRating(review_id=review.id, user_id=user.id, key_factor_id=key_factor_id,
                             rating=value, note=(note or "").strip())
        db.session.add(current)
    elif (current.rating, current.note) == (value, (note or "").strip()):
        return current
    else:
        current.rating, current.note = value, (note or "").strip()
    record("peer_rating.set", review, actor=user, changes={"key_factor_id": key_factor_id, "rating": value})
    return current


def to_json(obs: Observation, viewer=None) -> dict:
    return {
        "id": obs.id, "uuid": obs.uuid, "review_id": obs.review_id,
        "author": {"id": obs.author_id, "name": obs.author.display_name if obs.author else "former member"},
        "session_id": obs.session_id, "key_factor_id": obs.key_factor_id,
        "key_factor_code": obs.key_factor.code if obs.key_factor else None,
        "kind": obs.kind, "text": obs.text, "source_type": obs.source_type,
        "filename": obs.filename, "version": obs.version,
        "created_at": obs.created_at.isoformat() + "Z", "updated_at": obs.updated_at.isoformat() + "Z",
        "withdrawn": obs.withdrawn_at is not None,
        "created_local": moment(obs.created_at, obs.review.host_city.timezone),
        "mine": viewer is not None and obs.author_id == getattr(viewer, "id", None),
    }
