"""Versions of the data that figures over the whole network are computed from, and the figures
remembered between requests for as long as their version has not moved.

The table ``data_version`` holds one counter per kind of data (``results``: what the review
teams found and what became of their recommendations; ``library``: the library's items).
Triggers made by migrations 0017 and 0018 move it on every insert, update, delete or truncate
of the tables in ``RESULT_TABLES`` and ``LIBRARY_TABLES``, in the same transaction as the
change: a write cannot forget it, whoever makes it. It is not a model (the
tests empty every model's table between tests, and the counter must go on counting through
that); ``UNMANAGED`` keeps Alembic's comparison off it.

:func:`remembered` reads the version and computes on a connection of its own, so both see only
committed data (never the request's own unfinished writes, which may yet be rolled back), and
it reads the version first: what it stores was computed from data at least as new as the
version it is stored under, so it is never older than its key says.
Each process remembers on its own (at most ``MAX_ENTRIES`` figures); the version is in the
database, so every process sees every other's writes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.orm import Session

from peerreview.extensions import db

TABLE = "data_version"
RESULTS = "results"
LIBRARY = "library"
RESULT_TABLES = ("review", "report", "report_finding", "report_recommendation", "city", "theme",
                 "benchmark", "key_factor", "mentorship", "mentoring_scheme",
                 "mentoring_progress_review", "mentoring_progress_rating")
"""The tables whose writes move ``results``: what peerreview/reports/figures.py reads, and the
network's lists that the library offers (themes, cities, published key-factor codes)."""
LIBRARY_TABLES = ("library_item",)
"""The tables whose writes move ``library`` (migration 0018): what the library's comparisons read."""

UNMANAGED = {TABLE}
MAX_ENTRIES = 256

T = TypeVar("T")
_remembered: dict[tuple, object] = {}


def current(name: str, session=None) -> tuple[str, int] | None:
    """(epoch, version) of the data ``name``, or None where the database has no counter."""
    row = (session or db.session).execute(
        text(f"SELECT epoch, version FROM {TABLE} WHERE name = :name"), {"name": name}).first()  # noqa: S608
    return None if row is None else (row[0], int(row[1]))


def remembered(name: str, key: Hashable, compute: Callable[[Session], T]) -> T:
    """``compute(session)``, or what it returned for ``key`` while the data ``name`` has not
    changed since. ``session`` reads committed data only. The value is shared by every request
    that asks: the caller must not change it."""
    with Session(db.engine) as session:
        version = current(name, session)
        if version is None:
            return compute(session)
        full = (name, version, key)
        found = _remembered.get(full)
        if found is None:
            found = compute(session)
            if len(_remembered) >= MAX_ENTRIES:
                _remembered.clear()
            _remembered[full] = found
        return found  # type: ignore[return-value]
