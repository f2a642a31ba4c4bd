"""Cities, people, the audit log, and each person's own tasks and notification settings."""

from __future__ import annotations

from peerreview.permissions.base import _auth, is_coordinator

# --- cities and people -------------------------------------------------------------------

def can_list_cities(user) -> bool:
    return _auth(user)


def can_view_city(user, city) -> bool:
    return _auth(user)


def can_view_city_members(user, city) -> bool:
    return is_coordinator(user) or (_auth(user) and user.city_id == city.id)


def can_manage_cities(user) -> bool:
    return is_coordinator(user)


def can_edit_city(user, city) -> bool:
    return is_coordinator(user) or (
        _auth(user) and user.city_id == city.id and user.city_role == "contact"
    )


def can_invite(user) -> bool:
    return is_coordinator(user)


def can_manage_users(user) -> bool:
    return is_coordinator(user)


def can_view_audit(user) -> bool:
    return is_coordinator(user)


# --- deadlines, reminders and notification preferences (deadlines/) --------------------------
# Everyone logged in sees what is due from them and chooses how they are reminded.

def can_view_tasks(user) -> bool:
    return _auth(user)


def can_edit_notification_preferences(user) -> bool:
    return _auth(user)
