"""The library: the host city's choice of publication, the public pages and the feed,
comparisons, the search index, and the rule that nothing private comes out of any of them.
The search itself: ``test_library_search.py``."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from sqlalchemy import select

from peerreview.extensions import db
from tests.library_helpers import PRIVATE_WORDS, issued_report, lib  # noqa: F401  (lib is a fixture)
from tests.reports_helpers import complete, rw  # noqa: F401  (rw is a fixture)
from tests.reviews_helpers import make_benchmark, make_review  # noqa: F401  (fixtures)


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


def test_the_host_city_reads_its_own_private_report_and_its_withheld_items(client, login, lib):
    login(lib.tampere_member)
    assert "axolotlprivate" in client.get("/library/?q=axolotlprivate").get_data(as_text=True)
    login(lib.ghent_member)
    page = client.get(f"/library/reviews/{lib.shared.id}").get_data(as_text=True)
    assert "quokkawithheld" in page and "Held back from the network" in page
    assert "toucandraft" not in page                        # not issued yet: not even for the host


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
