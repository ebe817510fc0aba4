"""Scenarios 4 (documents) and 5 (import) of the benchmark: one JSON object a line.

    python bench/documents.py --database-url URL [--quick] [--runs N] [--skip PARTS]

Against the database of URL (migrated here if needed; SQLite or PostgreSQL), it generates two
campaigns with `manage.py generate_campaign` (500 and 2,000 filed nominations, forms and their
attachments; 50 and 200 with --quick) unless they exist, then measures:

- Word (.docx) and PDF generation of whole filed bundles (form + self-assessment), per second of
  CPU time of this process (that is, per core): the median of --runs runs;
- the campaign archive as the secretariat's page builds it: a job queued with
  `archive.start_archive`, then `manage.py db_worker --batch` in a child process; its wall
  time and its peak memory at both sizes, sampled from /proc every 0.2 s: the peak resident
  memory (VmHWM) of the largest process, the worker or one of the drawing processes it starts,
  and the worker with its drawing processes together (their proportional set size); then the
  large one again, which takes the filed forms' PDFs from the cache the first build filled
  (pdf.py);
- the import of filled forms: the bundles exported as .docx, read and kept as drafts
  (`importer.read_form` of every file, then `services.import_readings` of them, as the import
  page does: a savepoint a file, one commit), files per second of wall time.

Uploaded files and archives go to a temporary MEDIA_ROOT unless MEDIA_ROOT is set. `--skip`
leaves out parts (docx, pdf, archive, import) while iterating on one.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEARS = {500: 2041, 2000: 2042, 50: 2043, 200: 2044}  # size → campaign year (arbitrary)
MB = 1024 * 1024


def _median(samples: list) -> float:
    return statistics.median(samples) if samples else 0.0


def emit(scenario: str, name: str, unit: str, samples: list, target: str, met: bool, db: str):
    if not samples:  # a part skipped with --skip
        return
    print(
        json.dumps(
            {
                "scenario": scenario,
                "name": name,
                "unit": unit,
                "samples": [round(s, 2) for s in samples],
                "target": target,
                "met": met,
                "database": db,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


def say(text: str) -> None:
    print(f"[documents] {text}", file=sys.stderr, flush=True)


def setup(url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"MANYI_ENV", "DEBUG"}}
    env["DATABASE_URL"] = url
    env.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="manyi-bench-documents-"))
    env["LOG_LEVEL"] = "WARNING"
    env["DJANGO_SETTINGS_MODULE"] = "manyi.settings"
    env["PYTHONPATH"] = str(ROOT)
    os.environ.update(env)
    for key in ("MANYI_ENV", "DEBUG"):
        os.environ.pop(key, None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return env


def campaign_of(size: int):
    """The generated campaign of that size (made now if missing)."""
    from django.core.management import call_command

    from manyi.campaigns.models import Campaign

    year = YEARS[size]
    if not Campaign.objects.filter(year=year).exists():
        say(f"generating {size} nominations ({year})")
        started = time.perf_counter()
        call_command(
            "generate_campaign",
            "--nominations",
            str(size),
            "--year",
            str(year),
            "--attachments-kb",
            "64",
            "--kinds",
            "individual,team,manager,achievement,unit",
            stdout=open(os.devnull, "w"),  # noqa: SIM115
        )
        say(f"generated in {time.perf_counter() - started:.0f} s")
    return Campaign.objects.get(year=year)


def filed(campaign, count: int) -> list:
    from manyi.documents.archive import archived_nominations

    return list(archived_nominations(campaign)[:count])


def generation_rate(nominations: list, render, runs: int) -> list[float]:
    """Whole bundles (sheets read from the database, then drawn) per CPU second."""
    from manyi.documents import layout, queries
    from manyi.documents.digest import verification_code

    samples = []
    rubrics: dict = {}
    for _ in range(runs):
        started = time.process_time()
        for nomination in nominations:
            sheets = queries.nomination_sheets(nomination, rubrics=rubrics)
            render(sheets, layout.Mark(code=verification_code(nomination)))
        samples.append(len(nominations) / (time.process_time() - started))
    return samples


def _memory(pid: int) -> tuple[int, int]:
    """(proportional resident bytes, peak resident bytes) of a process: PSS counts its private
    pages and its share of the pages it shares (the font files every drawing process maps, the
    interpreter); VmHWM is the high-water mark of its own address space. Both 0 when gone."""
    pss = peak = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            pss = next((int(x.split()[1]) * 1024 for x in rollup if x.startswith("Pss:")), 0)
        with open(f"/proc/{pid}/status") as status:
            peak = next((int(x.split()[1]) * 1024 for x in status if x.startswith("VmHWM:")), 0)
    except OSError:
        pass
    return pss, peak


def tree_memory(root: int) -> tuple[int, int]:
    """(PSS of a process and all its descendants now, largest VmHWM among them), from Linux
    /proc. Summing RSS would count the shared pages once a process."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    measures = [_memory(pid) for pid in tree]
    return sum(m[0] for m in measures), max((m[1] for m in measures), default=0)


def archive_run(campaign, env: dict) -> tuple[float, float, float, int]:
    """(seconds, peak RSS of the largest process in MB, peak RSS of the worker with its
    drawing processes in MB, zip bytes) of one archive built by the task worker."""
    from manyi.accounts.models import Role, User
    from manyi.documents import archive
    from manyi.documents.models import ArchiveJob, ArchiveState

    by = User.objects.filter(role=Role.SECRETARIAT).first()
    if by is None:
        by = User.objects.create_user("bench_documents_sec", role=Role.SECRETARIAT)
    job = archive.start_archive(campaign, by=by)
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "-v", "0"],
        cwd=ROOT,
        env=env,
    )
    # The worker draws the forms in child processes (archive.py): the tree is sampled. Not
    # os.wait4's ru_maxrss: Linux keeps across exec the high-water mark of the process forked
    # from this one, so it reported this benchmark's own peak, not the worker's.
    tree_peak = largest = 0
    while True:
        pid, status, _usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        pss, peak = tree_memory(child.pid)
        tree_peak, largest = max(tree_peak, pss), max(largest, peak)
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    if status != 0 or job.state != ArchiveState.DONE:
        raise SystemExit(f"archive job {job.pk} ended {job.state}: {job.error}")
    size = job.size
    archive.archive_path(job).unlink(missing_ok=True)  # the disk is shared
    ArchiveJob.objects.filter(pk=job.pk).delete()
    return seconds, largest / MB, tree_peak / MB, size


def import_rate(nominations: list, runs: int) -> list[float]:
    """Exported bundles read back and kept as drafts, files per wall-clock second; the drafts
    are deleted after each run."""
    import io

    from manyi.documents import docx, layout, queries
    from manyi.documents.importer import read_form
    from manyi.documents.services import import_readings
    from manyi.nominations.models import Nomination

    files = [
        (f"{n.pk}.docx", docx.render(queries.nomination_sheets(n), layout.Mark()))
        for n in nominations
    ]
    owners = {n.category.kind: n.applicant for n in nominations}
    campaign = nominations[0].campaign
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        # as the import page does: every file read, then the valid ones kept (by owner here)
        readings = [read_form(io.BytesIO(content), name=name) for name, content in files]
        batches: dict = {}
        for reading, nomination in zip(readings, nominations, strict=True):
            batches.setdefault(owners[nomination.category.kind], []).append(reading)
        made = []
        for owner, batch in batches.items():
            made += import_readings(batch, campaign=campaign, owner=owner)
        samples.append(len(files) / (time.perf_counter() - started))
        created = [m.nomination.pk for m in made if m.nomination is not None]
        if len(created) != len(files):
            refused = [(m.reading.file, m.reading.problems, m.refusal) for m in made]
            say(f"import: {len(created)} of {len(files)} imported: {refused[:3]}")
        Nomination.objects.filter(pk__in=created).delete()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="sqlite:///… or postgres://…")
    parser.add_argument("--quick", action="store_true", help="small campaigns (50 and 200)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each cheap measure")
    parser.add_argument(
        "--skip",
        default="",
        help="comma-separated parts not to run: docx, pdf, archive, import (while iterating)",
    )
    args = parser.parse_args()
    db = "postgresql" if args.database_url.startswith("postgres") else "sqlite"
    env = setup(args.database_url)

    from manyi.documents import docx, pdf

    small, large = (50, 200) if args.quick else (500, 2000)
    campaigns = {size: campaign_of(size) for size in (small, large)}
    sample = filed(campaigns[small], 10 if args.quick else 40)
    pdf_sample = sample[: 4 if args.quick else 10]

    skip = set(filter(None, args.skip.split(",")))
    say("docx")
    rates = generation_rate(sample, docx.render, 0 if "docx" in skip else args.runs)
    emit(
        "4. Documents",
        ".docx generated per second per core (whole bundle)",
        "docs/s",
        rates,
        "≥ 100",
        _median(rates) >= 100,
        db,
    )
    say("pdf")
    # Drawn every time: the cache of filed forms' PDFs (pdf.py) would answer from the second run.
    rates = generation_rate(
        pdf_sample, partial(pdf.render, cache=False), 0 if "pdf" in skip else args.runs
    )
    emit(
        "4. Documents",
        "PDF generated per second per core (whole bundle)",
        "docs/s",
        rates,
        "≥ 20",
        _median(rates) >= 20,
        db,
    )

    peaks = {}
    runs = [(small, ""), (large, ""), (large, ", again (filed PDFs cached)")]
    runs = [] if "archive" in skip else runs
    for size, again in runs:
        say(f"archive of {size}{again}")
        seconds, peak, tree, zip_bytes = archive_run(campaigns[size], env)
        peaks.setdefault(size, peak)
        say(
            f"archive of {size}{again}: {seconds:.0f} s, peak {peak:.0f} MB (largest process), "
            f"{tree:.0f} MB (worker and drawing processes), zip {zip_bytes / MB:.0f} MB"
        )
        emit(
            "4. Documents",
            f"campaign archive of {size} nominations{again} (task worker): time",
            "s",
            [seconds],
            "≤ 120" if size == large else "",
            seconds <= 120,
            db,
        )
        emit(
            "4. Documents",
            f"campaign archive of {size} nominations{again}: peak memory of one process",
            "MB",
            [peak],
            "≤ 300",
            peak <= 300,
            db,
        )
        emit(
            "4. Documents",
            f"campaign archive of {size} nominations{again}: peak memory, worker and its "
            "drawing processes together",
            "MB",
            [tree],
            "",
            True,
            db,
        )
    flat = not peaks or peaks[large] <= peaks[small] * 1.15 + 10
    emit(
        "4. Documents",
        f"archive peak memory at {large} ÷ at {small}",
        "×",
        [peaks[large] / peaks[small]] if peaks else [],
        "≈ 1 (flat in N)",
        flat,
        db,
    )

    say("import")
    rates = import_rate(sample, 0 if "import" in skip else args.runs)
    emit(
        "5. Import",
        "filled .docx forms read and kept as drafts per second",
        "files/s",
        rates,
        "≥ 50",
        _median(rates) >= 50,
        db,
    )


if __name__ == "__main__":
    main()
