"""The load test's people, for locust (run by `python -m benchmarks.load_test`, which sets the environment):
QA leads, auditors and team managers of the demo authority sign in as a person does (the sign-in form, with
its CSRF token; the demo asks for no second factor) and browse the pages they use, each request named by
its page. Every user also asks `/healthz` now and then: the floor, measured in the same run.

Environment:
    CASEAUDIT_LOAD_PLAN      the plan written by `benchmarks.load.plan` (which ids each persona opens)
    CASEAUDIT_LOAD_TIMES     where to write every request's time, by page, when the run ends (JSON)
    CASEAUDIT_LOAD_PASSWORD  the demo password
    CASEAUDIT_LOAD_THINK     mean seconds a person pauses between pages (0: as fast as answered)
    CASEAUDIT_LOAD_MAX_REQUESTS  stop the run after this many requests (a bound besides --run-time)
    CASEAUDIT_LOAD_SEED      the seed of each person's choices

The figures are of the requests made once everyone has arrived and signed in (`all_in`): while people are
still arriving there are fewer of them than the run is for. How many requests that left out is written too.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from collections import defaultdict
from typing import Any

import gevent
from locust import HttpUser, events, task

PLAN: dict[str, Any] = json.loads(open(os.environ["CASEAUDIT_LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
PASSWORD = os.environ.get("CASEAUDIT_LOAD_PASSWORD", "caseaudit-demo")
THINK = float(os.environ.get("CASEAUDIT_LOAD_THINK", "0.5"))
MAX_REQUESTS = int(os.environ.get("CASEAUDIT_LOAD_MAX_REQUESTS", "0"))
SEED = int(os.environ.get("CASEAUDIT_LOAD_SEED", "2018"))
USERS = int(os.environ.get("CASEAUDIT_LOAD_USERS", "8"))
# People are dealt out in this order: of 8, three QA leads, three auditors and two team managers; of 2, a
# QA lead and an auditor, who between them open every page.
_ORDER = ("qa-lead", "auditor", "team-manager")


def _how_many(role: str) -> int:
    return sum(1 for i in range(USERS) if _ORDER[i % len(_ORDER)] == role)


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_VERSION = re.compile(r'name="version" value="(\d+)"')
_SORTS = ("-child_id", "cohort", "-cohort", "team", "worker", "-worker", "opened_on", "-opened_on")

# Every request's time (ms) by page name, and what failed, written out when the run ends.
TIMES: dict[str, list[float]] = defaultdict(list)
FAILURES: dict[str, int] = defaultdict(int)
FAILURE_SAMPLES: dict[str, list[str]] = defaultdict(list)
CLOCK: dict[str, float] = {}
ARRIVING: dict[str, int] = defaultdict(int)  # requests before everyone had signed in: not in the figures
_counter = itertools.count()
_signed_in = itertools.count(1)
SIGN_IN_PAGES = ("sign in (form)", "sign in")


def _accounts(role: str) -> itertools.cycle[str]:
    names = [name for name, person in PLAN["people"].items() if person["role"] == role]
    return itertools.cycle(names or ["(none)"])


# Each new user takes the next account of its role, so that auditors write different audits.
_NEXT = {role: _accounts(role) for role in ("qa-lead", "auditor", "team-manager")}


@events.request.add_listener
def _record(
    request_type: str, name: str, response_time: float, exception: Exception | None, **_: Any
) -> None:
    if "all_in" not in CLOCK and name not in SIGN_IN_PAGES:
        ARRIVING[name] += 1
    else:
        TIMES[name].append(response_time)
    if exception is not None:
        FAILURES[name] += 1
        if len(FAILURE_SAMPLES[name]) < 5:
            FAILURE_SAMPLES[name].append(str(exception)[:300])
    if MAX_REQUESTS and next(_counter) + 1 == MAX_REQUESTS:
        runner = _ENVIRONMENT.get("runner")
        if runner is not None:
            gevent.spawn_later(0, runner.quit)


_ENVIRONMENT: dict[str, Any] = {}


@events.test_start.add_listener
def _started(environment: Any, **_: Any) -> None:
    _ENVIRONMENT["runner"] = environment.runner
    CLOCK["start"] = time.time()
    if os.environ.get("CASEAUDIT_LOAD_PHASE") == "floor":
        CLOCK["all_in"] = CLOCK["start"]  # nobody signs in


@events.test_stop.add_listener
def _stopped(environment: Any, **_: Any) -> None:
    CLOCK["stop"] = time.time()
    path = os.environ.get("CASEAUDIT_LOAD_TIMES")
    if path:
        with open(path, "w", encoding="utf-8") as stream:
            json.dump(
                {
                    "start": CLOCK.get("all_in"),
                    "stop": CLOCK["stop"],
                    "arrived_after": (CLOCK["all_in"] - CLOCK["start"]) if "all_in" in CLOCK else None,
                    "arriving": ARRIVING,
                    "times": TIMES,
                    "failures": FAILURES,
                    "failure_samples": FAILURE_SAMPLES,
                },
                stream,
            )


class Person(HttpUser):
    abstract = True
    role = ""

    def wait_time(self) -> float:
        return random.uniform(0, 2 * THINK) if THINK else 0.0

    def on_start(self) -> None:
        self.username = next(_NEXT[self.role])
        self.person: dict[str, Any] = PLAN["people"].get(self.username, {"cases": []})
        self.rng = random.Random(f"{SEED}:{self.username}:{id(self)}")
        self.sign_in()
        if next(_signed_in) == USERS:
            CLOCK["all_in"] = time.time()
        # Each of the person's pages once first, once everyone is in, so that even a run of a few seconds
        # measures every page; then pages at random, by their weights.
        self.unvisited = list(self.weights())

    def weights(self) -> dict[Any, int]:
        """The person's pages (bound methods), each with how often they open it."""
        return {self.healthz: 1}

    @task
    def next_page(self) -> None:
        if self.unvisited and "all_in" in CLOCK:
            self.unvisited.pop(0)()
            return
        pages = self.weights()
        self.rng.choices(list(pages), weights=list(pages.values()))[0]()

    def sign_in(self) -> None:
        form = self.client.get("/sign-in/", name=SIGN_IN_PAGES[0])
        token = _CSRF.search(form.text)
        with self.client.post(
            "/sign-in/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/sign-in/"},
            name=SIGN_IN_PAGES[1],
            catch_response=True,
        ) as answer:
            if "/sign-in/" in answer.url:
                answer.failure(f"{self.username} could not sign in")

    def page(self, path: str, name: str) -> str:
        """GET a page; anything but its 200 (an error, or being sent back to sign in) is a failure."""
        with self.client.get(path, name=name, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"{name}: HTTP {answer.status_code}")
            elif "/sign-in/" in answer.url:
                answer.failure(f"{name}: sent to sign in")
            return answer.text or ""

    def case_id(self) -> int | None:
        cases = self.person.get("cases") or []
        return self.rng.choice(cases) if cases else None

    def healthz(self) -> None:
        self.page("/healthz", "healthz (floor)")


class Floor(HttpUser):
    """The floor's own phase (`locust ... Floor`): /healthz as fast as it is answered, signed in as nobody,
    so the table can say what the same server on the same machine answers for a page that does nothing."""

    fixed_count = 0 if os.environ.get("CASEAUDIT_LOAD_PHASE") != "floor" else USERS

    def wait_time(self) -> float:
        return 0.0

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="healthz (floor, flat out)")


class Register:
    """The register, as QA leads and team managers use it: filtered, sorted, searched, and a case."""

    # Mixed into a Person, whose `page`, `case_id`, `rng` and `person` these use.
    page: Any
    case_id: Any
    rng: random.Random
    person: dict[str, Any]

    def register(self) -> None:
        self.page("/cases/", "register")

    def register_filtered(self) -> None:
        cohort = self.rng.choice(PLAN["cohorts"])
        team = self.person.get("team") or self.rng.choice(PLAN["teams"])
        query = f"cohort={cohort}&team={team}"
        workers = self.person.get("workers") or []
        if workers and self.rng.random() < 0.5:
            query = f"worker={self.rng.choice(workers)}"
        self.page(f"/cases/?{query}&page={self.rng.randint(1, 3)}", "register (filtered)")

    def register_sorted(self) -> None:
        self.page(
            f"/cases/?sort={self.rng.choice(_SORTS)}&page={self.rng.randint(1, 5)}", "register (sorted)"
        )

    def register_searched(self) -> None:
        self.page(f"/cases/?q=DEMO{self.rng.randint(10, 99)}", "register (searched)")

    def case_page(self) -> None:
        case = self.case_id()
        if case is not None:
            self.page(f"/cases/{case}/", "case page")


class QaLead(Register, Person):
    role = "qa-lead"
    fixed_count = _how_many(role)

    def weights(self) -> dict[Any, int]:
        return {
            self.register: 2,
            self.register_filtered: 2,
            self.register_sorted: 2,
            self.register_searched: 2,
            self.case_page: 4,
            self.cycle_page: 2,
            self.compliance: 2,
            self.reports: 2,
            self.paper: 1,
            **super().weights(),
        }

    def cycle_page(self) -> None:
        if PLAN["cycle"]:
            self.page(f"/cycles/{PLAN['cycle']}/", "cycle page")

    def compliance(self) -> None:
        self.page("/compliance/", "compliance")

    def reports(self) -> None:
        self.page("/reports/", "reports")

    def paper(self) -> None:
        if PLAN["paper"]:
            self.page(f"/reports/cycles/{PLAN['paper']}/paper/", "committee paper")


class TeamManager(Register, Person):
    role = "team-manager"
    fixed_count = _how_many(role)

    def weights(self) -> dict[Any, int]:
        return {
            self.register: 2,
            self.register_filtered: 2,
            self.register_sorted: 1,
            self.register_searched: 1,
            self.case_page: 4,
            self.compliance: 1,
            self.reports: 1,
            **super().weights(),
        }

    def compliance(self) -> None:
        self.page("/compliance/", "compliance")

    def reports(self) -> None:
        self.page("/reports/", "reports")


class Auditor(Person):
    role = "auditor"
    fixed_count = _how_many(role)

    def weights(self) -> dict[Any, int]:
        return {
            self.my_audits: 3,
            self.task_list: 3,
            self.write_a_section: 4,
            self.case_page: 2,
            self.compliance: 1,
            **super().weights(),
        }

    def my_audits(self) -> None:
        self.page("/audits/mine/", "My audits")

    def task_list(self) -> None:
        audits = self.person.get("audits") or []
        if audits:
            self.page(f"/audits/{self.rng.choice(audits)}/", "audit task list")

    def case_page(self) -> None:
        case = self.case_id()
        if case is not None:
            self.page(f"/cases/{case}/", "case page")

    def compliance(self) -> None:
        self.page("/compliance/", "compliance")

    def write_a_section(self) -> None:
        """Open a section of an audit being written and type into it: a few autosaves, each on the
        version the last one answered with, as the page's script does."""
        writing = self.person.get("writing") or []
        if not writing:
            return
        audit = self.rng.choice(writing)
        section = self.rng.choice(audit["sections"])
        path = f"/audits/{audit['audit']}/sections/{section}/"
        form = self.page(path, "audit section")
        token, version = _CSRF.search(form), _VERSION.search(form)
        if token is None or version is None:
            return
        current = version.group(1)
        for typed in range(1, self.rng.randint(2, 4)):
            with self.client.post(
                f"{path}autosave/",
                data={
                    "csrfmiddlewaretoken": token.group(1),
                    "version": current,
                    "evidence": f"Record review, part {typed}: visits are in line with the plan.",
                    "analysis": "",
                    "grade": "",
                },
                headers={"Referer": f"{self.host}{path}", "HX-Request": "true"},
                name="autosave (POST)",
                catch_response=True,
            ) as answer:
                saved = _VERSION.search(answer.text or "")
                if answer.status_code != 200:
                    answer.failure(f"autosave: HTTP {answer.status_code}")
                elif saved is None:
                    answer.failure(f"autosave not saved: {re.sub(r'<[^>]+>', '', answer.text)[:200]}")
                else:
                    current = saved.group(1)
            gevent.sleep(self.wait_time())
