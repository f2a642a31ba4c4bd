"""The network's library: how widely each issued report is published, the single items a host
city holds back, and the searchable copy of every issued finding, recommendation and good
practice.

``LibraryItem`` is a copy of the issued text, made when a version of the report is issued
(``index.index_report``): a correction being drafted after issue never shows before it is
issued. Its ``level`` and ``withheld`` columns follow the report's :class:`Publication` and
:class:`WithheldItem` rows, and every list, search, count, chart and feed of items filters them
with ``permissions.visible_library_items``.

The full-text index is not a model: on SQLite it is the FTS5 table ``library_search`` (kept in
step with ``library_item`` by triggers) over ``search_text`` and ``search_facets``, on
PostgreSQL the stored column ``search_vector`` (generated from ``search_text``) with a GIN
index. Both are made by the migrations; ``UNMANAGED``
names them so that the comparison of models and migrations leaves them alone.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.constraints import one_of, rating
from peerreview.extensions import db
from peerreview.timeutil import utcnow

if TYPE_CHECKING:
    from peerreview.reports.models import Recommendation, Report

LEVELS = ("private", "network", "public")
SHARED_LEVELS = ("network", "public")
KINDS = ("finding", "recommendation", "practice")

SEARCH_TABLE = "library_search"
SEARCH_VECTOR = "search_vector"
SEARCH_INDEX = "ix_library_item_search_vector"
UNMANAGED = {SEARCH_TABLE, *(f"{SEARCH_TABLE}_{part}" for part in ("data", "idx", "docsize", "config",
                                                                     "content")), SEARCH_VECTOR, SEARCH_INDEX}
"""Names of the full-text index's objects, which exist in the database but not in the models
(``peerreview.models.include_name`` keeps Alembic's comparison off them)."""

_FACET_LETTERS = {"kind": "k", "theme": "t", "city": "c", "country": "n", "year": "y", "kf": "f", "role": "r"}


def facet(name: str, value) -> str:
    """One filter's value as a word of the full-text index's facet column (migration 0019): a
    letter for the filter, then the value in hexadecimal, because the tokenizer keeps only
    letters and digits and folds case, and key-factor codes may hold dots and differ in case."""
    return _FACET_LETTERS[name] + str(value).encode("utf-8").hex()


def facets(kind: str, theme_id: int, city_id: int, country: str, year: int, kf_code: str,
           charter_roles: str) -> str:
    """The words of an item's facet column: what the library's filters select on. On SQLite a
    search with words and filters matches these with the words, so that only the items that
    pass the filters are ranked (ranking every match of a common word costs more than the rest
    of the search together)."""
    words = [facet("kind", kind), facet("theme", theme_id), facet("city", city_id),
             facet("country", country), facet("year", year)]
    if kf_code:
        words.append(facet("kf", kf_code))
    words += [facet("role", r) for r in charter_roles.split("|") if r]
    return " ".join(words)


class Publication(db.Model):
    """How widely one report is published: chosen by the host city, private until it says."""

    __tablename__ = "report_publication"
    __table_args__ = (one_of("level", LEVELS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), unique=True)
    level: Mapped[str] = mapped_column(String(10), default="private")
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    report: Mapped[Report] = relationship(backref=db.backref("publication", uselist=False,
                                                             cascade="all, delete-orphan"))


class WithheldItem(db.Model):
    """One finding, recommendation or good practice the host city keeps out of a shared report.

    Named by its code in the report (KF2, R3, P1). A good practice's code is its place in the
    list, so its text's fingerprint is kept too: a practice is held back when either matches,
    and a corrected list never releases a practice the city held back.
    """

    __tablename__ = "report_withheld_item"
    __table_args__ = (UniqueConstraint("report_id", "kind", "code"), one_of("kind", KINDS))

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(20))
    fingerprint: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LibraryItem(db.Model):
    """The issued text of one finding, recommendation or good practice, with what the library
    filters on; see the module's docstring."""

    __tablename__ = "library_item"
    __table_args__ = (
        UniqueConstraint("report_id", "kind", "code"),
        one_of("kind", KINDS),
        one_of("level", LEVELS),
        rating(),
        rating("self_rating"),
        Index("ix_library_item_theme", "theme_id", "kind", "kf_code"),
        # No index on (level, withheld): two thirds of the items are shared, and on PostgreSQL
        # such an index only added a 60,000-row bitmap to every search (migration 0016). The
        # public pages find their items through this one.
        Index("ix_library_item_published", "kind", "level", "published_at"),
        # The library without words lists the newest reports first: read backwards, this
        # index gives the first page without sorting the library (migration 0019).
        Index("ix_library_item_newest", "issued_on", "review_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(20))
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_recommendation.id", ondelete="SET NULL"), index=True)
    key_factor_id: Mapped[int | None] = mapped_column(ForeignKey("key_factor.id", ondelete="SET NULL"))
    kf_code: Mapped[str] = mapped_column(String(20), default="")
    kf_title: Mapped[str] = mapped_column(String(300), default="")
    kf_position: Mapped[int] = mapped_column(Integer, default=0)
    charter_roles: Mapped[str] = mapped_column(String(200), default="")  # "|policy_maker|employer|"
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"))
    theme_name: Mapped[str] = mapped_column(String(200), default="")
    benchmark_id: Mapped[int] = mapped_column(ForeignKey("benchmark.id", ondelete="CASCADE"))
    benchmark_version: Mapped[int] = mapped_column(Integer, default=1)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="CASCADE"), index=True)
    city_name: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    issued_on: Mapped[date] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    rating: Mapped[str | None] = mapped_column(String(4))
    self_rating: Mapped[str | None] = mapped_column(String(4))
    level: Mapped[str] = mapped_column(String(10), default="private")
    withheld: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)  # first made public
    search_text: Mapped[str] = mapped_column(Text, default="")
    search_facets: Mapped[str] = mapped_column(Text, default="", server_default="")  # facets()
    indexed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    recommendation: Mapped[Recommendation | None] = relationship()

    @property
    def anchor(self) -> str:
        return self.code
