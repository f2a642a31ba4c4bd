"""The benchmark framework: themes, their versioned benchmarks, key factors, guide questions
and context factors.

A benchmark version is either a *draft* (editable, seen by coordinators only) or *published*
(never changed again). A theme has at most one draft, and it is always the theme's highest
version, so two drafts started at the same time collide on the (theme_id, version) key.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.extensions import db
from peerreview.framework.constants import charter_role_label
from peerreview.framework.translations import Translatable
from peerreview.timeutil import utcnow


class Theme(Translatable, db.Model):
    """A policy area that reviews and mentorships are about."""

    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
    TRANSLATED = ("name", "description")

    benchmarks: Mapped[list[Benchmark]] = relationship(
        back_populates="theme", order_by="Benchmark.version")

    def __repr__(self) -> str:
        return f"<Theme {self.slug}>"

    @property
    def current_benchmark(self) -> Benchmark | None:
        """The highest published version: what a new review or mentorship uses."""
        published = [b for b in self.benchmarks if b.status == "published"]
        return max(published, key=lambda b: b.version) if published else None

    @property
    def draft(self) -> Benchmark | None:
        return next((b for b in self.benchmarks if b.status == "draft"), None)

    @property
    def published_benchmarks(self) -> list[Benchmark]:
        return [b for b in self.benchmarks if b.status == "published"]


class Benchmark(Translatable, db.Model):
    """One version of a theme's standard."""

    __tablename__ = "benchmark"
    __table_args__ = (
        UniqueConstraint("theme_id", "version"),
        CheckConstraint("status IN ('draft', 'published')", name="status"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="RESTRICT"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    standard: Mapped[str] = mapped_column(Text, default="")
    source_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
    TRANSLATED = ("standard",)

    theme: Mapped[Theme] = relationship(back_populates="benchmarks")
    key_factors: Mapped[list[KeyFactor]] = relationship(
        back_populates="benchmark", order_by="KeyFactor.position",
        cascade="all, delete-orphan", passive_deletes=True)
    context_factors: Mapped[list[ContextFactor]] = relationship(
        back_populates="benchmark", order_by="ContextFactor.position",
        cascade="all, delete-orphan", passive_deletes=True)

    def __repr__(self) -> str:
        return f"<Benchmark {self.theme_id} v{self.version} {self.status}>"

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def is_current(self) -> bool:
        return self.is_published and self.theme.current_benchmark is self

    @property
    def is_superseded(self) -> bool:
        return self.is_published and not self.is_current

    @property
    def status_label(self) -> str:
        if self.is_draft:
            return "draft"
        return "current" if self.is_current else "superseded"

    @property
    def label(self) -> str:
        return f"{self.theme.name}, version {self.version}"


class KeyFactor(Translatable, db.Model):
    """A concrete condition for success, coded KF1, KF2 ... within its benchmark."""

    __tablename__ = "key_factor"
    __table_args__ = (UniqueConstraint("benchmark_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    benchmark_id: Mapped[int] = mapped_column(
        ForeignKey("benchmark.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    # CharterRole values in canonical order, e.g. ["policy_maker", "employer"]
    charter_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
    TRANSLATED = ("title", "description")

    benchmark: Mapped[Benchmark] = relationship(back_populates="key_factors")
    guide_questions: Mapped[list[GuideQuestion]] = relationship(
        back_populates="key_factor", order_by="GuideQuestion.position",
        cascade="all, delete-orphan", passive_deletes=True)

    def __repr__(self) -> str:
        return f"<KeyFactor {self.code}>"

    @property
    def label(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def charter_role_labels(self) -> list[str]:
        return [charter_role_label(r) for r in self.charter_roles or []]


class GuideQuestion(Translatable, db.Model):
    """A question that helps to see whether a key factor is met."""

    __tablename__ = "guide_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_factor_id: Mapped[int] = mapped_column(
        ForeignKey("key_factor.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
    TRANSLATED = ("text",)

    key_factor: Mapped[KeyFactor] = relationship(back_populates="guide_questions")


class ContextFactor(Translatable, db.Model):
    """Something that limits what a city can do on the theme (national law, competences...)."""

    __tablename__ = "context_factor"

    id: Mapped[int] = mapped_column(primary_key=True)
    benchmark_id: Mapped[int] = mapped_column(
        ForeignKey("benchmark.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
    TRANSLATED = ("text",)

    benchmark: Mapped[Benchmark] = relationship(back_populates="context_factors")
