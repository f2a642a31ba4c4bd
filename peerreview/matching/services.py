"""Peer profiles, unavailable periods, interest in reviews and conflicts of interest.

Team forming (running the matcher, swaps, invitations) is in proposals.py.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from peerreview.audit.services import record
from peerreview.domain import DomainError, NotAllowed
from peerreview.extensions import db
from peerreview.forms_common import EUROPEAN_LANGUAGES
from peerreview.i18n import gettext as _
from peerreview.matching.models import (
    BID_KINDS,
    EXPERTISE_LEVELS,
    MAX_REVIEWS_PER_YEAR,
    ConflictOfInterest,
    PeerExpertise,
    PeerProfile,
    PeerUnavailability,
    ReviewBid,
)

MAX_UNAVAILABLE_DAYS = 366


def profile_of(user) -> PeerProfile | None:
    if user is None or getattr(user, "id", None) is None:
        return None
    return db.session.scalar(select(PeerProfile).where(PeerProfile.user_id == user.id).options(
        selectinload(PeerProfile.expertise), selectinload(PeerProfile.unavailable)))


def ensure_profile(user, *, actor) -> PeerProfile:
    """The user's profile, created on first use (a person must belong to a member city)."""
    if user.city_id is None:
        raise NotAllowed(_("A peer belongs to a member city; ask the secretariat to add yours."))
    profile = profile_of(user)
    if profile is None:
        profile = PeerProfile(user=user)
        db.session.add(profile)
        db.session.flush()
        record("peer.join", profile, actor=actor, changes={"user": user.name})
    return profile


def update_profile(profile: PeerProfile, *, expertise: dict[int, str], languages: list[str],
                   max_reviews_per_year: int, note: str, actor) -> dict:
    """Replace the profile's expertise, languages, yearly limit and note; return the changes."""
    from peerreview.framework.models import Theme

    if not 0 <= int(max_reviews_per_year) <= MAX_REVIEWS_PER_YEAR:
        raise DomainError(_("Choose between 0 and %(max)d reviews a year.", max=MAX_REVIEWS_PER_YEAR),
                          field="max_reviews_per_year")
    bad = sorted(code for code in languages if code not in EUROPEAN_LANGUAGES)
    if bad:
        raise DomainError(_("Unknown language code(s): %(codes)s.", codes=", ".join(bad)),
                          field="languages")
    if not languages:
        raise DomainError(_("Choose at least one language you can work in."), field="languages")
    levels = {int(k): v for k, v in expertise.items()}
    if any(v not in EXPERTISE_LEVELS for v in levels.values()):
        raise DomainError(_("Expertise is none, some or expert."), field="expertise")
    known = set(db.session.scalars(select(Theme.id).where(Theme.id.in_(list(levels)))))
    if set(levels) - known:
        raise DomainError(_("Unknown theme."), field="expertise")
    note = (note or "").strip()
    if len(note) > 2000:
        raise DomainError(_("Keep the note under 2,000 characters."), field="note")
    changes: dict = {}
    before = {e.theme_id: e.level for e in profile.expertise}
    after = {t: lvl for t, lvl in levels.items() if lvl != "none"}
    if before != after:
        changes["expertise"] = [{str(k): v for k, v in sorted(before.items())},
                                {str(k): v for k, v in sorted(after.items())}]
        for e in list(profile.expertise):
            if e.theme_id not in after:
                profile.expertise.remove(e)
            else:
                e.level = after[e.theme_id]
        for theme_id, lvl in sorted(after.items()):
            if theme_id not in before:
                profile.expertise.append(PeerExpertise(theme_id=theme_id, level=lvl))
    langs = sorted(set(languages))
    if sorted(profile.user.languages or []) != langs:
        changes["languages"] = [sorted(profile.user.languages or []), langs]
        profile.user.languages = langs
    if profile.max_reviews_per_year != int(max_reviews_per_year):
        changes["max_reviews_per_year"] = [profile.max_reviews_per_year, int(max_reviews_per_year)]
        profile.max_reviews_per_year = int(max_reviews_per_year)
    if profile.note != note:
        changes["note"] = [profile.note, note]
        profile.note = note
    if changes:
        db.session.flush()
        record("peer.update", profile, actor=actor, changes=changes)
    return changes


def set_trained(profile: PeerProfile, trained: bool, *, on: date | None, actor) -> None:
    """The secretariat records that a peer completed (or not) the peer training."""
    if bool(profile.trained) == bool(trained) and profile.trained_on == on:
        return
    record("peer.training", profile, actor=actor,
           changes={"user": profile.user.name, "trained": [profile.trained, bool(trained)]})
    profile.trained = bool(trained)
    profile.trained_on = on if trained else None


def add_unavailable(profile: PeerProfile, start: date, end: date, note: str, *, actor) -> PeerUnavailability:
    if not start or not end:
        raise DomainError(_("Give the first and the last day."), field="start")
    if end < start:
        raise DomainError(_("The period ends before it starts."), field="end")
    if (end - start).days + 1 > MAX_UNAVAILABLE_DAYS:
        raise DomainError(_("Give periods of at most a year."), field="end")
    note = (note or "").strip()[:200]
    period = PeerUnavailability(profile=profile, start=start, end=end, note=note)
    db.session.add(period)
    db.session.flush()
    record("peer.unavailable_add", profile, actor=actor,
           changes={"from": start, "to": end, "note": note})
    return period


def remove_unavailable(period: PeerUnavailability, *, actor) -> None:
    record("peer.unavailable_remove", period.profile, actor=actor,
           changes={"from": period.start, "to": period.end})
    db.session.delete(period)


# --- interest and conflicts ------------------------------------------------------------------

def bid(review, user, kind: str, *, note: str = "", actor) -> ReviewBid:
    """Say "I would like to join" or "I cannot" for a review whose team is being formed."""
    if kind not in BID_KINDS:
        raise DomainError(_("Say whether you would like to join or cannot take part."), field="kind")
    if review.state != "team_forming":
        raise NotAllowed(_("This review is not looking for peers now."))
    if user.city_id == review.host_city_id:
        raise NotAllowed(_("Peers from the host city cannot review it."))
    if profile_of(user) is None:
        raise NotAllowed(_("Fill in your peer profile first."))
    note = (note or "").strip()
    if len(note) > 500:
        raise DomainError(_("Keep the note under 500 characters."), field="note")
    existing = db.session.scalar(select(ReviewBid).where(ReviewBid.review_id == review.id,
                                                         ReviewBid.user_id == user.id))
    if existing is not None:
        if existing.kind == kind and existing.note == note:
            return existing
        record("review.bid", review, actor=actor,
               changes={"user": user.name, "kind": [existing.kind, kind]})
        existing.kind, existing.note = kind, note
        return existing
    new = ReviewBid(review=review, user=user, kind=kind, note=note)
    db.session.add(new)
    db.session.flush()
    record("review.bid", review, actor=actor, changes={"user": user.name, "kind": kind})
    return new


def withdraw_bid(review, user, *, actor) -> bool:
    existing = db.session.scalar(select(ReviewBid).where(ReviewBid.review_id == review.id,
                                                         ReviewBid.user_id == user.id))
    if existing is None:
        return False
    record("review.bid_withdraw", review, actor=actor, changes={"user": user.name, "kind": existing.kind})
    db.session.delete(existing)
    return True


def flag_conflict(review, peer, reason: str, *, actor) -> ConflictOfInterest:
    """The host city's contact names a peer who should not review the city, and why."""
    reason = (reason or "").strip()
    if peer is None or profile_of(peer) is None:
        raise DomainError(_("Choose a peer from the pool."), field="user_id")
    if not reason:
        raise DomainError(_("Say what the conflict of interest is."), field="reason")
    if len(reason) > 1000:
        raise DomainError(_("Keep the reason under 1,000 characters."), field="reason")
    if review.state not in ("requested", "accepted", "team_forming"):
        raise NotAllowed(_("Conflicts of interest can be declared until the team is formed."))
    existing = db.session.scalar(select(ConflictOfInterest).where(
        ConflictOfInterest.review_id == review.id, ConflictOfInterest.user_id == peer.id))
    if existing is not None:
        raise DomainError(_("A conflict with %(name)s is already declared.", name=peer.name),
                          field="user_id")
    conflict = ConflictOfInterest(review=review, user=peer, reason=reason, flagged_by_id=actor.id)
    db.session.add(conflict)
    db.session.flush()
    record("review.conflict_add", review, actor=actor, changes={"peer": peer.name, "reason": reason})
    return conflict


def remove_conflict(conflict: ConflictOfInterest, *, actor) -> None:
    record("review.conflict_remove", conflict.review, actor=actor,
           changes={"peer": conflict.user.name, "reason": conflict.reason})
    db.session.delete(conflict)
