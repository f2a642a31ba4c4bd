"""Reading the library for pages: the search form's choices, one report's visible items, the
stable public item."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import func, select

from peerreview import data_version
from peerreview import permissions as perm
from peerreview.extensions import db
from peerreview.library.models import LibraryItem
from peerreview.library.search import Query

KIND_ORDER = {"finding": 0, "recommendation": 1, "practice": 2}


class NetworkLists(NamedTuple):
    """The network's lists that every member's library page shows: the filters' themes,
    cities, countries and published key-factor codes, and the themes that can be compared
    (those with a published benchmark)."""
    themes: tuple
    cities: tuple
    countries: tuple
    codes: tuple
    comparable: tuple


def form_choices(form, *, public: bool = False) -> NetworkLists | None:
    """Fill the search form's lists. Members choose among all themes and cities (the network's
    list, which they see anyway), and get the network's lists back (one remembered read for
    the whole page); the public page offers what is public."""
    from peerreview.forms_common import country_name
    from peerreview.framework.constants import CHARTER_ROLE_CHOICES
    from peerreview.i18n import gettext as _

    anyone = [("", _("Any"))]
    lists = None
    if public:
        rows = db.session.execute(select(LibraryItem.theme_id, LibraryItem.theme_name, LibraryItem.city_id,
                                         LibraryItem.city_name, LibraryItem.country, LibraryItem.kf_code)
                                  .where(perm.public_items()).distinct()).all()
        themes = sorted({(r[0], r[1]) for r in rows}, key=lambda t: t[1])
        cities = sorted({(r[2], r[3]) for r in rows}, key=lambda c: c[1])
        countries = sorted({r[4] for r in rows})
        codes = sorted({r[5] for r in rows if r[5]}, key=_code_key)
    else:
        lists = data_version.remembered(data_version.RESULTS, ("library-lists",), _network_lists)
        themes, cities, countries, codes = lists.themes, lists.cities, lists.countries, lists.codes
    form.theme.choices = anyone + [(str(i), n) for i, n in themes]
    form.city.choices = anyone + [(str(i), n) for i, n in cities]
    form.country.choices = anyone + [(c, country_name(c)) for c in countries]
    form.kf.choices = anyone + [(c, c) for c in codes]
    form.role.choices = anyone + [(v, label) for v, label in CHARTER_ROLE_CHOICES]
    return lists


def _network_lists(session) -> NetworkLists:
    """The network's lists (remembered until a city, theme, benchmark or key factor changes:
    every member's library page offers the same)."""
    from peerreview.cities.models import City
    from peerreview.framework.models import Benchmark, KeyFactor, Theme

    themes = tuple(tuple(r) for r in session.execute(select(Theme.id, Theme.name).order_by(Theme.name)))
    cities = tuple(tuple(r) for r in session.execute(select(City.id, City.name).order_by(City.name)))
    countries = tuple(sorted(session.scalars(select(City.country).distinct())))
    codes = tuple(sorted(set(session.scalars(
        select(KeyFactor.code).join(Benchmark).where(Benchmark.status == "published").distinct())),
        key=_code_key))
    comparable = tuple(tuple(r) for r in session.execute(
        select(Theme.id, Theme.name).where(Theme.id.in_(
            select(Benchmark.theme_id).where(Benchmark.status == "published"))).order_by(Theme.name)))
    return NetworkLists(themes, cities, countries, codes, comparable)


def _code_key(code: str):
    digits = "".join(ch for ch in code if ch.isdigit())
    return (code.rstrip("0123456789"), int(digits) if digits else 0, code)


def query_from(form) -> Query:
    def as_int(v):
        try:
            return int(v) if v else None
        except (TypeError, ValueError):
            return None

    return Query(text=(form.q.data or "")[:200], kind=form.kind.data or "",
                 theme_id=as_int(form.theme.data), kf_code=form.kf.data or "",
                 charter_role=form.role.data or "", city_id=as_int(form.city.data),
                 country=form.country.data or "", year=form.year.data,
                 status=form.status.data or "", page=form.page.data or 1)


def report_items(user, review_id: int, *, public: bool = False) -> list[LibraryItem]:
    """The items of one review's report that ``user`` may read, in the document's order."""
    visible = perm.public_items() if public else perm.visible_library_items(user)
    rows = db.session.scalars(select(LibraryItem).where(LibraryItem.review_id == review_id, visible)).all()
    return sorted(rows, key=lambda i: (i.kf_position if i.kind != "practice" else 10**6,
                                       KIND_ORDER[i.kind], _code_key(i.code)))


def public_item(review_id: int, code: str) -> LibraryItem | None:
    return db.session.scalar(select(LibraryItem).where(
        LibraryItem.review_id == review_id, LibraryItem.code == code, perm.public_items()))


def newest_public_practices(limit: int = 50) -> list[LibraryItem]:
    return list(db.session.scalars(
        select(LibraryItem).where(LibraryItem.kind == "practice", perm.public_items())
        .order_by(LibraryItem.published_at.desc(), LibraryItem.id.desc()).limit(limit)))


def year_range() -> list[int]:
    low, high = db.session.execute(select(func.min(LibraryItem.year), func.max(LibraryItem.year))).one()
    return list(range(high, low - 1, -1)) if low else []
