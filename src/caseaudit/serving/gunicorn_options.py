"""The settings `caseaudit serve` gives gunicorn, from its options and the machine it runs on."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

DEFAULT_BIND = "127.0.0.1:8000"
DEFAULT_TIMEOUT = 60
# gunicorn's rule of thumb is 2 workers a CPU, plus one; at least 2, so that one slow page (a committee
# paper, an export) never stops everyone else's, and at most 8, each a copy of Django with its database
# connection: past that the database, not the workers, is what a council's few dozen users wait for.
MIN_WORKERS, MAX_WORKERS = 2, 8
# A worker is replaced after about this many requests (spread by the jitter, so they are not all replaced
# at once): whatever memory a large export or import left behind goes with it.
MAX_REQUESTS, MAX_REQUESTS_JITTER = 1000, 100
# Workers tell the master they are alive by touching a file; on a disk that stalls (a busy volume, a
# container's overlay) the master would kill healthy workers, so the file goes in memory where there is one.
SHARED_MEMORY = Path("/dev/shm")  # noqa: S108 (a folder gunicorn makes its own file in, not ours)
# The addresses gunicorn takes X-Forwarded-Proto from when the service is behind a proxy, unless
# FORWARDED_ALLOW_IPS names others: a proxy on the same machine.
LOCAL_PROXY = "127.0.0.1,::1"


def available_cpus() -> int:
    """The CPUs this process may run on (a container may have fewer than the machine)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers(cpus: int) -> int:
    return max(MIN_WORKERS, min(MAX_WORKERS, 2 * cpus + 1))


def gunicorn_options(
    *,
    bind: str = DEFAULT_BIND,
    workers: int | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    behind_proxy: bool = False,
    cpus: int = 1,
    environ: Mapping[str, str] = os.environ,
    shared_memory: Path = SHARED_MEMORY,
) -> dict[str, object]:
    """gunicorn's settings by name. `workers` None means as many as the CPUs suit."""
    options: dict[str, object] = {
        "bind": [bind],
        "workers": workers or default_workers(cpus),
        "worker_class": "sync",
        "timeout": timeout,
        # On SIGTERM or a restart, a request already running may take as long as it would have had.
        "graceful_timeout": timeout,
        "max_requests": MAX_REQUESTS,
        "max_requests_jitter": MAX_REQUESTS_JITTER,
        # Django is loaded once, before the workers are forked: they share its memory, start at once when
        # replaced, and a broken configuration stops the server at start rather than every worker in turn.
        "preload_app": True,
        "proc_name": "caseaudit",
        "errorlog": "-",
        "loglevel": "info",
        # Our own line (caseaudit.serving.request_log), on stderr with gunicorn's own messages.
        "accesslog": "-",
        "logger_class": "caseaudit.serving.request_log.RequestLogger",
        # gunicorn does not count what it sends with sendfile(), so the log would say 0 bytes for every
        # static file; they are few and small, and a browser keeps them.
        "sendfile": False,
        # gunicorn's control socket has one default path for every server a user runs; caseaudit is
        # managed with signals (TERM, HUP, TTIN, TTOU), as the operations guide says.
        "control_socket_disable": True,
        # Trust a proxy's word that the request came over HTTPS only when the service is said to be
        # behind one; otherwise from nobody, not even this machine.
        "forwarded_allow_ips": environ.get("FORWARDED_ALLOW_IPS", LOCAL_PROXY) if behind_proxy else "",
    }
    if shared_memory.is_dir():
        options["worker_tmp_dir"] = str(shared_memory)
    return options
