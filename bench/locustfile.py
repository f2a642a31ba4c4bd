"""Users for the load test (run by bench/load.py; see its docstring).

Environment: LOAD_PLAN names the JSON plan written by bench/load.py (accounts, passwords,
reviews); LOAD_OUT_DIR is the folder where each locust process appends the UUID of every
note the API acknowledged, one per line (acknowledged-<pid>.txt, for the check against the
database afterwards), and one line per request: start time, name, milliseconds, ok
(requests-<pid>.tsv, for latency after the logins).

Every simulated user logs in once, through the real login form (CSRF token from the page).
A response counts as an error unless it is the expected one: 302 for a login, 201 for a new
note and 200 for a note sent again, 200 with every note acknowledged for a batch, 200 for a
page, and 403 for a host contact opening the team's notes (the host does not see them).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import uuid
from pathlib import Path
from urllib.parse import urlencode

from locust import FastHttpUser, between, events, task

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
KEY_FACTOR = re.compile(r'name="key_factor_id" value="(\d+)"')
SESSION_SELECT = re.compile(r'<select id="session_id" name="session_id">(.*?)</select>', re.S)
SESSION = re.compile(r'<option value="(\d+)"')
KINDS = ["strength", "gap", "good_practice", "evidence", "question"]
SOURCES = ["city_department", "service_provider", "ngo", "migrant_organisation", "employer", None]
TEXTS = [
    "The newcomer desk answers in six languages; waiting times are short in the morning.",
    "Staff say the referral to language courses takes three weeks; nobody follows up.",
    "Youth workers run a mentoring scheme with local employers; 40 places a year.",
    "Complaints about discrimination go to two different offices; neither knows the other's figures.",
    "Ask the host for the budget of the anti-rumour campaign and its evaluation.",
]

_plan: dict | None = None
_peer_seq = itertools.count()
_office_seq = itertools.count()
_files: dict = {}


def plan() -> dict:
    global _plan
    if _plan is None:
        _plan = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
    return _plan


def _out(name: str, suffix: str):
    """This process's file <name>-<pid><suffix> in LOAD_OUT_DIR, line-buffered: nothing
    written is lost if the process is stopped."""
    if name not in _files:
        path = Path(os.environ["LOAD_OUT_DIR"]) / f"{name}-{os.getpid()}{suffix}"
        _files[name] = path.open("a", buffering=1)
    return _files[name]


def acknowledge(uuids: list[str]) -> None:
    if uuids:
        _out("acknowledged", ".txt").write("".join(u + "\n" for u in uuids))


@events.request.add_listener
def _log_request(request_type, name, response_time, start_time=None, exception=None, **kwargs):
    _out("requests", ".tsv").write(f"{start_time}\t{name}\t{response_time:.1f}\t{int(exception is None)}\n")


@events.quitting.add_listener
def _close(environment, **kwargs):
    for f in _files.values():
        f.close()


class LoggedIn(FastHttpUser):
    abstract = True
    account: dict

    def login(self) -> None:
        page = self.client.get("/login", name="GET /login").text
        token = CSRF.search(page).group(1)
        with self.client.post("/login", name="POST /login", allow_redirects=False, catch_response=True,
                              data=urlencode({"csrf_token": token, "email": self.account["email"],
                                              "password": self.account["password"]}),
                              headers={"Content-Type": "application/x-www-form-urlencoded"}) as res:
            if res.status_code == 302:
                res.success()
            else:
                res.failure(f"login of {self.account['email']} answered {res.status_code}, not 302")

    def page(self, path: str, name: str, expect: int = 200) -> str:
        with self.client.get(path, name=name, catch_response=True) as res:
            if res.status_code == expect:
                res.success()
            else:
                res.failure(f"{res.status_code}, expected {expect}")
            return res.text or ""


class Peer(LoggedIn):
    """A team member on the visit, taking notes on a phone: mostly one note at a time, now
    and then a queue of notes saved offline, sometimes the same note again (a lost answer)."""

    weight = 3
    wait_time = between(1, 4)

    def on_start(self) -> None:
        peers = plan()["peers"]
        self.account = peers[next(_peer_seq) % len(peers)]
        self.review = self.account["review"]
        self.mine: list[dict] = []
        self.login()
        self.open_capture()

    def open_capture(self) -> None:
        page = self.page(f"/reviews/{self.review}/observations", "GET /reviews/[id]/observations")
        token = CSRF.search(page)
        if token is None:
            raise RuntimeError(f"no CSRF token on the observations page for {self.account['email']}")
        self.csrf = token.group(1)
        self.kfs = [int(x) for x in KEY_FACTOR.findall(page)] or [None]
        select = SESSION_SELECT.search(page)
        self.sessions = [int(x) for x in SESSION.findall(select.group(1) if select else "")] + [None]

    def note(self) -> dict:
        return {"uuid": str(uuid.uuid4()), "text": random.choice(TEXTS), "kind": random.choice(KINDS),
                "key_factor_id": random.choice(self.kfs + [None]),
                "session_id": random.choice(self.sessions), "source_type": random.choice(SOURCES)}

    def post_note(self, note: dict, expect: int, name: str) -> None:
        with self.client.post(f"/api/v1/reviews/{self.review}/observations", name=name, json=note,
                              headers={"X-CSRFToken": self.csrf}, catch_response=True) as res:
            body = _json(res)
            if res.status_code == expect and body.get("uuid") == note["uuid"]:
                res.success()
                acknowledged = True
            else:
                res.failure(f"{res.status_code}, expected {expect}: {res.text[:200] if res.text else ''}")
                acknowledged = False
        if acknowledged:
            acknowledge([note["uuid"]])
            if expect == 201:
                self.mine.append(note)

    @task(6)
    def single_note(self) -> None:
        self.post_note(self.note(), 201, "POST /api/v1/reviews/[id]/observations")

    @task(2)
    def queued_notes(self) -> None:
        notes = [self.note() for _ in range(random.randint(2, 25))]
        with self.client.post(f"/api/v1/reviews/{self.review}/observations/batch",
                              name="POST /api/v1/reviews/[id]/observations/batch",
                              json={"observations": notes}, headers={"X-CSRFToken": self.csrf},
                              catch_response=True) as res:
            results = _json(res).get("results") or []
            ok = [r["uuid"] for r in results if r.get("status") in (200, 201)]
            if res.status_code == 200 and len(ok) == len(notes):
                res.success()
            else:
                res.failure(f"{res.status_code}, {len(ok)} of {len(notes)} notes acknowledged: "
                            f"{res.text[:200] if res.text else ''}")
        acknowledge(ok)
        sent = {n["uuid"]: n for n in notes}
        self.mine += [sent[u] for u in ok if u in sent]

    @task(1)
    def same_note_again(self) -> None:
        if self.mine:
            self.post_note(random.choice(self.mine), 200, "POST /api/v1/reviews/[id]/observations (again)")

    @task(2)
    def capture_page(self) -> None:
        self.open_capture()

    @task(1)
    def by_key_factor(self) -> None:
        self.page(f"/reviews/{self.review}/observations/consolidation",
                  "GET /reviews/[id]/observations/consolidation")

    @task(1)
    def programme(self) -> None:
        self.page(f"/reviews/{self.review}/programme", "GET /reviews/[id]/programme")


class Office(LoggedIn):
    """Someone at a desk: the coordinator, a host city contact, or a peer between sessions,
    going through the main pages."""

    weight = 2
    wait_time = between(2, 6)

    def on_start(self) -> None:
        office = plan()["office"]
        self.account = office[next(_office_seq) % len(office)]
        self.review = self.account["review"]
        self.role = self.account["role"]
        self.login()

    @task(3)
    def dashboard(self) -> None:
        self.page("/", "GET /")

    @task(3)
    def reviews(self) -> None:
        self.page("/reviews/", "GET /reviews/")

    @task(3)
    def review(self) -> None:
        self.page(f"/reviews/{self.review}", "GET /reviews/[id]")

    @task(2)
    def my_tasks(self) -> None:
        self.page("/tasks", "GET /tasks")

    @task(2)
    def programme(self) -> None:
        self.page(f"/reviews/{self.review}/programme", "GET /reviews/[id]/programme")

    @task(2)
    def notes(self) -> None:
        if self.role == "host":  # the host city gets the report, not the team's notes
            self.page(f"/reviews/{self.review}/observations", "GET /reviews/[id]/observations (host: 403)",
                      expect=403)
        else:
            self.page(f"/reviews/{self.review}/observations", "GET /reviews/[id]/observations")

    @task(1)
    def network(self) -> None:
        if self.role == "coordinator":
            self.page(random.choice(["/people", "/cities/"]), "GET /people, /cities/")
        else:
            self.page("/cities/", "GET /people, /cities/")


def _json(res) -> dict:
    try:
        body = res.json()
    except Exception:  # noqa: BLE001 - not JSON: the caller reports the status
        return {}
    return body if isinstance(body, dict) else {}
