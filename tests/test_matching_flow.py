"""Team forming through the app: the coordinator's flow, invitations, declines and
replacements, the command line, the pool's filters, answers to calls and conflicts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from peerreview.audit.models import AuditEntry
from peerreview.extensions import db
from peerreview.matching.models import (
    ConflictOfInterest,
    MatchRun,
    PeerExpertise,
    PeerProfile,
    PeerUnavailability,
    ReviewBid,
)
from peerreview.reviews.models import Review, TeamMember

VISIT = date.today() + timedelta(days=60)


@pytest.fixture
def net(make_city, make_user, make_review, make_benchmark):
    """A review forming its team in Milan and a pool of six peers in five countries."""
    milan = make_city("Milan", "IT", timezone="Europe/Rome")
    bench = make_benchmark("Diversity in administration")
    review = make_review("team_forming", host=milan, benchmark=bench, visit_start=VISIT,
                         team_min=3, team_max=3, min_countries=2)
    theme_id = bench.theme_id
    spec = [  # name, city, country, languages, level, trained
        ("Anna Hofer", "Vienna", "AT", ["de", "en"], "expert", True),
        ("Bruno Silva", "Lisbon", "PT", ["pt", "en"], "some", False),
        ("Clara Berg", "Gothenburg", "SE", ["sv", "en"], "some", True),
        ("Dirk Weber", "Munich", "DE", ["de", "en"], "some", False),
        ("Eeva Laine", "Helsinki", "FI", ["fi", "en"], None, False),
        ("Franz Maier", "Vienna", "AT", ["de", "en"], "expert", False),
    ]
    cities, peers = {}, {}
    for name, city, country, langs, level, trained in spec:
        if city not in cities:
            cities[city] = make_city(city, country)
        user = make_user(name, city=cities[city], languages=langs)
        profile = PeerProfile(user=user, trained=trained, max_reviews_per_year=2)
        if level:
            profile.expertise.append(PeerExpertise(theme_id=theme_id, level=level))
        db.session.add(profile)
        peers[name.split()[0].lower()] = user
    db.session.commit()
    return {"review": review, "milan": milan, "peers": peers, "bench": bench,
            "coordinator": make_user("Hanna Coordinator", coordinator=True),
            "contact": make_user("Paolo Ricci", city=milan, city_role="contact"),
            "milan_member": make_user("Milan Member", city=milan)}


def _seats(review, *statuses):
    db.session.expire_all()
    return {s.user.name.split()[0].lower(): s for s in db.session.get(Review, review.id).team
            if not statuses or s.status in statuses}


def test_the_coordinator_forms_a_team_with_the_matcher(client, login, net, outbox):
    review, peers = net["review"], net["peers"]
    login(net["coordinator"])
    base = f"/reviews/{review.id}/team"
    page = client.get(f"{base}/manage").get_data(as_text=True)
    assert "Run the matcher" in page and "has not run for this review yet" in page
    # the old team page leads here
    assert client.get(f"/reviews/{review.id}/team").headers["Location"].endswith(f"{base}/manage")

    res = client.post(f"{base}/run", data={"time_limit": 2}, follow_redirects=True)
    page = res.get_data(as_text=True)
    assert "The matcher proposes 3 peers" in page
    proposed = _seats(review, "proposed")
    assert len(proposed) == 3 and not {"anna", "franz"} <= set(proposed)      # one per city
    assert proposed.keys() & {"anna", "franz"}                                   # an expert
    run = db.session.scalars(select(MatchRun)).one()
    assert run.status == "OPTIMAL" and run.stored and run.objective == run.bound
    assert "Team proposed by the matcher" in db.session.get(Review, review.id).events[-1].note
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "matching.run")) == 1
    # explanations: why each member, and why others are out
    assert "expert in Diversity in administration" in page and "trained peer, so leads the team" in page
    assert "Strong candidates left out" in page and "one peer per city" in page
    assert "✓ This team meets every rule." in page

    # a swap that breaks a rule is shown before saving, and refused unless confirmed
    expert = next(k for k in ("anna", "franz") if k in proposed)
    outsider = next(k for k in ("bruno", "clara", "dirk", "eeva") if k not in proposed)
    check = client.get(f"{base}/change?out_id={peers[expert].id}&in_id={peers['eeva'].id}")
    text = check.get_data(as_text=True)
    if outsider == "eeva" or "eeva" not in proposed:
        assert "no one on the team is an expert in Diversity in administration" in text
    res = client.post(f"{base}/change", data={"out_id": peers[expert].id, "in_id": peers["eeva"].id},
                      follow_redirects=True)
    assert "This change breaks" in res.get_data(as_text=True)
    assert expert in _seats(review, "proposed")
    # a harmless swap is saved
    other = next(k for k in proposed if k not in ("anna", "franz"))
    spare = next(k for k in ("bruno", "clara", "dirk") if k not in proposed)
    res = client.post(f"{base}/change", data={"out_id": peers[other].id, "in_id": peers[spare].id},
                      follow_redirects=True)
    assert "Team changed" in res.get_data(as_text=True)
    proposed = _seats(review, "proposed")
    assert spare in proposed and other not in proposed

    # roles: a trained lead is required when the team has one
    untrained = next(k for k in proposed if k in ("bruno", "dirk", "franz", "eeva"))
    trained = [k for k in proposed if k in ("anna", "clara")]
    res = client.post(f"{base}/roles", data={"lead_id": peers[untrained].id,
                                             "rapporteur_id": peers[trained[0]].id},
                      follow_redirects=True)
    assert "The lead must be a trained peer" in res.get_data(as_text=True)
    rapporteur = next(k for k in proposed if k not in (trained[0],))
    res = client.post(f"{base}/roles", data={"lead_id": peers[trained[0]].id,
                                             "rapporteur_id": peers[rapporteur].id}, follow_redirects=True)
    assert "Roles saved." in res.get_data(as_text=True)

    # invitations: seats become "invited", each invitee gets an e-mail with the review's link
    res = client.post(f"{base}/invite", follow_redirects=True)
    assert "Invitations sent to 3 peers" in res.get_data(as_text=True)
    invited = _seats(review, "invited")
    assert set(invited) == set(proposed)
    mails = [m for m in outbox() if "Invitation to the review team" in m["Subject"]]
    assert sorted(m["To"] for m in mails) == sorted(peers[k].email for k in invited)
    assert f"/reviews/{review.id}" in mails[0].get_body().get_content()

    # one invitee declines on the review page; the coordinator is offered the next best
    decliner = rapporteur
    login(peers[decliner])
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "I cannot take part" in page
    client.post(f"/reviews/{review.id}/team/{invited[decliner].id}/decline", data={"reason": "Ill"})
    assert _seats(review)[decliner].status == "declined"
    login(net["coordinator"])
    page = client.get(f"{base}/manage").get_data(as_text=True)
    assert "declined" in page and "Next best replacement" in page
    res = client.post(f"{base}/replace", follow_redirects=True)
    assert "The matcher proposes 3 peers" in res.get_data(as_text=True)
    now = _seats(review)
    assert now[decliner].status == "declined"
    new = [k for k, s in now.items() if s.status == "proposed"]
    assert len(new) == 1 and new[0] != decliner
    assert all(now[k].status == "invited" for k in invited if k != decliner)     # kept
    run = db.session.scalars(select(MatchRun).order_by(MatchRun.id.desc())).first()
    assert run.kind == "replacement"
    # the page no longer offers a replacement
    assert "Next best replacement" not in client.get(f"{base}/manage").get_data(as_text=True)
    if not any(s.role == "rapporteur" for s in now.values() if s.status != "declined"):
        client.post(f"{base}/roles", data={"lead_id": peers[trained[0]].id, "rapporteur_id": peers[new[0]].id})
    client.post(f"{base}/invite")

    # everyone accepts: the review can start preparing
    res = client.post(f"/reviews/{review.id}/step/prepare", follow_redirects=True)
    assert "not possible yet" in res.get_data(as_text=True)
    for key, seat in _seats(review, "invited").items():
        login(peers[key])
        client.post(f"/reviews/{review.id}/team/{seat.id}/accept", data={})
    login(net["coordinator"])
    res = client.post(f"/reviews/{review.id}/step/prepare", follow_redirects=True)
    assert "the review is now preparing the visit" in res.get_data(as_text=True)
    assert db.session.get(Review, review.id).state == "preparing"


def test_an_impossible_team_is_explained_on_the_page(client, login, net):
    review = net["review"]
    review.working_languages = ["en", "el"]
    db.session.commit()
    login(net["coordinator"])
    page = client.get(f"/reviews/{review.id}/team/manage").get_data(as_text=True)
    assert "No team is possible as things stand" in page and "no available peer speaks Greek" in page
    res = client.post(f"/reviews/{review.id}/team/run", data={"time_limit": 2}, follow_redirects=True)
    assert "No team is possible: no available peer speaks Greek" in res.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(TeamMember)) == 0
    assert db.session.scalars(select(MatchRun)).one().status == "INFEASIBLE"


def test_the_matcher_refuses_reviews_not_forming_their_team(client, login, net):
    review = net["review"]
    review.state = "accepted"
    db.session.commit()
    login(net["coordinator"])
    res = client.post(f"/reviews/{review.id}/team/run", data={"time_limit": 2}, follow_redirects=True)
    assert "The team changes while it is formed and until the end of the visit week" in res.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(MatchRun)) == 0


# --- command line ---------------------------------------------------------------------------------

def test_cli_dry_run_prints_a_table_and_stores_nothing(runner, net):
    review = net["review"]
    res = runner.invoke(args=["match", "--review", str(review.id), "--dry-run", "--time-limit", "2"])
    assert res.exit_code == 0, res.output
    assert "Milan: Diversity in administration" in res.output and "3 peers" in res.output
    assert "role" in res.output and "lead" in res.output and "Status OPTIMAL" in res.output
    assert "Dry run: nothing was stored." in res.output
    assert db.session.scalar(select(func.count()).select_from(TeamMember)) == 0


def test_cli_stores_proposed_seats_and_runs_a_round(runner, net, make_review, make_city):
    review = net["review"]
    res = runner.invoke(args=["match", "--round", "--time-limit", "2"])
    assert res.exit_code == 0, res.output
    assert "Stored the proposal of 1 review(s)" in res.output
    assert len(_seats(review, "proposed")) == 3


def test_cli_exit_codes(runner, net):
    review = net["review"]
    res = runner.invoke(args=["match", "--review", "99999"])
    assert res.exit_code == 1 and "There is no review 99999" in res.output
    res = runner.invoke(args=["match"])
    assert res.exit_code == 1 and "Give --review ID" in res.output
    review.working_languages = ["en", "el"]
    db.session.commit()
    res = runner.invoke(args=["match", "--review", str(review.id), "--time-limit", "2"])
    assert res.exit_code == 2 and "NO TEAM POSSIBLE" in res.output
    assert "no available peer speaks Greek" in res.output
    review.state = "reporting"  # the team changes until the end of the visit week, not after
    db.session.commit()
    res = runner.invoke(args=["match", "--review", str(review.id)])
    assert res.exit_code == 1 and "writing the report" in res.output


# --- the pool --------------------------------------------------------------------------------------

def test_pool_filters(client, login, net):
    peers, theme_id = net["peers"], net["bench"].theme_id
    db.session.add(PeerUnavailability(profile=db.session.scalar(select(PeerProfile).where(
        PeerProfile.user_id == peers["bruno"].id)), start=date(2030, 5, 1), end=date(2030, 5, 20)))
    db.session.commit()
    login(net["coordinator"])

    def names(query):
        page = client.get(f"/peers/?{query}").get_data(as_text=True)
        return {k for k, u in peers.items() if u.name in page}

    assert names("") == set(peers)
    assert names(f"theme={theme_id}&level=expert") == {"anna", "franz"}
    assert names(f"theme={theme_id}&level=some") == {"anna", "franz", "bruno", "clara", "dirk"}
    assert names("language=fi") == {"eeva"}
    assert names("country=AT") == {"anna", "franz"}
    assert names("trained=yes") == {"anna", "clara"}
    assert "bruno" not in names("free_from=2030-05-10&free_to=2030-05-12")
    assert "bruno" in names("free_from=2030-06-01&free_to=2030-06-05")
    page = client.get("/peers/?free_from=2030-06-05&free_to=2030-06-01").get_data(as_text=True)
    assert "The period ends before it starts." in page
    login(net["contact"])
    assert client.get("/peers/").status_code == 403


def test_a_peer_edits_their_profile_and_bad_input_changes_nothing(client, login, net, make_user, make_city):
    peers, theme_id = net["peers"], net["bench"].theme_id
    newcomer = make_user("New Peer", city=make_city("Riga", "LV"), languages=["lv"])
    login(newcomer)
    assert "Join the pool" in client.get("/peers/me").get_data(as_text=True)
    res = client.post("/peers/me", data={"languages": ["lv", "en"], "max_reviews_per_year": 3,
                                         f"expertise_{theme_id}": "expert", "note": "Vegetarian"})
    assert res.status_code == 302
    profile = db.session.scalar(select(PeerProfile).where(PeerProfile.user_id == newcomer.id))
    assert profile.max_reviews_per_year == 3 and profile.level_for(theme_id) == "expert"
    assert sorted(db.session.get(type(newcomer), newcomer.id).languages) == ["en", "lv"]
    res = client.post("/peers/me", data={"languages": [], "max_reviews_per_year": 20,
                                         f"expertise_{theme_id}": "none"})
    assert res.status_code == 422 and "Choose between 0 and 12" in res.get_data(as_text=True)
    db.session.expire_all()
    assert profile.max_reviews_per_year == 3 and profile.level_for(theme_id) == "expert"
    res = client.post("/peers/me/unavailable", data={"start": "2030-05-10", "end": "2030-05-01"},
                      follow_redirects=True)
    assert "The period ends before it starts." in res.get_data(as_text=True)
    client.post("/peers/me/unavailable", data={"start": "2030-05-01", "end": "2030-05-10", "note": "Leave"})
    period = db.session.scalars(select(PeerUnavailability)).one()
    # nobody else may remove it
    login(peers["anna"])
    assert client.post(f"/peers/me/unavailable/{period.id}/delete").status_code == 403
    login(newcomer)
    client.post(f"/peers/me/unavailable/{period.id}/delete")
    assert db.session.scalar(select(func.count()).select_from(PeerUnavailability)) == 0
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"peer.join", "peer.update", "peer.unavailable_add", "peer.unavailable_remove"} <= actions


def test_the_coordinator_records_training(client, login, net):
    anna = net["peers"]["bruno"]
    login(net["coordinator"])
    client.post(f"/peers/{anna.id}/training", data={"trained": "y", "trained_on": "2026-02-01"})
    profile = db.session.scalar(select(PeerProfile).where(PeerProfile.user_id == anna.id))
    assert profile.trained and profile.trained_on == date(2026, 2, 1)
    login(anna)
    assert client.post(f"/peers/{anna.id}/training", data={"trained": "y"}).status_code == 403


# --- answers to calls and conflicts of interest --------------------------------------------------

def test_peers_answer_calls_and_the_matcher_respects_them(client, login, net, runner):
    review, peers = net["review"], net["peers"]
    login(peers["eeva"])
    page = client.get("/peers/me").get_data(as_text=True)
    assert "Calls for peers" in page and "Milan" in page
    client.post(f"/reviews/{review.id}/interest", data={"kind": "join", "note": "Keen"})
    login(peers["anna"])
    client.post(f"/reviews/{review.id}/interest", data={"kind": "cannot"})
    bids = {b.user_id: b.kind for b in db.session.scalars(select(ReviewBid))}
    assert bids == {peers["eeva"].id: "join", peers["anna"].id: "cannot"}
    res = runner.invoke(args=["match", "--review", str(review.id), "--time-limit", "2"])
    assert res.exit_code == 0, res.output
    chosen = _seats(review, "proposed")
    assert "anna" not in chosen and "eeva" in chosen
    # changing one's mind and withdrawing
    client.post(f"/reviews/{review.id}/interest", data={"kind": "join"})
    assert db.session.scalar(select(ReviewBid.kind).where(ReviewBid.user_id == peers["anna"].id)) == "join"
    client.post(f"/reviews/{review.id}/interest/withdraw")
    assert db.session.scalar(select(ReviewBid).where(ReviewBid.user_id == peers["anna"].id)) is None


def test_bids_only_by_peers_from_other_cities_on_reviews_forming_their_team(client, login, net, make_user):
    review = net["review"]
    login(net["milan_member"])
    assert client.post(f"/reviews/{review.id}/interest", data={"kind": "join"}).status_code == 403
    login(net["coordinator"])
    assert client.post(f"/reviews/{review.id}/interest", data={"kind": "join"}).status_code == 403
    no_profile = make_user("No Profile", city=net["peers"]["anna"].city)
    login(no_profile)
    assert client.post(f"/reviews/{review.id}/interest", data={"kind": "join"}).status_code == 403
    review.state = "preparing"
    db.session.commit()
    login(net["peers"]["anna"])
    assert client.post(f"/reviews/{review.id}/interest", data={"kind": "join"}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(ReviewBid)) == 0


def test_the_host_contact_declares_conflicts_the_matcher_respects(client, login, net, runner):
    review, peers = net["review"], net["peers"]
    login(net["contact"])
    res = client.post(f"/reviews/{review.id}/conflicts", data={"user_id": peers["anna"].id, "reason": ""})
    assert res.status_code == 422 and "Say what the conflict is." in res.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ConflictOfInterest)) == 0
    res = client.post(f"/reviews/{review.id}/conflicts",
                      data={"user_id": peers["anna"].id, "reason": "Worked for our HR department."})
    assert res.status_code == 302
    res = client.post(f"/reviews/{review.id}/conflicts",
                      data={"user_id": peers["anna"].id, "reason": "Again."})
    assert "already declared" in res.get_data(as_text=True)
    for who in ("milan_member",):
        login(net[who])
        assert client.post(f"/reviews/{review.id}/conflicts",
                           data={"user_id": peers["bruno"].id, "reason": "x"}).status_code == 403
    login(peers["bruno"])
    assert client.get(f"/reviews/{review.id}/conflicts").status_code == 403
    res = runner.invoke(args=["match", "--review", str(review.id), "--time-limit", "2"])
    assert "anna" not in _seats(review, "proposed")
    login(net["coordinator"])
    page = client.get(f"/reviews/{review.id}/team/manage").get_data(as_text=True)
    assert "Worked for our HR department." in page
    assert "Conflict of interest declared by the host" in page           # why Anna is left out


def test_demo_review_team_comes_from_the_matcher(runner):
    res = runner.invoke(args=["demo", "load"])
    assert res.exit_code == 0, res.output
    run = db.session.scalars(select(MatchRun)).one()
    review = db.session.get(Review, run.review_id)
    assert review.host_city.name == "Milan" and run.stored
    assert any("Team proposed by the matcher" in e.note for e in review.events)
    assert any(s.status == "proposed" for s in review.team)
    assert db.session.scalar(select(func.count()).select_from(PeerProfile)) >= 6
    again = runner.invoke(args=["demo", "load"])
    assert " 0 things created" in again.output
    assert db.session.scalar(select(func.count()).select_from(MatchRun)) == 1


def test_the_team_page_and_the_pool_do_not_grow_their_queries_with_the_pool(client, login, net, make_city,
                                                                            make_user):
    from sqlalchemy import event

    review = net["review"]
    login(net["coordinator"])
    client.post(f"/reviews/{review.id}/team/run", data={"time_limit": 2})

    def count(path):
        seen = []
        engine = db.engine

        def before(*args, **kwargs):
            seen.append(1)

        event.listen(engine, "before_cursor_execute", before)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", before)
        return len(seen)

    db.session.add(ReviewBid(review=review, user=net["peers"]["eeva"], kind="join"))
    db.session.commit()
    pages = [f"/reviews/{review.id}/team/manage", "/peers/"]
    before = [count(p) for p in pages]
    for i in range(30):
        user = make_user(f"Extra {i}", city=make_city(f"Extra city {i}", "NL"), languages=["en", "nl"])
        profile = PeerProfile(user=user)
        profile.expertise.append(PeerExpertise(theme_id=net["bench"].theme_id, level="some"))
        profile.unavailable.append(PeerUnavailability(start=date(2031, 1, 1), end=date(2031, 1, 5)))
        db.session.add(profile)
        db.session.add(ReviewBid(review=review, user=user, kind="join"))
    db.session.commit()
    assert [count(p) for p in pages] == before
