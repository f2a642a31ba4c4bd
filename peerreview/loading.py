"""Loading an object under the URL of its parent: one place for the check that a child named in
the URL belongs to the parent named before it (a document under its review, an action under its
mentorship). Another parent's child answers 404, as if it did not exist: no id in a URL reveals
or reaches anything outside its parent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort

from peerreview.extensions import db

T = TypeVar("T")


def child_or_404(model: type[T], child_id: Any, parent, *, via: str = "review_id",
                 owner: Callable[[T], Any] | None = None) -> T:
    """The ``model`` row with primary key ``child_id`` if it belongs to ``parent``; else 404.

    It belongs when its ``via`` column equals ``parent.id``, or, for a child reached through
    other objects, when ``owner(child)`` does (for example the review of an evidence file's
    self-assessment entry).
    """
    child = db.session.get(model, child_id)
    if child is None:
        abort(404)
    parent_id = owner(child) if owner is not None else getattr(child, via)
    if parent is None or parent_id != parent.id:
        abort(404)
    return child
