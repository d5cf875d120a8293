"""The load test: `python -m benchmarks.load_test [--cases N] [--users 8] [--seconds 60]`.

Builds (or reuses) the demo authority of N cases, serves it with `caseaudit serve` on 127.0.0.1, and runs
locust headless against it (benchmarks/load/locustfile.py): QA leads, auditors and team managers signed in,
browsing the register, case pages, the cycle page, My audits, audit task lists and sections (with
autosaves), compliance, reports and the committee paper, and /healthz as the floor. Prints a table and
writes JSON (docs/performance.md says what each figure is). SQLite by default; PostgreSQL when
DATABASE_URL (or --database-url) names one."""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.load import database, report
from benchmarks.load.database import Demo

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "load" / "locustfile.py"
# Added to the run's length for the last person's sign-in, after their arrival: a bound, not a timing.
ARRIVAL_SLACK_SECONDS = 5
DEMO_PASSWORD = "caseaudit-demo"  # noqa: S105 - the demo's published password (demo/authority.py)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=100_000, help="cases in the demo authority (100,000)")
    parser.add_argument("--seed", type=int, default=2018, help="the demo's seed (2018)")
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="the demo's date (today)")
    parser.add_argument("--users", type=int, default=8, help="people signed in at once (8)")
    parser.add_argument(
        "--seconds", type=int, default=60, help="how long the run lasts once everyone is in (60)"
    )
    parser.add_argument(
        "--arrive",
        type=float,
        default=2.0,
        help="seconds between one person's arrival and the next's (2; 0: all at once)",
    )
    parser.add_argument("--max-requests", type=int, default=50_000, help="stop after this many requests")
    parser.add_argument(
        "--think", type=float, default=0.5, help="mean seconds between a person's requests (0.5; 0 for none)"
    )
    parser.add_argument(
        "--floor-seconds", type=int, default=10, help="then /healthz flat out for this long (10; 0: skip)"
    )
    parser.add_argument("--workers", type=int, default=None, help="`caseaudit serve` workers (its default)")
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", ""), help="PostgreSQL (default SQLite)"
    )
    parser.add_argument(
        "--cache", type=Path, default=ROOT / "var" / "load-test", help="where built SQLite demos are kept"
    )
    parser.add_argument("--rebuild", action="store_true", help="build the demo again even if it is kept")
    parser.add_argument("--out", type=Path, default=None, help="the JSON file (default: in --cache)")
    return parser.parse_args()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our own server, 127.0.0.1)
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def _serve(env: dict[str, str], port: int, workers: int | None, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "caseaudit", "serve", "--bind", f"127.0.0.1:{port}"]
    if workers:
        command += ["--workers", str(workers)]
    with log.open("wb") as stream:
        server = subprocess.Popen(command, env=env, stdout=stream, stderr=subprocess.STDOUT)  # noqa: S603
    for _ in range(240):  # a bound on waiting for Django to load on a busy machine, not a timing
        if server.poll() is not None:
            raise SystemExit(f"caseaudit serve stopped:\n{log.read_text(errors='replace')[-3000:]}")
        if _answers(f"http://127.0.0.1:{port}/healthz"):
            return server
        time.sleep(0.5)
    server.terminate()
    raise SystemExit("caseaudit serve did not answer /healthz in two minutes")


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "caseaudit", "worker", "--verbosity", "0"]
    with log.open("wb") as stream:
        return subprocess.Popen(command, env=env, stdout=stream, stderr=subprocess.STDOUT)  # noqa: S603


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _locust(
    env: dict[str, str],
    args: argparse.Namespace,
    port: int,
    work: Path,
    *,
    seconds: int,
    classes: tuple[str, ...],
) -> subprocess.CompletedProcess[str]:
    locust = Path(sys.executable).with_name("locust")
    command = [
        str(locust) if locust.exists() else "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        f"http://127.0.0.1:{port}",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(1 / args.arrive if args.arrive else args.users),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "10",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
        *classes,
    ]
    return subprocess.run(  # noqa: S603 (the locust of this environment)
        command,
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
        timeout=seconds + 300,
        check=False,
    )


def run(args: argparse.Namespace) -> dict[str, Any]:
    demo = Demo(cases=args.cases, seed=args.seed, today=args.today or date.today())
    on_postgresql = args.database_url.startswith(("postgres://", "postgresql://"))
    with tempfile.TemporaryDirectory(prefix="caseaudit-load-") as folder:
        work = Path(folder)
        env = {
            **os.environ,
            "CASEAUDIT_DEMO": "1",  # the demo's accounts: no second factor, the published password
            "CASEAUDIT_DATA_DIR": str(work / "data"),
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH")])
            ),
        }
        env.pop("CASEAUDIT_TESTING", None)
        print(
            f"database: {'PostgreSQL' if on_postgresql else 'SQLite'}, demo of {demo.cases:,} cases",
            flush=True,
        )
        if on_postgresql:
            url = args.database_url
            built = database.postgresql_ready(url, demo, env, args.rebuild)
        else:
            url, built = database.sqlite_for_run(demo, args.cache, work, env, args.rebuild)
        env["DATABASE_URL"] = url
        print(f"demo-data: {'kept from before' if built is None else f'built in {built:.1f} s'}", flush=True)
        plan_file, times_file, server_log = work / "plan.json", work / "times.json", work / "server.log"
        plan_command = [sys.executable, "-m", "benchmarks.load.plan", "write", str(plan_file)]
        subprocess.run(plan_command, env=env, check=True)  # noqa: S603 (our own interpreter and module)
        port = _free_port()
        # As a real service runs: a job worker beside the web app, which sends the emails the people's work
        # queues (and without which /healthz fails once a queued job has waited five minutes).
        worker = _start_worker(env, work / "worker.log")
        server = _serve(env, port, args.workers, server_log)
        # Only what the server logs from now on is the run's: while it started, /healthz may have answered
        # 503 (the worker still catching up with jobs queued before), which is not an error of the run.
        ready_at = server_log.stat().st_size
        locust_env = {
            **env,
            "CASEAUDIT_LOAD_PLAN": str(plan_file),
            "CASEAUDIT_LOAD_TIMES": str(times_file),
            "CASEAUDIT_LOAD_PASSWORD": DEMO_PASSWORD,
            "CASEAUDIT_LOAD_THINK": str(args.think),
            "CASEAUDIT_LOAD_MAX_REQUESTS": str(args.max_requests),
            "CASEAUDIT_LOAD_SEED": str(args.seed),
            "CASEAUDIT_LOAD_USERS": str(args.users),
        }
        try:
            print(
                f"locust: {args.users} users, one every {args.arrive:g} s, then {args.seconds} s with "
                f"everyone in, against 127.0.0.1:{port} ...",
                flush=True,
            )
            people = ("QaLead", "Auditor", "TeamManager")
            # The run lasts while people arrive, then `--seconds` with everyone in (what the figures count).
            arriving = math.ceil(args.arrive * (args.users - 1)) + ARRIVAL_SLACK_SECONDS
            locust = _locust(locust_env, args, port, work, seconds=args.seconds + arriving, classes=people)
            flat_out = None
            if args.floor_seconds:
                print(
                    f"floor: /healthz flat out, {args.users} users for {args.floor_seconds} s ...", flush=True
                )
                floor_times = work / "floor-times.json"
                floor_env = {
                    **locust_env,
                    "CASEAUDIT_LOAD_PHASE": "floor",
                    "CASEAUDIT_LOAD_TIMES": str(floor_times),
                }
                _locust(floor_env, args, port, work, seconds=args.floor_seconds, classes=("Floor",))
                if floor_times.exists():
                    flat_out = json.loads(floor_times.read_text(encoding="utf-8"))
        finally:
            _stop(server)
            _stop(worker)
        if not times_file.exists():
            raise SystemExit(f"locust wrote no times (exit {locust.returncode}):\n{locust.stderr[-3000:]}")
        measured = json.loads(times_file.read_text(encoding="utf-8"))
        # An exception inside a simulated person (the load test's own mistake) is an error of the run too.
        locust_errors = locust.stderr.count("Traceback (most recent call last)")
        if locust_errors:
            print(locust.stderr[-3000:], file=sys.stderr)
        log_text = server_log.read_bytes()[ready_at:].decode(errors="replace")
    if measured["start"] is None:
        raise SystemExit(
            "The run ended before everyone had signed in, so there is nothing to count: "
            "give it more --seconds."
        )
    seconds = max(measured["stop"] - measured["start"], 1e-9)
    rows = report.pages(measured["times"], measured["failures"], seconds)
    findings = report.server_log_findings(log_text)
    floor = next((row for row in rows if row["page"] == report.FLOOR), None)
    flat_out_row = None
    if flat_out is not None:
        flat_seconds = max(flat_out["stop"] - (flat_out["start"] or flat_out["stop"]), 1e-9)
        flat_rows = report.pages(flat_out["times"], flat_out["failures"], flat_seconds)
        flat_out_row = flat_rows[0] if flat_rows else None
    pages_only = [row for row in rows if row["page"] not in (report.FLOOR, *report.SIGN_IN)]
    return {
        "run": {
            "database": "postgresql" if on_postgresql else "sqlite",
            "cases": demo.cases,
            "seed": demo.seed,
            "as_of": demo.today.isoformat(),
            "users": args.users,
            "seconds": round(seconds, 1),
            "think_seconds": args.think,
            "arrive_seconds": args.arrive,
            "all_in_after_seconds": round(measured["arrived_after"], 1),
            "requests_while_arriving": sum(measured["arriving"].values()),
            "workers": args.workers,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "demo_data_seconds": None if built is None else round(built, 1),
            "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        },
        "totals": {
            "requests": sum(row["requests"] for row in rows),
            "rps": round(sum(row["rps"] for row in rows), 1),
            "errors": sum(row["errors"] for row in rows),
            "load_test_errors": locust_errors,
            **findings,
            "pages_missing_target": [row["page"] for row in pages_only if row["meets_target"] is False],
        },
        "floor": floor,
        "floor_flat_out": flat_out_row,
        "pages": rows,
        "failure_samples": measured.get("failure_samples", {}),
    }


def main() -> None:
    args = _arguments()
    result = run(args)
    print()
    print(report.table(result["pages"]))
    totals = result["totals"]
    print()
    print(
        f"everyone in after {result['run']['all_in_after_seconds']:.0f} s "
        f"({result['run']['requests_while_arriving']:,} requests before that, not counted); then "
        f"{totals['requests']:,} requests, {totals['rps']:.1f}/s in {result['run']['seconds']:.0f} s; "
        f"errors {totals['errors']}, server errors {totals['server_errors']}, "
        f'"database is locked" {totals["database_locked"]}'
    )
    if result["floor"]:
        floor = result["floor"]
        print(
            f"floor (/healthz among the pages): {floor['rps']:.1f} req/s, p50 {floor['p50_ms']:.0f} ms, "
            f"p95 {floor['p95_ms']:.0f} ms"
        )
    if result["floor_flat_out"]:
        flat = result["floor_flat_out"]
        print(
            f"floor, flat out (/healthz alone, no pause): {flat['rps']:.1f} req/s, "
            f"p50 {flat['p50_ms']:.0f} ms, "
            f"p95 {flat['p95_ms']:.0f} ms"
        )
    missing = totals["pages_missing_target"]
    print(f"p95 over {report.P95_TARGET_MS:.0f} ms: {', '.join(missing) if missing else 'none'}")
    for page, samples in result["failure_samples"].items():
        print(f"  {page}: {samples[0]}")
    out = args.out or args.cache / f"result-{result['run']['database']}-{args.cases}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"written: {out}")


if __name__ == "__main__":
    main()
