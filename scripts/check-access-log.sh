#!/usr/bin/env bash
# The access log's chain, end to end, on a throwaway SQLite database: a generated log verifies; a read made
# while another process holds the write lock (a long import) still succeeds and joins the chain; and an
# entry edited behind the service's back is caught, by id, with a non-zero exit. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
export CASEAUDIT_DEMO=1 CASEAUDIT_DATA_DIR="$data" PYTHONPATH=src
unset DATABASE_URL
caseaudit() { "$BIN/python" -m caseaudit "$@"; }
database="$data/caseaudit.sqlite3"

caseaudit migrate --no-input -v 0
caseaudit demo-data --cases 60 --no-cycle >/dev/null
for _ in 1 2 3 4 5; do caseaudit export-cases >/dev/null; done
caseaudit unlock nobody >/dev/null

echo "-- a read while another process holds the database's write lock"
"$BIN/python" - "$database" "$data/log-spool/access-log.jsonl" <<'EOF'
import os, sqlite3, subprocess, sys
database, spool = sys.argv[1:]
holder = sqlite3.connect(database, isolation_level=None)
holder.execute("BEGIN IMMEDIATE")
run = subprocess.run(
    [sys.executable, "-m", "caseaudit", "export-cases", "--open-only"],
    capture_output=True, text=True, env={**os.environ, "CASEAUDIT_LOG_LOCK_SECONDS": "0.5"},
)
holder.execute("ROLLBACK")
assert run.returncode == 0, run.stderr
with open(spool) as lines:
    waiting = lines.read().splitlines()
assert len(waiting) == 1 and "open only" in waiting[0], waiting
assert oct(os.stat(spool).st_mode & 0o777) == "0o600"
EOF

echo "-- the generated log verifies (the waiting entry drained first)"
caseaudit verify-access-log | tee "$data/verified.txt"
grep -q "The access log holds 6 entries and its chain is whole." "$data/verified.txt"
test ! -s "$data/log-spool/access-log.jsonl"

echo "-- an entry edited in the database is caught"
edited=$("$BIN/python" - "$database" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
(entry,) = db.execute("SELECT id FROM accounts_accesslog WHERE seq = 3").fetchone()
db.execute("UPDATE accounts_accesslog SET detail = 'nothing to see' WHERE id = ?", (entry,))
db.commit()
print(entry)
EOF
)
if caseaudit verify-access-log >/dev/null 2>"$data/broken.txt"; then
  echo "verify-access-log passed a log with an edited entry" >&2
  exit 1
fi
grep -q "broken at entry id $edited, which has been changed" "$data/broken.txt"
echo "caught: $(cat "$data/broken.txt")"
