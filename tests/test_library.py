"""The library: the host city's choice of publication, search and filters on both databases,
the CSV, the public pages and the feed, comparisons, and the rule that nothing private comes
out of any of them."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from peerreview.extensions import db
from tests.library_helpers import issued_report
from tests.reports_helpers import complete, rw  # noqa: F401  (rw is a fixture)
from tests.reviews_helpers import make_benchmark, make_review  # noqa: F401  (fixtures)

# one unique word planted in each text that must stay private
PRIVATE_WORDS = {
    "withheld recommendation": "quokkawithheld",
    "withheld good practice": "pangolinwithheld",
    "withheld finding": "narwhalwithheld",
    "private recommendation": "axolotlprivate",
    "private finding": "okapiprivate",
    "private good practice": "tapirprivate",
    "private self-assessment": "capybaraprivate",
    "team comment": "ibexcomment",
    "observation": "marmotnote",
    "correction not yet issued": "toucandraft",
    "report being drafted": "wombatdrafting",
    "network-only recommendation": "lynxnetwork",   # private to anonymous people only
}


@pytest.fixture
def lib(db_session, make_city, make_user, make_benchmark, make_review, today):
    from peerreview.observations.models import Observation
    from peerreview.reports.models import Recommendation, Report, ReportComment, ReportSection

    bench = make_benchmark("Language courses", key_factors=3)
    kfs = list(bench.key_factors)
    ghent, tampere, lisbon = make_city("Ghent", "BE"), make_city("Tampere", "FI"), make_city("Lisbon", "PT")
    genoa = make_city("Genoa", "IT")
    w = PRIVATE_WORDS
    shared = issued_report(
        db_session, host=ghent, benchmark=bench, issued_on=today - timedelta(days=400), level="network",
        findings={0: ("1", "Intake letters go out in one language only."),
                  1: ("2", "Evening classes are full."),
                  2: ("3", f"The register of complaints is {w['withheld finding']} thorough.")},
        recs=[(0, f"Translate the intake letters into five languages {w['network-only recommendation']}.",
               "accepted", "done", today - timedelta(days=100)),
              (1, f"Pay providers for results {w['withheld recommendation']}.", "accepted", "in_progress", None),
              (1, "Open evening classes in three districts.", None, None, None)],
        practices=f"- Language houses in eleven libraries.\n- A {w['withheld good practice']} mentor scheme.",
        withheld=("R2", "P2", "KF3"), self_ratings={0: ("2", "We translate some letters.")})
    # a correction being written after issue, and the team's own discussion
    report = shared.report
    db_session.add(Recommendation(report=report, key_factor=kfs[2], action=f"Add {w['correction not yet issued']}.",
                                  position=9))
    db_session.add(ReportComment(report=report, section="executive_summary", kind="team",
                                 body=f"Shorter {w['team comment']}."))
    private = issued_report(
        db_session, host=tampere, benchmark=bench, issued_on=today - timedelta(days=200),
        findings={0: ("0", f"No intake at all {w['private finding']}.")},
        recs=[(0, f"Start an intake desk {w['private recommendation']}.", "accepted", "not_started", None)],
        practices=f"- The {w['private good practice']} welcome walk.",
        self_ratings={0: ("1", f"We {w['private self-assessment']} try.")})
    db_session.add(Observation(uuid="8d3c1f0e-0000-4000-8000-000000000001", review=private,
                               author_id=make_user("Note Taker").id, kind="gap", key_factor=kfs[0],
                               text=f"Queue at the desk {w['observation']}."))
    public = issued_report(
        db_session, host=lisbon, benchmark=bench, issued_on=today - timedelta(days=30), level="public",
        findings={0: ("3", "Intake for every newcomer: the intake is booked at registration and the intake team calls."), 1: ("3", "Classes at night.")},
        recs=[(0, "Publish the intake figures every quarter.", "accepted", "done", today - timedelta(days=5))],
        practices="- Intake booked at the registration desk, the same day.\n- Night classes in the port.")
    drafting = make_review("reporting", host=ghent, benchmark=bench, visit_start=today - timedelta(days=20))
    rep = Report(review=drafting, state="drafting")
    db_session.add_all([rep, ReportSection(report=rep, key="good_practices",
                                           body=f"- {w['report being drafted']} idea.")])
    db_session.commit()
    return SimpleNamespace(
        bench=bench, kfs=kfs, shared=shared, private=private, public=public, drafting=drafting,
        ghent=ghent, tampere=tampere, lisbon=lisbon, genoa=genoa,
        ghent_contact=make_user("Ghent Contact", city=ghent, city_role="contact"),
        ghent_member=make_user("Ghent Member", city=ghent),
        tampere_member=make_user("Tampere Member", city=tampere),
        genoa_member=make_user("Genoa Member", city=genoa),
        coordinator=make_user("Coordinator", coordinator=True))


def _routes(lib, word: str) -> list[str]:
    """Every page the library adds, asked for the start of ``word`` where it searches (the
    start finds it; the whole word then appears only if the text leaked, not as the echo of
    the question)."""
    word = word[:-3]
    theme = lib.bench.theme_id
    reviews = [lib.shared.id, lib.private.id, lib.public.id, lib.drafting.id]
    out = [f"/library/?q={word}", f"/library/results.csv?q={word}", f"/library/?q={word}&kind=practice",
           "/library/results.csv", f"/public/?q={word}", "/public/", "/public/practices.atom",
           f"/library/themes/{theme}"]
    out += [f"/library/cities/{c.id}" for c in (lib.ghent, lib.tampere, lib.lisbon, lib.genoa)]
    out += [f"/library/reviews/{r}" for r in reviews] + [f"/public/reviews/{r}" for r in reviews]
    out += [f"/public/reviews/{r}/{code}" for r in reviews for code in ("R1", "R2", "KF1", "KF3", "P1", "P2")]
    out += [f"/reviews/{r}/publication" for r in reviews]
    return out


def _private_to(who: str) -> dict[str, str]:
    return {k: v for k, v in PRIVATE_WORDS.items() if who == "anonymous" or k != "network-only recommendation"}


@pytest.mark.parametrize("who", ["anonymous", "genoa_member"])
def test_no_route_returns_a_private_word(client, login, lib, who):
    if who != "anonymous":
        login(getattr(lib, who))
    for label, word in _private_to(who).items():
        for url in _routes(lib, word):
            res = client.get(url)
            assert word not in res.get_data(as_text=True), f"{label} ({word}) leaked through {url} to {who}"
            if url.startswith("/library/?q=") and res.status_code == 200:
                assert "0 results" in res.get_data(as_text=True), url


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


def test_the_host_city_reads_its_own_private_report_and_its_withheld_items(client, login, lib):
    login(lib.tampere_member)
    assert "axolotlprivate" in client.get("/library/?q=axolotlprivate").get_data(as_text=True)
    login(lib.ghent_member)
    page = client.get(f"/library/reviews/{lib.shared.id}").get_data(as_text=True)
    assert "quokkawithheld" in page and "Held back from the network" in page
    assert "toucandraft" not in page                        # not issued yet: not even for the host


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


def test_a_public_good_practice_is_readable_without_login_and_in_the_feed(client, lib):
    page = client.get(f"/public/reviews/{lib.public.id}/P1")
    assert page.status_code == 200 and "Intake booked at the registration desk" in page.get_data(as_text=True)
    assert client.get(f"/public/reviews/{lib.shared.id}/P1").status_code == 404   # shared, not public
    feed = client.get("/public/practices.atom")
    assert feed.mimetype == "application/atom+xml"
    root = ET.fromstring(feed.data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert "Lisbon: Intake booked at the registration desk, the same day." in titles
    assert all("Ghent" not in t and "Tampere" not in t for t in titles)
    links = [e.find("a:link", ns).get("href") for e in root.findall("a:entry", ns)]
    assert f"http://localhost/public/reviews/{lib.public.id}/P1" in links


def test_the_host_contact_publishes_and_withholds_and_it_is_audited(client, login, lib):
    from peerreview.audit.models import AuditEntry

    login(lib.ghent_member)
    assert client.get(f"/reviews/{lib.shared.id}/publication").status_code == 403
    login(lib.ghent_contact)
    page = client.get(f"/reviews/{lib.shared.id}/publication").get_data(as_text=True)
    assert 'value="R2" checked' in page and 'value="R1">' in page
    res = client.post(f"/reviews/{lib.shared.id}/publication", data={"level": "public", "withheld": ["R1"]})
    assert res.status_code == 302
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "library.publication"))
    assert entry.changes["level"] == ["network", "public"]
    assert entry.changes["withheld"] == ["R1"] and set(entry.changes["released"]) == {"R2", "P2", "KF3"}
    client.post("/logout")
    assert client.get(f"/public/reviews/{lib.shared.id}/R2").status_code == 200
    assert client.get(f"/public/reviews/{lib.shared.id}/R1").status_code == 404
    # a bad choice changes nothing
    login(lib.ghent_contact)
    bad = client.post(f"/reviews/{lib.shared.id}/publication", data={"level": "everyone"})
    assert bad.status_code == 400
    bad = client.post(f"/reviews/{lib.shared.id}/publication", data={"level": "network", "withheld": ["R99"]})
    assert bad.status_code == 400 and "R99" in bad.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(AuditEntry.id)).where(
        AuditEntry.action == "library.publication")) == 1


def test_issuing_indexes_the_report_privately_until_the_host_shares_it(client, login, rw, db_session):
    from peerreview.library.services import set_publication
    from peerreview.reports import issuing

    complete(rw)
    issuing.issue(rw.review, rw.coordinator)
    db_session.commit()
    login(rw.other)
    assert "0 results" in client.get("/library/?q=intake+registration").get_data(as_text=True)
    login(rw.member)
    assert "Book the intake at registration" in client.get("/library/?q=intake+registration").get_data(as_text=True)
    set_publication(rw.review.report, level="network", withheld=set(), actor=rw.contact)
    db_session.commit()
    login(rw.other)
    assert "Book the intake at registration" in client.get("/library/?q=intake+registration").get_data(as_text=True)


def test_the_search_index_follows_every_write(lib, db_session):
    from peerreview.library import index, search

    report = lib.public.report
    rec = report.recommendations[0]
    rec.action = "Publish the waiting lists every month."
    db_session.flush()
    index.index_report(report)   # a corrected version was issued
    db_session.commit()

    def found(word):
        return search.search(lib.coordinator, search.Query(text=word)).total

    assert found("quarter") == 0 and found("waiting lists") == 1
    from sqlalchemy import delete

    from peerreview.library.models import LibraryItem

    db_session.execute(delete(LibraryItem).where(LibraryItem.report_id == report.id))
    db_session.commit()
    assert found("waiting lists") == 0 and found("night classes") == 0


def test_heatmap_history_and_suggestions(client, login, lib):
    login(lib.genoa_member)
    home = client.get("/library/").get_data(as_text=True)
    assert f'href="/library/cities/{lib.genoa.id}">The history of Genoa, and who could help it' in home
    page = client.get(f"/library/themes/{lib.bench.theme_id}").get_data(as_text=True)
    assert "<svg" in page and "<table" in page
    assert "Ghent" in page and "Lisbon" in page and "Tampere" not in page
    assert "(2)" in page                                     # Ghent's self-rating beside the team's 1
    login(lib.tampere_member)
    city = client.get(f"/library/cities/{lib.tampere.id}").get_data(as_text=True)
    assert "Who could help" in city and "Lisbon" in city and "Intake booked at the registration desk" in city
    login(lib.genoa_member)
    other = client.get(f"/library/cities/{lib.tampere.id}").get_data(as_text=True)
    assert "No report of Tampere is shared with you yet" in other and "Lisbon" not in other
    ghent = client.get(f"/library/cities/{lib.ghent.id}").get_data(as_text=True)
    assert "<svg" in ghent and "Language courses" in ghent


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


def test_the_heatmap_shows_each_citys_latest_report_that_the_reader_may_see(app, lib, db_session, today):
    from peerreview.library.compare import heatmap

    newer = issued_report(db_session, host=lib.ghent, benchmark=lib.bench, issued_on=today - timedelta(days=50),
                          level="network", findings={0: ("3", "Letters now in five languages.")})
    newest_private = issued_report(db_session, host=lib.ghent, benchmark=lib.bench, issued_on=today - timedelta(days=5),
                                   findings={0: ("0", "Private again.")})
    db_session.commit()
    with app.test_request_context():
        ghent = {r.city_name: r for r in heatmap(lib.genoa_member, lib.bench.theme_id).rows}["Ghent"]
        assert ghent.review_id == newer.id and ghent.cells["KF1"].rating == "3"
        assert set(ghent.cells) == {"KF1"}          # nothing of the older report mixed in
        own = {r.city_name: r for r in heatmap(lib.ghent_member, lib.bench.theme_id).rows}["Ghent"]
        assert own.review_id == newest_private.id and own.cells["KF1"].rating == "0"


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


def test_the_heatmap_is_remembered_until_the_library_changes_and_read_per_person(client, login, lib):
    """The network's heatmap is remembered between requests; each member still sees their own
    city's report whole, a coordinator sees every report, and the host city's next choice of
    what to hold back shows on everyone's next visit."""
    from peerreview.library.compare import heatmap

    theme = lib.bench.theme_id

    def rows(user):
        hm = heatmap(user, theme)
        return {r.city_name: r for r in hm.rows}

    def ghent_on_page():
        page = client.get(f"/library/themes/{theme}").get_data(as_text=True)
        row = page.split(f'href="/library/reviews/{lib.shared.id}"', 1)[1].split("</tr>", 1)[0]
        return row.count("lib-cell"), row.split("lib-cell")[-1]

    with client.application.test_request_context():
        genoa, ghent, everything = rows(lib.genoa_member), rows(lib.ghent_member), rows(lib.coordinator)
        assert set(genoa) == {"Ghent", "Lisbon"} and set(genoa["Ghent"].cells) == {"KF1", "KF2"}
        assert ghent["Ghent"].cells["KF3"].rating == "3"        # held back from the network, not from Ghent
        assert set(everything) == {"Ghent", "Lisbon", "Tampere"}
        assert heatmap(lib.genoa_member, theme) is heatmap(lib.genoa_member, theme)   # remembered
    login(lib.genoa_member)
    cells, last = ghent_on_page()
    assert cells == 2 and last.startswith(' lib-r2">2')     # no city shares a KF3 with Genoa
    login(lib.ghent_contact)
    assert client.post(f"/reviews/{lib.shared.id}/publication",
                       data={"level": "network", "withheld": ["R2"]}).status_code == 302
    login(lib.genoa_member)
    cells, last = ghent_on_page()
    assert cells == 3 and last.startswith(' lib-r3">3')
    with client.application.test_request_context():
        assert rows(lib.genoa_member)["Ghent"].cells["KF3"].rating == "3"


def test_every_write_to_the_library_moves_its_version(lib, db_session):
    """Whatever writes the library's items (issuing, publishing, a script), the database moves
    the version the remembered comparisons are kept under (migration 0018)."""
    from sqlalchemy import text

    from peerreview import data_version

    def version():
        return data_version.current(data_version.LIBRARY)

    for table in data_version.LIBRARY_TABLES:
        assert db_session.scalar(text(f"SELECT count(*) FROM {table}")) > 0  # noqa: S608 - the module's names
        for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):  # noqa: S608
            was = version()
            db_session.execute(text(statement))
            db_session.commit()
            assert version()[0] == was[0] and version()[1] > was[1], statement


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
                  recs=[(1, "Open <script>marmosetq()</script> desks.", "accepted", "done", today)])
    login(lib.tampere_member)
    page = client.get("/library/?q=marmosetq").get_data(as_text=True)
    results = page.split('<ol class="lib-results"')[1].split("</ol>")[0]
    assert "<script>marmosetq" not in results and "&lt;script&gt;marmosetq()&lt;/script&gt;" in results
    assert "<b>marmosetq" not in results and "&lt;b&gt;marmosetq&lt;/b&gt; &amp; waits" in results
    kf = lib.kfs[1]
    assert results.count(f"Key factor {kf.code}: {kf.title}") == 2
    assert "Team rating: Largely in place" in results
    assert '<span class="badge ok">Done,' in results
    assert 'href="/library/reviews/' in results and results.count('<li class="lib-hit">') == 2
