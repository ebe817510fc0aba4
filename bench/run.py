"""`make bench`: the benchmark suite of issue 7, end to end, writing bench/RESULTS.md.

For each database (SQLite in var/bench/, PostgreSQL 15 database manyi_bench) it migrates an
empty database, generates three campaigns (manyi.demo.generator), serves them with gunicorn as
production does (MANYI_ENV=production, DEBUG off, its own SECRET_KEY, ALLOWED_HOSTS=127.0.0.1,
whitenoise, 4 sync workers) on 127.0.0.1, and drives it from other processes: locust (headless,
bounded users and time) for the deadline rush and the judges, plain sequential requests for the
ranking pages, the bare SQL aggregate timed through the database driver. Then it calls
bench/documents.py (scenarios 4 and 5, another module) and the query-count tests (scenario 6).

Every figure is a list of samples, one per run; the table shows their median and spread
(min–max). Raw locust CSVs and per-request samples go to bench/out/ (ignored by git).

    python bench/run.py [--quick] [--databases sqlite,postgresql] [--runs N]

Helpers called by the runner in a Django process (DATABASE_URL set):
    python bench/run.py context --year Y --out FILE     accounts and the form the load types
    python bench/run.py sql --category ID --repeat K    the bare SQL aggregate, timed
    python bench/run.py profile --path URL --user NAME  a pyinstrument profile of one page
"""

# ruff: noqa: S603, S607  (a runner of our own commands)
import argparse
import datetime
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "RESULTS.md"
PYTHON = sys.executable
BIN = Path(PYTHON).parent
PG_URL = "postgres://manyi:manyi-ci@127.0.0.1:5432/manyi_bench"
SETTLE_POSTGRESQL = (
    "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')"
)

# The three generated campaigns of each database (years are arbitrary; the newest is current).
CURRENT_YEAR = 2031  # mixed kinds, 1,000 nominations: the applicants file, the judges score
SMALL_YEAR = 2029  # 1,000 individuals, all scored by 5 judges: the printed ranking
LARGE_YEAR = 2030  # 10,000 individuals, all scored by 5 judges: the paginated ranking


@dataclass
class Plan:
    runs: int = 3
    large: int = 10_000
    small: int = 1_000
    current: int = 1_000
    rush_users: int = 50
    rush_seconds: int = 60
    judge_users: int = 20
    judge_seconds: int = 30
    page_requests: int = 6  # sequential requests per run for the ranking p50
    sql_repeat: int = 10
    workers: int = 4


QUICK = Plan(
    runs=1,
    large=2_000,
    rush_seconds=15,
    judge_seconds=10,
    page_requests=3,
    sql_repeat=3,
)


@dataclass
class Figure:
    scenario: str
    name: str
    unit: str
    samples: list[float]
    target: str = ""
    database: str = ""
    met: bool | None = None
    note: str = ""

    def line(self) -> dict:
        return {
            "scenario": self.scenario,
            "name": self.name,
            "unit": self.unit,
            "samples": self.samples,
            "target": self.target,
            "met": self.met,
            "database": self.database,
        }


@dataclass
class Context:
    database: str
    url: str
    media: Path
    figures: list[Figure] = field(default_factory=list)
    log: list[str] = field(default_factory=list)


def judge(target: str, value: float | None) -> bool | None:
    """Whether `value` (the median) meets a target written "≤ 150", "≥ 100" or "= 0"."""
    if not target or value is None:
        return None
    op, number = target.split()[0], float(target.split()[1].replace(",", ""))
    return {"≤": value <= number, "≥": value >= number, "=": value == number}[op]


def median(samples: list[float]) -> float | None:
    return statistics.median(samples) if samples else None


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (what locust reports)."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


# --- processes ----------------------------------------------------------------------------------


def say(message: str) -> None:
    print(f"[bench {datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


def run(args: list[str], env: dict, *, timeout: int = 1800, check: bool = True) -> str:
    result = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(args)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )
    return result.stdout


def base_env(url: str, media: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"MANYI_ENV", "DEBUG", "SECRET_KEY"}}
    env.update(
        DATABASE_URL=url,
        MEDIA_ROOT=str(media),
        STATIC_ROOT=str(VAR / "static"),
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="WARNING",
    )
    return env


def production_env(env: dict) -> dict:
    return {
        **env,
        "MANYI_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn as README's production section runs it."""

    def __init__(self, env: dict, workers: int, log: Path) -> None:
        self.port = free_port()
        self.log = open(log, "a", encoding="utf-8")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "manyi.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "300",
            ],
            cwd=ROOT,
            env=production_env(env),
            stdout=self.log,
            stderr=self.log,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self.wait()

    def wait(self) -> None:
        import requests

        for _ in range(120):
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited ({self.process.returncode}); see {self.log.name}"
                )
            try:
                requests.get(
                    f"{self.url}/healthz", timeout=2, headers={"X-Forwarded-Proto": "https"}
                )
                time.sleep(1)  # let every worker boot
                return
            except requests.RequestException:
                time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer")

    def worker_rss_mb(self) -> float:
        """The largest resident memory of the workers (VmRSS from /proc), in MB."""
        import psutil

        children = psutil.Process(self.process.pid).children()
        return max(c.memory_info().rss for c in children) / 2**20 if children else 0.0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


# --- databases ----------------------------------------------------------------------------------


def prepare_sqlite() -> str:
    VAR.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{VAR / 'bench.sqlite3'}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{VAR / 'bench.sqlite3'}"


def prepare_postgresql() -> str:
    """Start PostgreSQL 15 as .ci/run does and give the bench an empty database."""
    if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode != 0:
        subprocess.run(["pg_ctlcluster", "15", "main", "start"], check=False)
        for _ in range(30):
            if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode == 0:
                break
            time.sleep(1)
    role = (
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'manyi') THEN "
        "CREATE ROLE manyi LOGIN PASSWORD 'manyi-ci' CREATEDB; END IF; END $$;"
    )
    as_postgres = ["su", "postgres", "-c"] if os.geteuid() == 0 else ["sh", "-c"]
    subprocess.run(
        [*as_postgres, "psql -v ON_ERROR_STOP=1 -q"],
        input=role,
        text=True,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [*as_postgres, "dropdb --if-exists --force manyi_bench && createdb -O manyi manyi_bench"],
        check=True,
        capture_output=True,
    )
    return PG_URL


# --- scenarios ----------------------------------------------------------------------------------


def generate(ctx: Context, env: dict, plan: Plan) -> None:
    campaigns = [
        (SMALL_YEAR, plan.small, ["--kinds", "individual", "--all-scored"]),
        (LARGE_YEAR, plan.large, ["--kinds", "individual", "--all-scored"]),
        (CURRENT_YEAR, plan.current, []),
    ]
    for year, size, extra in campaigns:
        started = time.perf_counter()
        run(
            [
                PYTHON,
                "manage.py",
                "generate_campaign",
                "--nominations",
                str(size),
                "--year",
                str(year),
                "--json",
                *extra,
            ],
            env,
        )
        seconds = time.perf_counter() - started
        ctx.log.append(f"generated {size} nominations ({year}) in {seconds:.1f} s")
        ctx.figures.append(
            Figure(
                "Generator",
                f"{size:,} nominations ({'mixed' if not extra else 'individual'})",
                "s",
                [round(seconds, 1)],
                "≤ 120" if size >= 10_000 else "",
                ctx.database,
            )
        )


def locust(
    ctx: Context, env: dict, server: Server, user: str, users: int, seconds: int, tag: str
) -> tuple[dict[str, list[float]], dict[str, int], float]:
    """One headless locust run; returns response times and failures by class of request, and
    the requests per second of the classes measured (setup excluded)."""
    out = OUT / ctx.database
    out.mkdir(parents=True, exist_ok=True)
    samples = out / f"{tag}-samples.json"
    run(
        [
            str(BIN / "locust"),
            "-f",
            "bench/locustfile.py",
            "--headless",
            "-u",
            str(users),
            "-r",
            str(max(1, users // 5)),
            "-t",
            f"{seconds + 180}s",
            "--host",
            server.url,
            "--csv",
            str(out / tag),
            "--only-summary",
            "--stop-timeout",
            "10",
            "--loglevel",
            "WARNING",
            user,
        ],
        {
            **env,
            "BENCH_CONTEXT": str(VAR / f"context-{ctx.database}.json"),
            "BENCH_SAMPLES": str(samples),
            "BENCH_USERS": str(users),
            "BENCH_SECONDS": str(seconds),
        },
        timeout=seconds + 400,
        check=False,
    )
    data = json.loads(samples.read_text()) if samples.exists() else []
    times: dict[str, list[float]] = {}
    failures: dict[str, int] = {}
    for kind, _name, ms, failed in data:
        times.setdefault(kind, []).append(ms)
        failures[kind] = failures.get(kind, 0) + int(failed)
    measured = sum(len(v) for k, v in times.items() if k != "setup")
    return times, failures, measured / seconds


def rush(ctx: Context, env: dict, plan: Plan) -> None:
    name = "1. Deadline rush"
    views, saves, filings, errors, rss, rate = [], [], [], [], [], []
    for number in range(plan.runs):
        server = Server(env, plan.workers, OUT / ctx.database / "gunicorn.log")
        try:
            times, failures, rps = locust(
                ctx,
                env,
                server,
                "ApplicantUser",
                plan.rush_users,
                plan.rush_seconds,
                f"rush-{number + 1}",
            )
            rss.append(round(server.worker_rss_mb(), 1))
        finally:
            server.stop()
        views.append(round(percentile(times.get("view", [0]), 0.95), 1))
        saves.append(round(percentile(times.get("autosave", [0]), 0.95), 1))
        filings.append(round(percentile(times.get("filing", [0]), 0.95), 1))
        errors.append(sum(failures.values()))
        rate.append(round(rps, 1))
        say(
            f"  rush run {number + 1}: views p95 {views[-1]} ms, autosaves {saves[-1]}, filings "
            f"{filings[-1]}, errors {errors[-1]}, {rps:.1f} req/s, worker RSS {rss[-1]} MB"
        )
    who = f"{plan.rush_users} applicants, {plan.rush_seconds} s"
    ctx.figures += [
        Figure(name, f"page views p95 ({who})", "ms", views, "≤ 150", ctx.database),
        Figure(name, "draft autosaves p95", "ms", saves, "≤ 150", ctx.database),
        Figure(
            name,
            "filings with a 1 MB attachment p95 (each request)",
            "ms",
            filings,
            "≤ 400",
            ctx.database,
        ),
        Figure(name, "errors (all requests, login included)", "count", errors, "= 0", ctx.database),
        Figure(name, "throughput (measured requests)", "req/s", rate, "", ctx.database),
        Figure(
            "7. Memory",
            "largest gunicorn worker RSS after scenario 1",
            "MB",
            rss,
            "≤ 200",
            ctx.database,
        ),
    ]


def judges(ctx: Context, env: dict, plan: Plan) -> None:
    lists, pages, errors = [], [], []
    server = Server(env, plan.workers, OUT / ctx.database / "gunicorn.log")
    try:
        for number in range(plan.runs):
            _times, failures, _rps = locust(
                ctx,
                env,
                server,
                "JudgeUser",
                plan.judge_users,
                plan.judge_seconds,
                f"judges-{number + 1}",
            )
            # The classes are "judge: task list" and "judge: scoring page": split by name.
            data = json.loads(
                (OUT / ctx.database / f"judges-{number + 1}-samples.json").read_text()
            )
            by_name: dict[str, list[float]] = {}
            for kind, request, ms, _failed in data:
                if kind == "judge":
                    by_name.setdefault(request, []).append(ms)
            lists.append(round(percentile(by_name.get("judge: task list", [0]), 0.95), 1))
            pages.append(round(percentile(by_name.get("judge: scoring page", [0]), 0.95), 1))
            errors.append(sum(failures.values()))
            say(
                f"  judges run {number + 1}: list p95 {lists[-1]} ms, scoring page p95 "
                f"{pages[-1]} ms, errors {errors[-1]}"
            )
    finally:
        server.stop()
    name = "3. Judge's work"
    who = f"{plan.judge_users} judges, {plan.judge_seconds} s"
    ctx.figures += [
        Figure(name, f"assignment list p95 ({who})", "ms", lists, "≤ 50", ctx.database),
        Figure(name, "scoring page p95", "ms", pages, "≤ 50", ctx.database),
        Figure(name, "errors", "count", errors, "= 0", ctx.database),
    ]


def timed_pages(server: Server, username: str, path: str, count: int) -> float:
    """The p50 of `count` sequential requests (after two to warm up), in ms."""
    import requests

    session = requests.Session()
    origin = server.url.replace("http://", "https://")
    session.headers.update({"X-Forwarded-Proto": "https", "Referer": f"{origin}/"})
    session.get(f"{server.url}/accounts/login/")
    for cookie in session.cookies:
        cookie.secure = False
    response = session.post(
        f"{server.url}/accounts/login/",
        data={
            "username": username,
            "password": "manyi-bench",
            "csrfmiddlewaretoken": session.cookies.get("csrftoken"),
        },
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise RuntimeError(f"login of {username} refused: {response.status_code}")
    for cookie in session.cookies:
        cookie.secure = False
    times = []
    for index in range(count + 2):
        started = time.perf_counter()
        response = session.get(f"{server.url}{path}")
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code}")
        if index >= 2:
            times.append(elapsed)
    return statistics.median(times)


def rankings(ctx: Context, env: dict, plan: Plan) -> None:
    context = json.loads((VAR / f"context-{ctx.database}.json").read_text())
    small, large = context["ranking"][str(SMALL_YEAR)], context["ranking"][str(LARGE_YEAR)]
    full, paged, bare = [], [], []
    server = Server(env, plan.workers, OUT / ctx.database / "gunicorn.log")
    try:
        for number in range(plan.runs):
            full.append(
                round(
                    timed_pages(
                        server,
                        small["secretariat"],
                        f"/reviews/ranking/{small['category']}/",
                        plan.page_requests,
                    ),
                    1,
                )
            )
            paged.append(
                round(
                    timed_pages(
                        server,
                        large["secretariat"],
                        f"/reviews/ranking/{large['category']}/pages/",
                        plan.page_requests,
                    ),
                    1,
                )
            )
            out = run(
                [
                    PYTHON,
                    "bench/run.py",
                    "sql",
                    "--category",
                    str(large["category"]),
                    "--repeat",
                    str(plan.sql_repeat),
                ],
                env,
            )
            bare.append(round(json.loads(out)["p50"], 1))
            say(
                f"  ranking run {number + 1}: {plan.small:,} all rows p50 {full[-1]} ms; "
                f"{plan.large:,} page of 50 p50 {paged[-1]} ms; bare SQL p50 {bare[-1]} ms"
            )
    finally:
        server.stop()
    name = "2. Ranking"
    ratio = [round(p / b, 2) if b else 0.0 for p, b in zip(paged, bare, strict=True)]
    ctx.figures += [
        Figure(
            name,
            f"{plan.small:,} × 5, all rows on one page, p50",
            "ms",
            full,
            "≤ 100",
            ctx.database,
        ),
        Figure(
            name, f"{plan.large:,} × 5, a page of 50 rows, p50", "ms", paged, "≤ 30", ctx.database
        ),
        Figure(
            name,
            f"{plan.large:,} × 5, bare SQL aggregate (same numbers, 50 rows), p50",
            "ms",
            bare,
            "",
            ctx.database,
        ),
        Figure(name, "page of 50 ÷ bare SQL aggregate", "×", ratio, "≤ 2", ctx.database),
    ]


def documents(ctx: Context, env: dict, plan: Plan) -> None:
    """Scenarios 4 and 5 (bench/documents.py, another module): its JSON lines, as they are."""
    script = ROOT / "bench" / "documents.py"
    if not script.exists():
        ctx.log.append("bench/documents.py is missing: scenarios 4 and 5 not measured")
        return
    result = subprocess.run(
        [
            PYTHON,
            str(script),
            "--database-url",
            ctx.url,
            "--runs",
            str(plan.runs),
            *(["--quick"] if plan.large < 10_000 else []),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    (OUT / ctx.database / "documents.log").write_text(result.stdout + result.stderr)
    for line in result.stdout.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict) and "scenario" in item and "samples" in item:
            ctx.figures.append(
                Figure(
                    item["scenario"],
                    item.get("name", ""),
                    item.get("unit", ""),
                    list(item["samples"]),
                    item.get("target", ""),
                    ctx.database,
                    item.get("met"),
                )
            )
    if result.returncode != 0:
        ctx.log.append(f"bench/documents.py exited with {result.returncode} (see bench/out)")


def query_counts(ctx: Context, env: dict) -> None:
    """Scenario 6 is asserted by the test suite; the bench reports whether it passes here."""
    test_env = dict(env)
    if ctx.database == "sqlite":
        test_env.pop("DATABASE_URL")
    else:
        test_env["DATABASE_URL"] = PG_URL.replace("manyi_bench", "manyi_benchq")
    result = subprocess.run(
        [str(BIN / "pytest"), "-q", "-p", "no:randomly", "manyi/core/tests/test_query_counts.py"],
        cwd=ROOT,
        env=test_env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    (OUT / ctx.database / "query-counts.log").write_text(result.stdout + result.stderr)
    tail = (result.stdout.strip().splitlines() or [""])[-1]
    passed = int(tail.split(" passed")[0].split()[-1]) if " passed" in tail else 0
    figure = Figure(
        "6. Queries",
        "query-count tests (5 and 50 rows, exact counts): passed",
        "tests",
        [passed],
        "",
        ctx.database,
        result.returncode == 0,
    )
    figure.note = tail
    ctx.figures.append(figure)


def bench_database(database: str, plan: Plan, skip_documents: bool, query_tests: bool) -> Context:
    url = prepare_sqlite() if database == "sqlite" else prepare_postgresql()
    media = VAR / f"media-{database}"
    shutil.rmtree(media, ignore_errors=True)
    ctx = Context(database, url, media)
    (OUT / database).mkdir(parents=True, exist_ok=True)
    (OUT / database / "gunicorn.log").write_text("")
    env = base_env(url, media)
    say(f"{database}: migrate")
    run([PYTHON, "manage.py", "migrate", "--verbosity", "0"], env)
    say(f"{database}: generate")
    generate(ctx, env, plan)
    if database == "postgresql":
        # Rows just bulk-loaded: the first queries to read them set their hint bits (writes) and
        # find no visibility map for index-only scans until autovacuum has been by, minutes
        # later; meanwhile they pay for it (the bare SQL 500 ms instead of 180 ms in a run).
        # A database in use has been vacuumed: do now what autovacuum would.
        say(f"{database}: vacuum and analyze, as autovacuum would after the bulk load")
        run([PYTHON, "manage.py", "shell", "-c", SETTLE_POSTGRESQL], env)
    run([PYTHON, "bench/run.py", "context", "--out", str(VAR / f"context-{database}.json")], env)
    say(f"{database}: scenario 2 (ranking)")
    rankings(ctx, env, plan)
    say(f"{database}: scenario 3 (judges)")
    judges(ctx, env, plan)
    say(f"{database}: scenarios 1 and 7 (deadline rush, memory)")
    rush(ctx, env, plan)
    if query_tests:
        say(f"{database}: scenario 6 (query counts)")
        query_counts(ctx, env)
    else:
        ctx.log.append(
            "6. Queries: asserted by manyi/core/tests/test_query_counts.py in `make test` "
            "(CI, SQLite and PostgreSQL); `bench/run.py --query-tests` runs it here too"
        )
    if not skip_documents:
        say(f"{database}: scenarios 4 and 5 (bench/documents.py)")
        documents(ctx, env, plan)
    return ctx


# --- the report ---------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = ""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(  # this file is written after each database: not a change
        ["git", "status", "--porcelain", "--", ".", ":!bench/RESULTS.md"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
    }


def fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}" if value else "0"


def write_results(
    contexts: list[Context], plan: Plan, started: float, quick: bool, load: tuple[float, float]
) -> None:
    info = machine()
    minutes = (time.perf_counter() - started) / 60
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/run.py); see bench/README.md for what each figure measures "
        "and how. Every figure is the median of its runs, with the spread (min–max) of the runs.",
        "",
        f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC"
        f"{' — QUICK smoke run: one run, smaller sizes, not figures to quote' if quick else ''}",
        f"- Machine: {info['cores']} cores ({info['cpu']}), {info['memory']} memory; "
        f"{info['os']}; Python {info['python']}",
        f"- Load average (1 min) at start {load[0]:.2f}, at end {os.getloadavg()[0]:.2f}. "
        "The machine is shared with other work: figures taken while it is busy are noisy and "
        "pessimistic; rerun on a quiet machine before quoting them.",
        f"- Commit: {info['commit']}",
        f"- Databases: {', '.join(c.database for c in contexts)}; served by gunicorn "
        f"({plan.workers} sync workers, MANYI_ENV=production) on 127.0.0.1; load from locust "
        "(headless) and sequential requests in other processes.",
        f"- Runs per figure: {plan.runs}; deadline rush {plan.rush_users} users × "
        f"{plan.rush_seconds} s; judges {plan.judge_users} users × {plan.judge_seconds} s; "
        f"ranking {plan.page_requests} sequential requests a run; campaigns of {plan.small:,} and "
        f"{plan.large:,} scored individuals × 5 judges and a current mixed campaign of "
        f"{plan.current:,}.",
        f"- Duration of the whole run: {minutes:.1f} minutes.",
        "",
    ]
    for ctx in contexts:
        lines += [
            f"## {ctx.database}",
            "",
            "| Scenario | Figure | Median | Spread (min–max) | Runs | Target | Met |",
            "|---|---|---|---|---|---|---|",
        ]
        for f in ctx.figures:
            value = median(f.samples)
            met = f.met if f.met is not None or not f.target else judge(f.target, value)
            spread = f"{fmt(min(f.samples))}–{fmt(max(f.samples))}" if f.samples else "—"
            mark = {True: "met", False: "**not met**", None: "—"}[met]
            unit = "" if f.unit in {"count", "tests"} else f" {f.unit}"
            lines.append(
                f"| {f.scenario} | {f.name} | {fmt(value)}{unit} | {spread} | {len(f.samples)} "
                f"| {f.target + unit if f.target else '—'} | {mark} |"
            )
        if ctx.log:
            lines += ["", *[f"- {entry}" for entry in ctx.log]]
        lines.append("")
    notes = ROOT / "bench" / "NOTES.md"
    if notes.exists():
        lines += [notes.read_text(encoding="utf-8").strip(), ""]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    (OUT / "figures.jsonl").write_text(
        "\n".join(json.dumps(f.line(), ensure_ascii=False) for c in contexts for f in c.figures)
    )


def static_outdated() -> bool:
    """Whether var/bench/static must be collected again (compressing every file takes minutes on
    a busy machine): no manifest yet, or a source file newer than it."""
    manifest = VAR / "static" / "staticfiles.json"
    if not manifest.exists():
        return True
    collected = manifest.stat().st_mtime
    for folder in (ROOT / "static", ROOT / "node_modules"):
        for path in folder.rglob("*") if folder.exists() else ():
            if path.stat().st_mtime > collected:
                return True
    return False


def main_run(args: argparse.Namespace) -> None:
    plan = QUICK if args.quick else Plan()
    if args.runs:
        plan.runs = args.runs
    started = time.perf_counter()
    load = os.getloadavg()
    OUT.mkdir(parents=True, exist_ok=True)
    VAR.mkdir(parents=True, exist_ok=True)
    env = base_env(prepare_sqlite(), VAR / "media-sqlite")
    say("compile the catalogue and collect static files (production storage)")
    run([PYTHON, "manage.py", "compile_catalogue", "--verbosity", "0"], env)
    if static_outdated():
        run(
            [PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            production_env(env),
        )
    contexts = []
    for database in args.databases.split(","):
        contexts.append(
            bench_database(database.strip(), plan, args.skip_documents, args.query_tests)
        )
        write_results(contexts, plan, started, args.quick, load)
    write_results(contexts, plan, started, args.quick, load)
    say(f"done in {(time.perf_counter() - started) / 60:.1f} minutes: {RESULTS.relative_to(ROOT)}")


# --- helpers run inside Django ------------------------------------------------------------------


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manyi.settings")
    import django

    django.setup()


def main_context(args: argparse.Namespace) -> None:
    """What the load needs: the accounts, their password, the form an applicant types."""
    django_setup()
    from manyi.accounts.models import Role, User
    from manyi.campaigns.models import Category
    from manyi.demo.generator import BENCH_PASSWORD, ranked_category
    from manyi.demo.samples import valid_form

    category = Category.objects.get(campaign__year=CURRENT_YEAR, kind="individual")
    prefix = f"b{CURRENT_YEAR}"
    applicants = list(
        User.objects.filter(username__startswith=f"{prefix}_app", role=Role.APPLICANT)
        .order_by("pk")
        .values_list("username", flat=True)[:50]
    )
    judges = list(
        User.objects.filter(username__startswith=f"{prefix}_judge")
        .order_by("pk")
        .values_list("username", flat=True)
    )
    ranking = {}
    for year in (SMALL_YEAR, LARGE_YEAR):
        chosen = ranked_category(year)
        ranking[str(year)] = {"category": chosen.pk, "secretariat": f"b{year}_sec"}
    Path(args.out).write_text(
        json.dumps(
            {
                "password": BENCH_PASSWORD,
                "applicants": applicants,
                "judges": judges,
                "form": valid_form("individual", category),
                "ranking": ranking,
            },
            ensure_ascii=False,
        )
    )


BARE_SQL = """
WITH totals AS (
    SELECT r.nomination_id, r.id AS review_id, SUM(s.points) AS total,
           SUM(CASE WHEN i.name = %s THEN s.points ELSE 0 END) AS tie
    FROM reviews_review r
    JOIN nominations_nomination n ON n.id = r.nomination_id
    JOIN reviews_score s ON s.review_id = r.id
    JOIN campaigns_criterion c ON c.id = s.criterion_id
    JOIN campaigns_rubricitem i ON i.id = c.item_id
    WHERE r.state = 'submitted' AND n.category_id = %s AND n.state IN ({states})
    GROUP BY r.nomination_id, r.id
), per_nomination AS (
    SELECT nomination_id, COUNT(*) AS judges, SUM(total) AS points, MAX(total) AS high,
           MIN(total) AS low, SUM(tie) AS tie
    FROM totals GROUP BY nomination_id
)
SELECT n.id, n.title, p.judges, p.points, p.high, p.low, p.tie,
       RANK() OVER (ORDER BY p.points * 1.0 / p.judges DESC, p.tie * 1.0 / p.judges DESC) AS rank
FROM nominations_nomination n JOIN per_nomination p ON p.nomination_id = n.id
ORDER BY rank, n.title, n.id
LIMIT 50
"""


def main_sql(args: argparse.Namespace) -> None:
    """The bare SQL aggregate behind a ranking page: per judge totals, then per nomination the
    judges, points, highest, lowest, tie-break subtotal and rank; the first 50 rows. Timed
    through Django's cursor (the driver), p50 of `repeat` runs after one to warm up."""
    django_setup()
    from django.db import connection

    from manyi.campaigns.models import Category
    from manyi.reviews.ranking import RANKED_STATES

    category = Category.objects.get(pk=args.category)
    sql = BARE_SQL.format(states=", ".join(["%s"] * len(RANKED_STATES)))
    params = [category.tie_break_item, category.pk, *RANKED_STATES]
    times = []
    with connection.cursor() as cursor:
        for index in range(args.repeat + 1):
            started = time.perf_counter()
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            if index:
                times.append((time.perf_counter() - started) * 1000)
    print(json.dumps({"p50": statistics.median(times), "rows": len(rows), "samples": times}))


def main_profile(args: argparse.Namespace) -> None:
    """A pyinstrument profile of one page as `user` (Django's test client, in this process)."""
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    django_setup()
    from django.test import Client
    from pyinstrument import Profiler

    from manyi.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=args.user))
    client.get(args.path)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(args.repeat):
        client.get(args.path)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command")
    parser.add_argument("--quick", action="store_true", help="a short smoke run (one run each)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=0)
    parser.add_argument("--skip-documents", action="store_true")
    parser.add_argument("--query-tests", action="store_true", help="run scenario 6's tests too")
    context = sub.add_parser("context")
    context.add_argument("--out", required=True)
    sql = sub.add_parser("sql")
    sql.add_argument("--category", type=int, required=True)
    sql.add_argument("--repeat", type=int, default=10)
    profile = sub.add_parser("profile")
    profile.add_argument("--path", required=True)
    profile.add_argument("--user", required=True)
    profile.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    {"context": main_context, "sql": main_sql, "profile": main_profile}.get(args.command, main_run)(
        args
    )


if __name__ == "__main__":
    main()
