"""A PDF to make in the background: one row per render, claimed by one worker at a time.

``key`` is unique: "issue:<review>:v<number>" for an issued version (a version is rendered by
one job, however many times Issue is pressed), "draft:<review>:<sha256 of the HTML>" and
"progress:<mentorship>:<sha256 of the HTML>" for the documents made on request (the same text
is rendered once). A worker claims a job by moving it from "queued" to "running" in one UPDATE
that only one worker can win; the claim holds a lease, and a job whose worker died (its lease
ran out) can be claimed again, at most ``MAX_ATTEMPTS`` times in all.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from peerreview.extensions import db
from peerreview.timeutil import utcnow

KINDS = ("draft", "issue", "reissue", "progress")
STATES = ("queued", "running", "done", "failed")
MAX_ATTEMPTS = 3


class RenderJob(db.Model):
    __tablename__ = "render_job"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state"),
        CheckConstraint("kind IN ('draft', 'issue', 'reissue', 'progress')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int] = mapped_column(Integer, index=True)  # a review or a mentorship
    key: Mapped[str] = mapped_column(String(120), unique=True)
    state: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    html: Mapped[str | None] = mapped_column(Text)        # drafts and progress reports: what to render
    note: Mapped[str] = mapped_column(Text, default="")   # a corrected version's note
    version_number: Mapped[int | None] = mapped_column(Integer)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str] = mapped_column(String(120), default="")
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    error: Mapped[str] = mapped_column(Text, default="")
    result_sha256: Mapped[str | None] = mapped_column(String(64))
    result_pages: Mapped[int | None] = mapped_column(Integer)
    render_seconds: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")
