from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, DateTime, Index, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.extensions import db
from peerreview.timeutil import utcnow

if TYPE_CHECKING:
    from peerreview.auth.models import User


class City(db.Model):
    """A member city of the network."""

    __tablename__ = "city"
    __table_args__ = (
        UniqueConstraint("name", "country"),
        # "Gent" and "GENT" in Belgium are one city, in the database as in the forms
        Index("uq_city_lower_name_country", func.lower(text("name")), "country", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # ISO 3166-1 alpha-2, upper case
    country: Mapped[str] = mapped_column(String(2), index=True)
    charter_signed_on: Mapped[date | None] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Brussels")
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    members: Mapped[list[User]] = relationship(
        back_populates="city", order_by="User.name", viewonly=True
    )

    def __repr__(self) -> str:
        return f"<City {self.name} ({self.country})>"

    @property
    def label(self) -> str:
        return f"{self.name} ({self.country})"
