"""The load test's figures: per page, requests per second and p50/p95/p99 from every request's own time
(locust's own table rounds), errors, and "database is locked" from the server's log; the table printed
and the JSON a benchmark report reads."""

from __future__ import annotations

import math
import re
from typing import Any

FLOOR = "healthz (floor)"
SIGN_IN = ("sign in (form)", "sign in")
# Targets from the issue: every page but the committee paper answers within 100 ms at the 95th percentile.
P95_TARGET_MS = 100.0
NO_TARGET = ("committee paper", *SIGN_IN)

_STATUS = re.compile(r"\" (\d{3}) \S+ \d+ms$")


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def pages(times: dict[str, list[float]], failures: dict[str, int], seconds: float) -> list[dict[str, Any]]:
    rows = []
    for name in sorted(times, key=lambda n: (n == FLOOR, n in SIGN_IN, n)):
        values = times[name]
        if not values:
            continue
        p95 = percentile(values, 0.95)
        targeted = name not in NO_TARGET and not name.startswith("healthz")
        rows.append(
            {
                "page": name,
                "requests": len(values),
                "errors": failures.get(name, 0),
                "rps": round(len(values) / seconds, 2) if seconds else 0.0,
                "p50_ms": round(percentile(values, 0.50), 1),
                "p95_ms": round(p95, 1),
                "p99_ms": round(percentile(values, 0.99), 1),
                "max_ms": round(max(values), 1),
                "target_p95_ms": P95_TARGET_MS if targeted else None,
                "meets_target": p95 < P95_TARGET_MS if targeted else None,
            }
        )
    return rows


def server_log_findings(text: str) -> dict[str, int]:
    """What the server's log says went wrong: "database is locked" anywhere, and answers of 500 and above."""
    statuses = [int(m.group(1)) for line in text.splitlines() if (m := _STATUS.search(line))]
    return {
        "database_locked": text.count("database is locked"),
        "server_errors": sum(1 for status in statuses if status >= 500),
        "tracebacks": text.count("Traceback (most recent call last)"),
    }


def table(rows: list[dict[str, Any]]) -> str:
    header = ("page", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "p95 < 100 ms")
    lines = [header]
    for row in rows:
        verdict = {None: "-", True: "yes", False: "NO"}[row["meets_target"]]
        lines.append(
            (
                row["page"],
                f"{row['requests']:,}",
                f"{row['errors']:,}",
                f"{row['rps']:.1f}",
                f"{row['p50_ms']:.0f}",
                f"{row['p95_ms']:.0f}",
                f"{row['p99_ms']:.0f}",
                f"{row['max_ms']:.0f}",
                verdict,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for number, line in enumerate(lines):
        cells = [
            line[0].ljust(widths[0]),
            *(cell.rjust(w) for cell, w in zip(line[1:], widths[1:], strict=True)),
        ]
        out.append("  ".join(cells))
        if number == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)
