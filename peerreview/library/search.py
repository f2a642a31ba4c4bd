"""Full-text search of the library: one interface over SQLite FTS5 and PostgreSQL's full-text
search, with the filters of the library page.

``search(user, query)`` returns a page of :class:`Hit` (the item, its relevance order, what
became of it) and the number of matches. The visibility rule is applied in the same SQL
statement as the match (``permissions.visible_library_items``), so a count or a page can
never include a private item.

The library without words or filters is the newest items, a page at a time, and is not
counted (``Result.total`` is None): counting every item the person may read would cost more
than the page, and says nothing a "Next" link does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Row, and_, func, literal_column, select, text

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


def _match(words: list[str], facets: list[str]):
    """(join target or None, condition, relevance expression) for the dialect in use. The
    filters stay in SQL as well: the facets only spare SQLite ranking what they would drop."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        # every word as a prefix, all of them required; words are \w+ only, so no operators
        tsquery = func.to_tsquery(literal_column("'simple'::regconfig"),
                                  " & ".join(f"{w}:*" for w in words))
        vector = literal_column(f"library_item.{SEARCH_VECTOR}")     # stored, see migration 0016
        return None, vector.op("@@")(tsquery), -func.ts_rank(vector, tsquery)
    query = "search_text : (" + " ".join(f'"{w}"*' for w in words) + ")"
    if facets:                # letters and digits only, see models.facet
        query += " AND search_facets : (" + " ".join(facets) + ")"
    # bm25 with the facets' column weighed 0: the relevance of the words alone
    rank = literal_column(f"bm25({SEARCH_TABLE}, 1.0, 0.0)")
    sub = (select(literal_column("rowid").label("id"), rank.label("rank"))
           .select_from(text(SEARCH_TABLE))
           .where(text(f"{SEARCH_TABLE} MATCH :q").bindparams(q=query))).subquery("fts")
    return sub, None, sub.c.rank


def _filters(q: Query) -> list:
    Item = LibraryItem
    out = []
    if q.kind in KINDS:
        out.append(Item.kind == q.kind)
    if q.theme_id:
        out.append(Item.theme_id == q.theme_id)
    if q.kf_code:
        out.append(Item.kf_code == q.kf_code)
    if q.charter_role:
        out.append(Item.charter_roles.contains(f"|{q.charter_role}|"))
    if q.city_id:
        out.append(Item.city_id == q.city_id)
    if q.country:
        out.append(Item.country == q.country.upper())
    if q.year:
        out.append(Item.year == q.year)
    if q.status in STATUSES:
        out.append(Item.kind == "recommendation")
        if q.status == "waiting":
            out.append(Recommendation.response.is_(None))
        elif q.status == "not_accepted":
            out.append(Recommendation.response == "not_accepted")
        else:
            out.append(and_(Recommendation.response != "not_accepted",
                            Recommendation.progress == q.status))
    return out


def search(user, q: Query, *, page_size: int = PAGE_SIZE, public: bool = False) -> Result:
    """The page ``q.page`` of the items ``user`` may read that match ``q``, most relevant first
    (newest first without words). ``public``: only what anyone may read, whoever asks."""
    Item = LibraryItem
    visible = perm.public_items() if public else perm.visible_library_items(user)
    where = [visible, *_filters(q)]
    words = q.words
    base = select(Item.id).outerjoin(Recommendation, Recommendation.id == Item.recommendation_id)
    keys = [(Item.issued_on, True), (Item.review_id, True), (Item.id, False)]     # newest first
    if words:
        sub, cond, relevance = _match(words, _facets(q))
        if sub is not None:
            base = base.join(sub, sub.c.id == Item.id)
        else:
            where.append(cond)
        keys = [(relevance, False), (Item.issued_on, True), (Item.id, False)]
    base = base.where(*where)
    page = max(1, q.page)
    if q.empty:               # not counted: one row more than the page says whether one follows
        rows = _page(base, keys, page_size + 1, (page - 1) * page_size, counted=False)
        return Result(_hits(rows[:page_size]), None, len(rows) > page_size)
    rows = _page(base, keys, page_size, (page - 1) * page_size, counted=True)
    if rows:
        total = rows[0].total
    elif page == 1:
        total = 0
    else:                     # a page past the last one: say how many there are
        total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    return Result(_hits(rows), total, page * page_size < total)


_SHOWN = [c for c in LibraryItem.__table__.c if c.name not in ("search_text", "search_facets")]
_OUTCOME = (Recommendation.response, Recommendation.progress, Recommendation.progress_on,
            Recommendation.done_on)


def _page(base, keys, limit: int, offset: int, *, counted: bool) -> list[Row]:
    """One statement: the page's ids in order, with the number of matches (as a window count)
    when ``counted``, chosen from narrow rows (the database orders every match, and a wide row
    per match would be carried through the count and the sort), then joined to the page's
    items' columns and their recommendation's outcome, in the same order."""
    cols = [expr.label(f"key{i}") for i, (expr, _descending) in enumerate(keys)]

    def order(columns):
        return [c.desc() if descending else c for c, (_e, descending) in zip(columns, keys, strict=True)]

    extra = [func.count().over().label("total")] if counted else []
    ranked = (base.add_columns(*cols, *extra).order_by(*order(cols))
              .limit(limit).offset(offset).subquery("page"))
    outer = (select(*_SHOWN, *_OUTCOME, *([ranked.c.total] if counted else []))
             .join(ranked, ranked.c.id == LibraryItem.id)
             .outerjoin(Recommendation, Recommendation.id == LibraryItem.recommendation_id)
             .order_by(*order([ranked.c[c.name] for c in cols])))
    return db.session.execute(outer).all()


def _hits(rows: list[Row]) -> list[Hit]:
    """The page's rows as hits: each item's columns (not objects: a page of 25 read-only rows in
    about half the time) and what became of its recommendation."""
    n = len(_SHOWN)
    return [Hit(row, *row[n:n + len(_OUTCOME)]) for row in rows]
