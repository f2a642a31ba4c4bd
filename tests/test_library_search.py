"""The library's search on both databases: words and their starts, relevance, every filter,
pages of results and the newest first without words, the CSV, the statement kept per kind of
reader, and the results as drawn."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from sqlalchemy import select

from peerreview.extensions import db
from tests.library_helpers import issued_report, lib  # noqa: F401  (lib is a fixture)
from tests.reviews_helpers import make_benchmark, make_review  # noqa: F401  (fixtures)


def test_another_city_finds_the_shared_recommendations_by_a_word(client, login, lib):
    login(lib.genoa_member)
    page = client.get("/library/?q=intake+letters").get_data(as_text=True)
    assert "Translate the intake letters" in page and "Ghent" in page
    assert "Done," in page                                  # what became of it
    assert f"/library/reviews/{lib.shared.id}#R1" in page   # its place in the report
    # the start of a word is enough; every word must appear
    assert "Open evening classes" in client.get("/library/?q=even+distr").get_data(as_text=True)
    assert "1 result" in client.get("/library/?q=evening+districts").get_data(as_text=True)
    shared = client.get(f"/library/reviews/{lib.shared.id}").get_data(as_text=True)
    assert 'id="R1"' in shared and 'id="R3"' in shared and 'id="R2"' not in shared
    assert 'id="P1"' in shared and 'id="P2"' not in shared and 'id="KF3"' not in shared


def test_filters_and_relevance(client, login, lib, today):
    login(lib.coordinator)
    done = client.get("/library/?status=done").get_data(as_text=True)
    assert "Translate the intake letters" in done and "Publish the intake figures" in done
    assert "Open evening classes" not in done and "Pay providers" not in done
    waiting = client.get("/library/?status=waiting").get_data(as_text=True)
    assert "Open evening classes" in waiting and "Waiting for the city" in waiting
    assert "Tampere" not in client.get(f"/library/?city={lib.ghent.id}").get_data(as_text=True).split("<ol")[-1]
    pt = client.get("/library/?country=PT&kind=practice").get_data(as_text=True)
    assert "Night classes in the port" in pt and "Language houses" not in pt
    year = (today - timedelta(days=30)).year
    assert "Publish the intake figures" in client.get(f"/library/?year={year}").get_data(as_text=True)
    assert "policy" in client.get("/library/?role=policy_maker&q=intake").get_data(as_text=True).lower()
    kf2 = client.get("/library/?kf=KF2").get_data(as_text=True)
    assert "Evening classes are full" in kf2 and "Intake letters go out" not in kf2
    # the item that says "intake" three times comes before those that say it once
    hits = client.get("/library/?q=intake&kind=finding").get_data(as_text=True)
    assert hits.index("the intake is booked") < hits.index("Intake letters go out")
    bad = client.get("/library/?year=soon")
    assert bad.status_code == 400 and "Year of the report" in bad.get_data(as_text=True)


def test_csv_export_of_the_results(client, login, lib):
    login(lib.genoa_member)
    res = client.get("/library/results.csv?q=intake")
    assert res.status_code == 200 and res.mimetype == "text/csv"
    assert "attachment" in res.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(res.get_data(as_text=True))))
    assert rows[0][:3] == ["City", "Country", "Theme"]
    cities = {r[0] for r in rows[1:]}
    assert cities == {"Ghent", "Lisbon"}
    assert any(r[5] == "R1" and r[9].startswith("Done,") for r in rows[1:])


def test_pages_of_results_count_every_match_and_a_page_past_the_end_still_does(app, lib):
    from peerreview.library.search import Query, search

    with app.test_request_context():
        everything = search(lib.coordinator, Query(text="intake"))
        assert everything.total == len(everything.hits) >= 3
        seen = []
        for page in range(1, everything.total + 1):
            one = search(lib.coordinator, Query(text="intake", page=page), page_size=1)
            assert one.total == everything.total and len(one.hits) == 1
            seen.append(one.hits[0].item.id)
        assert seen == [h.item.id for h in everything.hits]      # the same order, page by page
        past = search(lib.coordinator, Query(text="intake", page=everything.total + 1), page_size=1)
        assert past.hits == [] and past.total == everything.total
        assert search(lib.coordinator, Query(text="nosuchwordanywhere")).total == 0


def test_the_search_lists_follow_new_cities_key_factors_and_benchmarks(client, login, lib, make_city,
                                                                       make_benchmark, db_session):
    """The filters' lists and the comparisons offered are remembered between requests until the
    network's cities, themes or benchmarks change: a new city, a newly published benchmark and
    its key factors show on the next search."""
    from peerreview.framework.models import KeyFactor

    login(lib.genoa_member)
    before = client.get("/library/").get_data(as_text=True)
    assert ">Bergamo</option>" not in before and ">KF7</option>" not in before
    assert "Housing: ratings across cities" not in before
    make_city("Bergamo", "IT")
    housing = make_benchmark("Housing", key_factors=7, status="draft")
    after = client.get("/library/").get_data(as_text=True)
    assert ">Bergamo</option>" in after and ">Housing 2</option>" in after     # every theme
    assert ">KF7</option>" not in after and "Housing 2: ratings" not in after  # not a draft's
    housing.status = "published"
    db_session.commit()
    published = client.get("/library/").get_data(as_text=True)
    assert ">KF7</option>" in published and "Housing 2: ratings across cities" in published
    db_session.delete(db_session.scalar(select(KeyFactor).where(KeyFactor.benchmark_id == housing.id,
                                                                 KeyFactor.code == "KF7")))
    db_session.commit()
    assert ">KF7</option>" not in client.get("/library/").get_data(as_text=True)


def test_every_filter_with_words_keeps_exactly_the_matches_it_selects(app, lib, today):
    """On SQLite the filters are matched with the words in the full-text index (its facet
    column); whatever the database, a search with words and a filter finds the matches of the
    words that pass the filter, in the same order."""
    from peerreview.library.search import Query, search

    year = (today - timedelta(days=30)).year
    filters = {
        "theme_id": (lib.bench.theme_id, lambda i: i.theme_id == lib.bench.theme_id),
        "kf_code": ("KF1", lambda i: i.kf_code == "KF1"),
        "charter_role": ("policy_maker", lambda i: "|policy_maker|" in i.charter_roles),
        "city_id": (lib.lisbon.id, lambda i: i.city_id == lib.lisbon.id),
        "country": ("be", lambda i: i.country == "BE"),
        "year": (year, lambda i: i.year == year),
        "kind": ("practice", lambda i: i.kind == "practice"),
    }
    with app.test_request_context():
        for word in ("intake", "classes"):
            everything = [h.item for h in search(lib.coordinator, Query(text=word)).hits]
            for name, (value, keeps) in filters.items():
                got = search(lib.coordinator, Query(text=word, **{name: value}))
                expected = [i.id for i in everything if keeps(i)]
                assert [h.item.id for h in got.hits] == expected, (word, name)
                assert got.total == len(expected), (word, name)
        # each filter both keeps and drops something, so the comparison above can fail
        intake = [h.item for h in search(lib.coordinator, Query(text="intake")).hits]
        for name, (_value, keeps) in filters.items():
            if name not in ("kind", "theme_id"):
                assert any(map(keeps, intake)) and not all(map(keeps, intake)), name


def test_the_library_without_words_lists_the_newest_first_a_page_at_a_time(client, login, lib, db_session,
                                                                             today):
    from peerreview.library.models import LibraryItem

    recs = [(0, f"Step {n} of the long plan.", "accepted", "in_progress", None) for n in range(1, 21)]
    issued_report(db_session, host=lib.genoa, benchmark=lib.bench, issued_on=today - timedelta(days=2),
                  level="network", recs=recs)
    login(lib.coordinator)
    first = client.get("/library/").get_data(as_text=True)
    items = db_session.scalar(select(db.func.count(LibraryItem.id)))
    assert items > 25
    assert "Step 1 of the long plan" in first                      # the newest report first
    assert "Intake letters go out" not in first                    # the oldest report is on page 2
    assert 'href="/library/?page=2"' in first and ">Page 1<" in first and "Page 1 of" not in first
    assert "The newest reports first" in first and not re.search(r"\d+ results?\b", first)   # not counted
    second = client.get("/library/?page=2").get_data(as_text=True)
    assert "Intake letters go out" in second and "Previous" in second and "?page=3" not in second
    # a word or a filter still counts its results and their pages
    counted = client.get(f"/library/?city={lib.genoa.id}").get_data(as_text=True)
    assert "20 results" in counted and "Page 1 of 1" not in counted


def test_the_rule_for_a_kind_of_reader_reads_what_the_rule_for_the_person_reads(app, lib, db_session, make_user,
                                                                                today):
    """The search keeps one statement per kind of reader, with the person as bind parameters
    (``permissions.visible_items_rule``): for every kind, it selects exactly the items the
    person's own rule does."""
    from flask_login import AnonymousUserMixin

    from peerreview import permissions as perm
    from peerreview.library.models import LibraryItem

    no_city = make_user("Peer Without A City")
    issued_report(db_session, host=lib.genoa, benchmark=lib.bench, issued_on=today - timedelta(days=60),
                  recs=[(0, "Open a desk at the port ferretprivate.", "accepted", "not_started", None)],
                  team=[no_city])
    readers = {"anonymous": AnonymousUserMixin(), "coordinator": lib.coordinator, "member": no_city,
               "city_member": lib.tampere_member, "another city's member": lib.ghent_member}
    seen = {}
    with app.test_request_context():
        for name, user in readers.items():
            reader, values = perm.library_reader(user)
            kept = set(db_session.scalars(select(LibraryItem.id).where(perm.visible_items_rule(reader)),
                                          values))
            own = set(db_session.scalars(select(LibraryItem.id).where(perm.visible_library_items(user))))
            assert kept == own, name
            seen[name] = kept
    # the kinds differ, so the comparison above can fail
    assert seen["anonymous"] < seen["member"] < seen["coordinator"]
    assert seen["city_member"] != seen["another city's member"]
    ferret = db_session.scalar(select(LibraryItem.id).where(LibraryItem.body.contains("ferretprivate")))
    assert ferret in seen["member"] and ferret not in seen["city_member"]


def test_one_kept_search_statement_gives_each_member_their_own_results(app, lib):
    """Members of two cities ask the same question, one after the other and back: the same
    kept statement, and each finds what they may read and nothing else."""
    from peerreview.library.search import Query, search

    with app.test_request_context():
        for _round in range(2):
            for user, expected in ((lib.tampere_member, 1), (lib.genoa_member, 0), (lib.ghent_member, 0)):
                got = search(user, Query(text="axolotlprivate"))
                assert got.total == len(got.hits) == expected, user.name
        mine = search(lib.ghent_member, Query(text="quokkawithheld", status="in_progress"))
        assert mine.total == 1 and "quokkawithheld" in mine.hits[0].item.body
        assert search(lib.tampere_member, Query(text="quokkawithheld", status="in_progress")).total == 0


def test_a_result_shows_its_texts_escaped_with_its_key_factor_outcome_and_rating(client, login, lib, db_session,
                                                                                 today):
    """The results are drawn in Python (``display.hit_html``): every text escaped, as the
    template escaped it."""
    issued_report(db_session, host=lib.genoa, benchmark=lib.bench, issued_on=today - timedelta(days=3),
                  level="network", findings={1: ("2", "Queues <b>marmosetq</b> & waits at the desk.")},
                  recs=[(1, 'Open <i onclick="x()">marmosetq</i> desks.', "accepted", "done", today)])
    login(lib.tampere_member)
    page = client.get("/library/?q=marmosetq").get_data(as_text=True)
    results = page.split('<ol class="lib-results"')[1].split("</ol>")[0]
    assert "<i onclick" not in results and "&lt;i onclick=&#34;x()&#34;&gt;marmosetq&lt;/i&gt;" in results
    assert "<b>marmosetq" not in results and "&lt;b&gt;marmosetq&lt;/b&gt; &amp; waits" in results
    kf = lib.kfs[1]
    assert results.count(f"Key factor {kf.code}: {kf.title}") == 2
    assert "Team rating: Largely in place" in results
    assert '<span class="badge ok">Done,' in results
    assert 'href="/library/reviews/' in results and results.count('<li class="lib-hit">') == 2
