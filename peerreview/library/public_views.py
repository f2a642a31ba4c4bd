"""Public pages: what host cities published as public, readable without logging in, at
stable addresses, and an Atom feed of newly published good practices. Whoever asks (logged
in or not) sees only public items here."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from peerreview.i18n import translated
from peerreview.library import display, queries, search
from peerreview.library.forms import SearchForm

bp = Blueprint("public", __name__, url_prefix="/public")


@bp.get("/")
def index():
    form = SearchForm(formdata=request.args)
    queries.form_choices(form, public=True)
    valid = form.validate() if request.args else True
    q = queries.query_from(form) if valid else search.Query()
    result = search.search(current_user, q, public=True) if valid else search.Result()
    return render_template("library/public_index.html", form=form, q=q, result=result, valid=valid,
                           kinds=translated(display.KIND_LABELS), page_size=search.PAGE_SIZE,
                           practices=queries.newest_public_practices(5) if q.empty else [],
                           args={k: v for k, v in request.args.items() if k != "page"}), \
        200 if valid else 400


@bp.get("/reviews/<int:review_id>")
def report(review_id: int):
    items = queries.report_items(None, review_id, public=True)
    if not items:
        abort(404)
    return render_template("library/report.html", items=items, first=items[0], public=True,
                           outcome_of=display.outcome_of, kinds=display.KIND_LABELS, may_open_report=False)


@bp.get("/reviews/<int:review_id>/<code>")
def item(review_id: int, code: str):
    found = queries.public_item(review_id, code[:20])
    if found is None:
        abort(404)
    return render_template("library/item.html", item=found, outcome=display.outcome_of(found),
                           kinds=display.KIND_LABELS)


@bp.get("/practices.atom")
def feed():
    from peerreview.timeutil import utcnow

    practices = queries.newest_public_practices(50)
    updated = max((p.published_at for p in practices if p.published_at), default=None) or utcnow()
    body = render_template("library/feed.atom.xml", practices=practices, updated=updated)
    return Response(body, mimetype="application/atom+xml")


@bp.context_processor
def _helpers():
    from flask import url_for

    from peerreview.framework.constants import rating_label
    from peerreview.urls import absolute_url

    def item_url(item):
        return url_for("public.item", review_id=item.review_id, code=item.code)

    return {"rating_label": rating_label, "item_url": item_url, "library_hit": display.hit_html,
            "absolute_url": absolute_url}
