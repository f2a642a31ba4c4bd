"""The peer pool, peer profiles, calls for peers and conflicts of interest."""

from __future__ import annotations

from peerreview.extensions import db
from peerreview.permissions.base import _auth, is_coordinator
from peerreview.permissions.reviews import is_host_contact, is_invited_or_on_team

# --- peer pool and team forming (matching/) -----------------------------------------------------
# Anyone who belongs to a member city may keep a peer profile; only its owner edits it. The
# pool as a whole, the matcher and invitations are the coordinators'. Peers answer calls for
# reviews forming their team, except their own city's; the host city's contact names conflicts.

def has_peer_profile(user) -> bool:
    if not _auth(user):
        return False
    from sqlalchemy import select

    from peerreview.matching.models import PeerProfile

    return db.session.scalar(select(PeerProfile.id).where(PeerProfile.user_id == user.id)) is not None


def can_view_peer_pool(user) -> bool:
    return is_coordinator(user)


def can_have_peer_profile(user) -> bool:
    return _auth(user) and user.city_id is not None


def can_edit_peer_profile(user, profile) -> bool:
    return can_have_peer_profile(user) and profile.user_id == user.id


def can_set_peer_training(user) -> bool:
    return is_coordinator(user)


def can_bid(user, review) -> bool:
    """Peers answer calls for reviews forming their team, except their own city's and those
    they already have a seat on (they accept or decline that seat instead)."""
    return (review.state == "team_forming" and can_have_peer_profile(user)
            and user.city_id != review.host_city_id and not is_invited_or_on_team(user, review)
            and has_peer_profile(user))


def can_view_conflicts(user, review) -> bool:
    return is_coordinator(user) or is_host_contact(user, review)


def can_flag_conflict(user, review) -> bool:
    return is_host_contact(user, review) and review.state in ("requested", "accepted", "team_forming")
