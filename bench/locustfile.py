"""The load of scenarios 1 (deadline rush) and 3 (judge's work), driven by bench/run.py.

Run by the runner as `locust -f bench/locustfile.py --headless -u N -r R -t T ApplicantUser`
(or JudgeUser) with BENCH_CONTEXT naming the JSON file the runner wrote (accounts, password,
the form to type) and BENCH_SAMPLES naming the file every request's time is written to at the end
(the runner computes p50/p95 per class of request from it; locust's own CSV is kept too).

The application runs as in production behind a TLS proxy: every request says
`X-Forwarded-Proto: https`, sends an https Referer for the CSRF check, and the secure session and
CSRF cookies are kept for plain http to 127.0.0.1 (see `_unsecure_cookies`).
"""

# ruff: noqa: S311  (random choices of a load generator, not secrets)
import itertools
import json
import os
import random
import re
import threading
import time

import gevent
from locust import HttpUser, between, events, task

CONTEXT = json.loads(open(os.environ["BENCH_CONTEXT"], encoding="utf-8").read())  # noqa: SIM115
SAMPLES: list[tuple[str, str, float, bool]] = []  # (class, name, milliseconds, failed)
LOCK = threading.Lock()
APPLICANTS = itertools.count()
JUDGES = itertools.count()
VERSION = re.compile(r'name="version" id="draft-version" value="(\d+)"')
TASK_LINK = re.compile(r'href="/reviews/tasks/(\d+)/"')
ATTACHMENT = (
    b"%PDF-1.4\n% manyi bench filing\n"
    + random.Random(1).randbytes(1024 * 1024 - 40)
    + b"\n%%EOF\n"
)


# The measured window starts when every user has logged in and set up (argon2 logins of 50
# users take a while on 2 cores and are not what the scenario measures) and lasts BENCH_SECONDS;
# requests outside it are recorded as "setup". Then the run stops. Each user's first request in
# the window comes after one think time (see on_start), as every later one does.
USERS = int(os.environ.get("BENCH_USERS", "1"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
WINDOW: dict[str, float] = {}
READY = itertools.count(1)


def measuring() -> bool:
    start = WINDOW.get("start")
    return start is not None and time.monotonic() <= start + SECONDS


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception, **kwargs):
    kind = name.split(":", 1)[0] if measuring() else "setup"
    with LOCK:
        SAMPLES.append((kind, name, response_time, exception is not None))


@events.quitting.add_listener
def _write(environment, **kwargs):
    with open(os.environ["BENCH_SAMPLES"], "w", encoding="utf-8") as out:
        json.dump(SAMPLES, out)


class BenchUser(HttpUser):
    abstract = True

    def on_start(self) -> None:
        origin = self.host.replace("http://", "https://")
        self.client.headers.update({"X-Forwarded-Proto": "https", "Referer": f"{origin}/"})
        self.login(self.username())
        self.setup()
        if next(READY) >= USERS:
            WINDOW["start"] = time.monotonic()
            gevent.spawn_later(SECONDS + 0.5, self.environment.runner.quit)
        while "start" not in WINDOW:
            gevent.sleep(0.1)
        # Released together, the users would all click in the same instant: a burst of N
        # requests that no real crowd makes and that the steady state never sees again. Each
        # first thinks, as between any two of its requests.
        gevent.sleep(self.wait_time())

    def setup(self) -> None:
        """What a user does before the measured window (after logging in)."""

    def username(self) -> str:
        raise NotImplementedError

    def _unsecure_cookies(self) -> None:
        """The production cookies are Secure; behind the (absent) TLS proxy they must still be
        sent to http://127.0.0.1, as the proxy would."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def csrf(self) -> str:
        self._unsecure_cookies()
        return self.client.cookies.get("csrftoken", "")

    def login(self, username: str) -> None:
        self.client.get("/accounts/login/", name="setup: login page")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": username,
                "password": CONTEXT["password"],
                "csrfmiddlewaretoken": self.csrf(),
            },
            name="setup: login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login of {username} refused ({response.status_code})")
        self._unsecure_cookies()

    def post(self, url: str, name: str, data: dict, *, htmx: bool = False, **kwargs):
        headers = {"X-CSRFToken": self.csrf()}
        if htmx:
            headers["HX-Request"] = "true"
        return self.client.post(
            url, data=data, headers=headers, name=name, allow_redirects=False, **kwargs
        )


class ApplicantUser(BenchUser):
    """Scenario 1: an applicant on the last day of filing. 70 % page views (their list, their
    form), 25 % autosaves of their draft, 5 % a whole filing with a 1 MB attachment."""

    wait_time = between(1, 3)

    def username(self) -> str:
        return CONTEXT["applicants"][next(APPLICANTS) % len(CONTEXT["applicants"])]

    def setup(self) -> None:
        self.draft, self.version = self.start_draft("setup: new draft")

    def start_draft(self, name: str) -> tuple[int | None, int]:
        with self.post(
            "/nominations/new/individual/", name, CONTEXT["form"], catch_response=True
        ) as response:
            match = re.search(r"/nominations/(\d+)/", response.headers.get("Location", ""))
            if response.status_code != 302 or not match:
                response.failure(f"new draft: {response.status_code}")
                return None, 0
        pk = int(match.group(1))
        page = self.client.get(f"/nominations/{pk}/", name="setup: form after new draft")
        version = VERSION.search(page.text)
        return pk, int(version.group(1)) if version else 2

    @task(35)
    def view_list(self) -> None:
        self.client.get("/nominations/", name="view: my nominations")

    @task(35)
    def view_form(self) -> None:
        if self.draft is None:
            return
        response = self.client.get(f"/nominations/{self.draft}/", name="view: form")
        version = VERSION.search(response.text)
        if version:
            self.version = int(version.group(1))

    @task(25)
    def autosave(self) -> None:
        if self.draft is None:
            return
        data = dict(CONTEXT["form"])
        data["deeds_summary"] = f"十年如一日热情服务客户，第{random.randint(1, 10**6)}次修改。"
        data["version"] = str(self.version)
        with self.post(
            f"/nominations/{self.draft}/", "autosave: draft", data, htmx=True, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"autosave: {response.status_code}")
                return
            version = VERSION.search(response.text)
            self.version = int(version.group(1)) if version else self.version + 1

    @task(5)
    def filing(self) -> None:
        """A whole filing: a new form typed in full, a 1 MB attachment, the filing itself."""
        pk, _version = self.start_draft("filing: new draft")
        if pk is None:
            return
        # The 1 MB attachment: the honour's certificate scan (奖励，附复印件), which the form
        # requires, as a PDF.
        with self.client.post(
            f"/nominations/{pk}/honours/",
            data={
                "honour-awarded_on": "2017-05-01",
                "honour-issuer": "自治区总工会",
                "honour-name": "优秀服务标兵",
                "honour-level": "provincial",
            },
            files={"honour-scan": ("荣誉证书.pdf", ATTACHMENT, "application/pdf")},
            headers={"X-CSRFToken": self.csrf(), "HX-Request": "true"},
            name="filing: honour with 1 MB scan",
            catch_response=True,
        ) as response:
            refused = re.search(r'<ul class="errorlist"><li>(.*?)</li>', response.text)
            if response.status_code != 200 or refused:
                response.failure(f"honour: {response.status_code} {refused and refused[1]}")
        with self.post(
            f"/nominations/{pk}/file/", "filing: file", {}, catch_response=True
        ) as response:
            if response.status_code != 302 or "/view/" not in response.headers.get("Location", ""):
                response.failure(f"file: {response.status_code}")


class JudgeUser(BenchUser):
    """Scenario 3: a judge in the judging week, between their list and a scoring page."""

    wait_time = between(0.5, 1.5)

    def username(self) -> str:
        return CONTEXT["judges"][next(JUDGES) % len(CONTEXT["judges"])]

    def setup(self) -> None:
        response = self.client.get("/reviews/tasks/", name="setup: task list")
        self.assigned = [int(pk) for pk in TASK_LINK.findall(response.text)] or [0]

    @task
    def task_list(self) -> None:
        self.client.get("/reviews/tasks/", name="judge: task list")

    @task
    def scoring_page(self) -> None:
        self.client.get(
            f"/reviews/tasks/{random.choice(self.assigned)}/", name="judge: scoring page"
        )
