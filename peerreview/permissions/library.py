"""The library: who reads which issued finding, recommendation and good practice, who decides
how widely a report is published, and the comparisons built from them.

One rule, :func:`visible_library_items`, says which items a person may read. The search, its
counts and its CSV, the shared and public report pages, the feed, the heatmap, a city's
history and the matching suggestions all filter with it (or with :func:`shared_with_network`,
its part for every logged-in member), so a private text cannot come out through any of them.
"""

from __future__ import annotations

from peerreview.permissions.base import _auth, is_coordinator
from peerreview.permissions.reports import REPORT_AFTER_ISSUE
from peerreview.permissions.reviews import is_host_contact


def public_items():
    """Items anyone may read, logged in or not: published as public and not held back."""
    from sqlalchemy import and_

    from peerreview.library.models import LibraryItem as Item

    return and_(Item.level == "public", Item.withheld.is_(False))


def shared_with_network():
    """Items every logged-in member may read: shared with the network or public, not held back."""
    from sqlalchemy import and_

    from peerreview.library.models import SHARED_LEVELS
    from peerreview.library.models import LibraryItem as Item

    return and_(Item.level.in_(SHARED_LEVELS), Item.withheld.is_(False))


def visible_library_items(user):
    """The SQL condition on LibraryItem for the items ``user`` may read.

    Anonymous people: public items. Members: what is shared with the network, plus every item
    of the reports they read anyway (:func:`read_in_full`). Coordinators: everything.
    """
    from sqlalchemy import or_, true

    if is_coordinator(user):
        return true()
    if not _auth(user):
        return public_items()
    return or_(shared_with_network(), read_in_full(user))


def read_in_full(user):
    """The SQL condition on LibraryItem for the reports a member reads whole, held-back items
    and all: their own city's, and those of the reviews whose team they sat on (as
    ``can_download_report`` says). The rest of what they may read is what the network shares."""
    from sqlalchemy import false

    if not _auth(user):
        return false()
    return _own_reports(user.id, user.city_id)


def _own_reports(viewer_id, viewer_city):
    """:func:`read_in_full` for the member ``viewer_id`` of the city ``viewer_city`` (None: of
    no city), given as values or as bind parameters."""
    from sqlalchemy import or_, select

    from peerreview.library.models import LibraryItem as Item
    from peerreview.reviews.models import TeamMember

    seats = select(TeamMember.review_id).where(TeamMember.user_id == viewer_id,
                                               TeamMember.status == "accepted")
    if viewer_city is None:
        return Item.review_id.in_(seats)
    return or_(Item.review_id.in_(seats), Item.city_id == viewer_city)


READERS = ("all", "public", "member", "city_member")


def library_reader(user, *, public: bool = False) -> tuple[str, dict]:
    """Who reads the library, as :func:`visible_library_items` tells them apart: one of
    ``READERS``, and the values :func:`visible_items_rule` of that kind of reader needs
    (``viewer_id``, ``viewer_city``). ``public``: whoever asks, only what anyone may read."""
    if public or not _auth(user):
        return "public", {}
    if is_coordinator(user):
        return "all", {}
    if user.city_id is None:
        return "member", {"viewer_id": user.id}
    return "city_member", {"viewer_id": user.id, "viewer_city": user.city_id}


def visible_items_rule(reader: str):
    """:func:`visible_library_items` for a kind of reader (:func:`library_reader`), with the
    person's id and city as the bind parameters ``viewer_id`` and ``viewer_city``: one
    condition for every member, so that a statement built on it can be kept and run for any of
    them with their values (the library's search builds its statement once per form of
    question, not on every search)."""
    from sqlalchemy import bindparam, or_, true

    if reader == "all":
        return true()
    if reader == "public":
        return public_items()
    city = bindparam("viewer_city") if reader == "city_member" else None
    return or_(shared_with_network(), _own_reports(bindparam("viewer_id"), city))


def can_read_library_item(user, item) -> bool:
    """One item, by the same rule as the lists (asked of the database, so it cannot differ)."""
    from sqlalchemy import select

    from peerreview.extensions import db
    from peerreview.library.models import LibraryItem as Item

    if item is None:
        return False
    return db.session.scalar(select(Item.id).where(Item.id == item.id,
                                                   visible_library_items(user))) is not None


def can_use_library(user) -> bool:
    """The members' library, comparisons and city histories (the public pages need no login)."""
    return _auth(user)


def can_set_publication(user, review) -> bool:
    """How widely the issued report is published, and what is held back: the host's contact."""
    return review.state in REPORT_AFTER_ISSUE and is_host_contact(user, review) \
        and getattr(review, "report", None) is not None and bool(review.report.versions)
