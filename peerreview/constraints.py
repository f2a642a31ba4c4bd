"""CHECK constraints made from the vocabularies the code uses, so the database refuses what
the code would refuse, and a value added to a vocabulary is allowed by the next migration
without anyone copying a list by hand.

``one_of("state", STATES)`` gives ``state IN ('draft', 'requested', ...)``; the migration
that adds the constraint imports the same tuple.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import CheckConstraint

from peerreview.framework.constants import RATING_VALUES


def _literal(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def one_of_sql(column: str, values: Iterable[str], *, nullable: bool = False) -> str:
    listed = ", ".join(_literal(v) for v in values)
    sql = f"{column} IN ({listed})"
    return f"{column} IS NULL OR {sql}" if nullable else sql


def one_of(column: str, values: Iterable[str], *, nullable: bool = False,
           name: str | None = None) -> CheckConstraint:
    """A CHECK that ``column`` holds one of ``values`` (or NULL when ``nullable``), named
    ``ck_<table>_<name or column>`` by the naming convention."""
    return CheckConstraint(one_of_sql(column, values, nullable=nullable), name=name or column)


def rating_sql(column: str = "rating", *, nullable: bool = True) -> str:
    """A rating on the one scale: "0".."3" or "ne" (peerreview.framework.constants)."""
    return one_of_sql(column, RATING_VALUES, nullable=nullable)


def rating(column: str = "rating", *, nullable: bool = True) -> CheckConstraint:
    return CheckConstraint(rating_sql(column, nullable=nullable), name=column)
