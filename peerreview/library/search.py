"""Full-text search of the library: one interface over SQLite FTS5 and PostgreSQL's full-text
search, with the filters of the library page.

``search(user, query)`` returns a page of :class:`Hit` (the item, its relevance order, what
became of it) and the number of matches. The visibility rule is applied in the same SQL
statement as the match (``permissions.visible_items_rule``, the rule of
``visible_library_items`` for a kind of reader), so a count or a page can never include a
private item.

The library without words or filters is the newest items, a page at a time, and is not
counted (``Result.total`` is None): counting every item the person may read would cost more
than the page, and says nothing a "Next" link does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from sqlalchemy import Integer, Row, String, and_, bindparam, func, literal_column, select, text

from peerreview import permissions as perm
from peerreview.extensions import db
from peerreview.library.models import KINDS, SEARCH_TABLE, SEARCH_VECTOR, LibraryItem, facet
from peerreview.reports.models import Recommendation

PAGE_SIZE = 25
MAX_PAGE_SIZE = 5000          # the CSV export
STATUSES = ("waiting", "not_accepted", "not_started", "in_progress", "done")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Query:
    """What the person asked for; every field optional."""
    text: str = ""
    kind: str = ""
    theme_id: int | None = None
    kf_code: str = ""
    charter_role: str = ""
    city_id: int | None = None
    country: str = ""
    year: int | None = None
    status: str = ""
    page: int = 1

    @property
    def words(self) -> list[str]:
        return [w.lower() for w in _WORD.findall(self.text or "")][:12]

    @property
    def empty(self) -> bool:
        return not (self.words or self.kind or self.theme_id or self.kf_code or self.charter_role
                    or self.city_id or self.country or self.year or self.status)


@dataclass
class Hit:
    item: Row                 # the item's columns, as LibraryItem names them (not its search text)
    response: str | None = None
    progress: str | None = None
    progress_on: date | None = None
    done_on: date | None = None


@dataclass
class Result:
    hits: list[Hit] = field(default_factory=list)
    total: int | None = 0       # None: not counted (the library without words or filters)
    more: bool = False          # a page follows this one


def _facets(q: Query) -> list[str]:
    """The filters that SQLite matches with the words (see ``models.facets``). The kind of
    findings or recommendations is left to SQL: each is a large share of the library, and
    intersecting with such a share costs more than it saves."""
    out = []
    if q.kind == "practice":
        out.append(facet("kind", q.kind))
    if q.theme_id:
        out.append(facet("theme", q.theme_id))
    if q.kf_code:
        out.append(facet("kf", q.kf_code))
    if q.charter_role:
        out.append(facet("role", q.charter_role))
    if q.city_id:
        out.append(facet("city", q.city_id))
    if q.country:
        out.append(facet("country", q.country.upper()))
    if q.year:
        out.append(facet("year", q.year))
    return out


def _match_text(dialect: str, words: list[str], facets: list[str]) -> str:
    """The words (and on SQLite the filters' facets) as the database's full-text query: every
    word as a prefix, all of them required. Words are \\w+ only and facets letters and digits
    (``models.facet``), so neither can carry an operator."""
    if dialect == "postgresql":
        return " & ".join(f"{w}:*" for w in words)
    query = "search_text : (" + " ".join(f'"{w}"*' for w in words) + ")"
    if facets:
        query += " AND search_facets : (" + " ".join(facets) + ")"
    return query


def _match(dialect: str):
    """(join target or None, condition, relevance expression) for the full-text query given as
    the bind parameter ``q``. The filters stay in SQL as well: the facets only spare SQLite
    ranking what they would drop."""
    if dialect == "postgresql":
        tsquery = func.to_tsquery(literal_column("'simple'::regconfig"), bindparam("q", type_=String))
        vector = literal_column(f"library_item.{SEARCH_VECTOR}")     # stored, see migration 0016
        return None, vector.op("@@")(tsquery), -func.ts_rank(vector, tsquery)
    # bm25 with the facets' column weighed 0: the relevance of the words alone
    rank = literal_column(f"bm25({SEARCH_TABLE}, 1.0, 0.0)")
    sub = (select(literal_column("rowid").label("id"), rank.label("rank"))
           .select_from(text(SEARCH_TABLE))
           .where(text(f"{SEARCH_TABLE} MATCH :q"))).subquery("fts")
    return sub, None, sub.c.rank


# Each filter as a condition on its bind parameter (named as the Query's field); the search
# gives the values.
_FILTERS = {
    "kind": lambda: LibraryItem.kind == bindparam("kind"),
    "theme_id": lambda: LibraryItem.theme_id == bindparam("theme_id"),
    "kf_code": lambda: LibraryItem.kf_code == bindparam("kf_code"),
    "charter_role": lambda: LibraryItem.charter_roles.contains(bindparam("charter_role")),
    "city_id": lambda: LibraryItem.city_id == bindparam("city_id"),
    "country": lambda: LibraryItem.country == bindparam("country"),
    "year": lambda: LibraryItem.year == bindparam("year"),
}


def _filters(q: Query) -> tuple[tuple[str, ...], str, dict]:
    """The filters ``q`` sets (by name), the kind of status filter, and their values."""
    values = {"kind": q.kind if q.kind in KINDS else "", "theme_id": q.theme_id, "kf_code": q.kf_code,
              "charter_role": f"|{q.charter_role}|" if q.charter_role else "", "city_id": q.city_id,
              "country": (q.country or "").upper(), "year": q.year}
    values = {k: v for k, v in values.items() if v}
    filters = tuple(values)
    status = q.status if q.status in STATUSES else ""
    if status in ("in_progress", "not_started", "done"):
        values["status"], status = status, "progress"
    return filters, status, values


def _status(kind: str) -> list:
    """The conditions of a status filter (``_filters``' kind of it)."""
    if not kind:
        return []
    out = [LibraryItem.kind == "recommendation"]
    if kind == "waiting":
        out.append(Recommendation.response.is_(None))
    elif kind == "not_accepted":
        out.append(Recommendation.response == "not_accepted")
    else:
        out.append(and_(Recommendation.response != "not_accepted", Recommendation.progress == bindparam("status")))
    return out


def search(user, q: Query, *, page_size: int = PAGE_SIZE, public: bool = False) -> Result:
    """The page ``q.page`` of the items ``user`` may read that match ``q``, most relevant first
    (newest first without words). ``public``: only what anyone may read, whoever asks.

    The statement is built once for each form of question (which filters, words or not, which
    kind of reader) and kept, with every value a bind parameter: building it cost more than
    running it on most searches."""
    reader, params = perm.library_reader(user, public=public)
    dialect = db.session.get_bind().dialect.name
    filters, status, values = _filters(q)
    params.update(values)
    words = q.words
    if words:
        params["q"] = _match_text(dialect, words, _facets(q))
    page = max(1, q.page)
    shape = (dialect, reader, filters, status, bool(words))
    if q.empty:               # not counted: one row more than the page says whether one follows
        rows = _run(_statement(*shape, counted=False), params, page_size + 1, (page - 1) * page_size)
        return Result(_hits(rows[:page_size]), None, len(rows) > page_size)
    rows = _run(_statement(*shape, counted=True), params, page_size, (page - 1) * page_size)
    if rows:
        total = rows[0].total
    elif page == 1:
        total = 0
    else:                     # a page past the last one: say how many there are
        total = db.session.scalar(_count(*shape), params) or 0
    return Result(_hits(rows), total, page * page_size < total)


def _run(statement, params: dict, limit: int, offset: int) -> list[Row]:
    return db.session.execute(statement, {**params, "limit": limit, "offset": offset}).all()


_SHOWN = [c for c in LibraryItem.__table__.c if c.name not in ("search_text", "search_facets")]
_OUTCOME = (Recommendation.response, Recommendation.progress, Recommendation.progress_on,
            Recommendation.done_on)


@lru_cache(maxsize=512)
def _base(dialect: str, reader: str, filters: tuple[str, ...], status: str, words: bool):
    """The ids of the items that match, with the keys they are ordered by (most relevant, or
    newest, first): a form of question, every value a bind parameter."""
    Item = LibraryItem
    where = [perm.visible_items_rule(reader), *(_FILTERS[name]() for name in filters), *_status(status)]
    base = select(Item.id).outerjoin(Recommendation, Recommendation.id == Item.recommendation_id)
    keys = [(Item.issued_on, True), (Item.review_id, True), (Item.id, False)]     # newest first
    if words:
        sub, cond, relevance = _match(dialect)
        if sub is not None:
            base = base.join(sub, sub.c.id == Item.id)
        else:
            where.append(cond)
        keys = [(relevance, False), (Item.issued_on, True), (Item.id, False)]
    return base.where(*where), keys


@lru_cache(maxsize=512)
def _statement(dialect: str, reader: str, filters: tuple[str, ...], status: str, words: bool, *,
               counted: bool):
    """One statement: the page's ids in order, with the number of matches (as a window count)
    when ``counted``, chosen from narrow rows (the database orders every match, and a wide row
    per match would be carried through the count and the sort), then joined to the page's
    items' columns and their recommendation's outcome, in the same order. The page is the
    bind parameters ``limit`` and ``offset``."""
    base, keys = _base(dialect, reader, filters, status, words)
    cols = [expr.label(f"key{i}") for i, (expr, _descending) in enumerate(keys)]

    def order(columns):
        return [c.desc() if descending else c for c, (_e, descending) in zip(columns, keys, strict=True)]

    extra = [func.count().over().label("total")] if counted else []
    ranked = (base.add_columns(*cols, *extra).order_by(*order(cols))
              .limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer))
              .subquery("page"))
    return (select(*_SHOWN, *_OUTCOME, *([ranked.c.total] if counted else []))
            .join(ranked, ranked.c.id == LibraryItem.id)
            .outerjoin(Recommendation, Recommendation.id == LibraryItem.recommendation_id)
            .order_by(*order([ranked.c[c.name] for c in cols])))


@lru_cache(maxsize=512)
def _count(dialect: str, reader: str, filters: tuple[str, ...], status: str, words: bool):
    return select(func.count()).select_from(_base(dialect, reader, filters, status, words)[0].subquery())


def _hits(rows: list[Row]) -> list[Hit]:
    """The page's rows as hits: each item's columns (not objects: a page of 25 read-only rows in
    about half the time) and what became of its recommendation."""
    n = len(_SHOWN)
    return [Hit(row, *row[n:n + len(_OUTCOME)]) for row in rows]
