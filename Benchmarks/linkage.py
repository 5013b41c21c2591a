#!/usr/bin/env python3
"""Linkage attack B against the files of a Rida database, before and after a change of design.

Usage: python3 Benchmarks/linkage.py [BEFORE_RIDA] AFTER_RIDA [--responses N] [--months M] [--seed S]

For each binary, on a fresh database in a temporary directory, `rida demo` writes synthetic data
(the newer design also gives every invitation a case reference such as REQ-2026-000417 and writes,
with --case-log, what the issuing case system knows). Then attacker B plays:

  B holds every file Rida writes (here: the database) but not the server secret, and also the case
  system's own log: which reference received which invitation (its token), when (to the second),
  in which unit (department, channel, segment, service), with its expiry.

For each invitation in its log, B finds out what the database still says about it: the token's
SHA-256 looked up in every table; an open invitation row matched by issue time and unit; the
per-day invitation cells (issued, answered) of its day of issue and unit, which tell B that every
invitation of a cell was answered when answered + the known unanswered = issued. For each
invitation B knows to be answered, the compatible responses are those of the same unit on a day the
database still allows: the day of use where it is kept, else any day from issue to expiry. A
response is singled out when it is the only compatible one of such an invitation, also after
removing responses already singled out for another invitation (each response answers one
invitation). The table shows the share of responses (from invitations) B singles out, and the
share attacker A (the files alone) links by day x unit where the database keeps used invitations.

An older binary without --case-log keeps the answered invitation's row with its token's plain
SHA-256, issue time and unit: exactly the log B would hold (but the reference), so B's log is read
from that table. Python standard library only.
"""

import argparse
import bisect
import collections
import csv
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OFFSET = 3 * 3600  # Asia/Riyadh, UTC+3 all year
CANDIDATE_LIMIT = 500  # invitations with more compatible responses than this are not tracked one by one


def day_of(seconds):
    return (seconds + OFFSET) // 86400


def day_number(text):
    return int(time.mktime(time.strptime(text, "%Y-%m-%d")) - time.timezone) // 86400


def run(binary, *arguments, cwd):
    return subprocess.run([binary, *arguments], cwd=cwd, capture_output=True, text=True, check=False)


class Scenario:
    def __init__(self, label, binary, args, seeds):
        self.seeds = seeds
        self.label = label
        self.binary = os.path.abspath(binary)
        self.args = args
        self.directory = tempfile.mkdtemp(prefix="rida-linkage-")
        self.db = os.path.join(self.directory, "rida.sqlite")
        self.case_log = os.path.join(self.directory, "case-log.csv")

    def build(self):
        seeds = self.seeds
        supports_log = "--case-log" in run(self.binary, "demo", "--help", cwd=self.directory).stdout
        arguments = ["demo", "--db", self.db, "--seeds", seeds, "--responses", str(self.args.responses), "--months", str(self.args.months),
                     "--seed", str(self.args.seed), "--end-month", self.args.end_month]
        if supports_log:
            arguments += ["--case-log", self.case_log]
        started = time.monotonic()
        result = run(self.binary, *arguments, cwd=self.directory)
        if result.returncode != 0:
            sys.exit(f"{self.label}: rida demo failed: {result.stderr.strip()[:500]}")
        self.seconds = time.monotonic() - started
        self.supports_log = supports_log

    def load(self):
        connection = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        self.tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        codes = {}
        for table in ("department", "channel", "segment", "service"):
            codes[table] = {row[0]: row[1] for row in connection.execute(f"SELECT id, code FROM {table}")}
        codes["segment"][0] = ""
        codes["service"][0] = ""

        def unit(department, channel, segment, service):
            return (codes["department"][department], codes["channel"][channel], codes["segment"][segment or 0], codes["service"][service or 0])

        self.responses = [
            (row[0], day_number(row[1]), unit(*row[2:6]))
            for row in connection.execute(
                "SELECT id, day, department_id, channel_id, segment_id, service_id FROM response WHERE source = 'invitation'")
        ]
        self.cells = {
            (row[0], unit(*row[1:5])): (row[5], row[6])
            for row in connection.execute(
                "SELECT day, department_id, channel_id, segment_id, service_id, issued, answered FROM invitation_cell_unit")
        }
        columns = {row[1] for row in connection.execute("PRAGMA table_info(invitation)")}
        has_used = "used_at" in columns
        self.rows = {}  # token hash -> (used day or None, state)
        self.open_rows = collections.Counter()  # (issued_at, unit) of rows still in the invitation table
        for row in connection.execute(
            f"SELECT token_hash, issued_at, expires_at, department_id, channel_id, segment_id, service_id, "
            f"{'used_at' if has_used else 'NULL'}, revoked_at FROM invitation"
        ):
            used_at = row[7]
            self.rows[bytes(row[0])] = (day_of(used_at) if used_at is not None else None, "used" if used_at is not None else "unanswered")
            if used_at is None:
                self.open_rows[(row[1], unit(*row[3:7]))] += 1
        if "spent_invitation" in self.tables:
            for token_hash, state in connection.execute("SELECT token_hash, state FROM spent_invitation"):
                self.rows[bytes(token_hash)] = (None, "used" if state == "used" else "unanswered")
        # The case system's log.
        self.log = []
        if self.supports_log:
            with open(self.case_log, newline="", encoding="utf-8") as handle:
                for entry in csv.DictReader(handle):
                    self.log.append((
                        hashlib.sha256(entry["token"].encode()).digest(), int(entry["issuedAt"]), int(entry["expiresAt"]),
                        (entry["department"], entry["channel"], entry["segment"], entry["service"])))
        else:
            # The older design keeps every invitation's row: plain token hash, issue time, unit.
            for row in connection.execute(
                "SELECT token_hash, issued_at, expires_at, department_id, channel_id, segment_id, service_id FROM invitation"
            ):
                self.log.append((bytes(row[0]), row[1], row[2], unit(*row[3:7])))
        connection.close()

    def attack_a(self):
        """A alone: a response that is the only one, and the only used invitation, of its use day x unit."""
        used = collections.Counter()
        connection = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        columns = {row[1] for row in connection.execute("PRAGMA table_info(invitation)")}
        if "used_at" in columns:
            for row in connection.execute(
                "SELECT used_at, department_id, channel_id, IFNULL(segment_id, 0), IFNULL(service_id, 0) FROM invitation WHERE used_at IS NOT NULL"
            ):
                used[(day_of(row[0]), row[1:])] += 1
            ids = connection.execute(
                "SELECT day, department_id, channel_id, IFNULL(segment_id, 0), IFNULL(service_id, 0) FROM response WHERE source = 'invitation'"
            ).fetchall()
            per = collections.Counter((day_number(row[0]), row[1:]) for row in ids)
            linked = sum(1 for key, count in per.items() if count == 1 and used.get(key) == 1)
        else:
            linked = 0
        connection.close()
        return linked

    def attack_b(self):
        now = int(time.time())
        last_day = max((day for _, day, _ in self.responses), default=0)
        # What the database says about each logged invitation.
        status = []  # per log entry: ("used", day or None) / ("unanswered",) / ("unknown",)
        open_left = collections.Counter(self.open_rows)
        for token_hash, issued_at, expires_at, unit in self.log:
            if token_hash in self.rows:
                used_day, state = self.rows[token_hash]
                status.append(("used", used_day) if state == "used" else ("unanswered",))
            elif open_left[(issued_at, unit)] > 0:
                open_left[(issued_at, unit)] -= 1
                status.append(("unanswered",))
            else:
                status.append(("unknown",))
        # Open rows kept to the day: when a day x unit holds as many open rows as B has invitations
        # there that may still be open, all of those are open.
        open_by_day = collections.Counter()
        for (issued_at, unit), count in open_left.items():
            open_by_day[(day_of(issued_at), unit)] += count
        maybe_open = collections.defaultdict(list)
        for index, (_, issued_at, expires_at, unit) in enumerate(self.log):
            if status[index][0] == "unknown" and expires_at > now:
                maybe_open[(day_of(issued_at), unit)].append(index)
        for key, members in maybe_open.items():
            if open_by_day[key] >= len(members):
                for index in members:
                    status[index] = ("unanswered",)
        # The cells: answered per day of issue and unit.
        by_cell = collections.defaultdict(list)
        for index, (_, issued_at, _, unit) in enumerate(self.log):
            by_cell[(day_of(issued_at), unit)].append(index)
        for key, members in by_cell.items():
            issued, answered = self.cells.get(key, (len(members), None))
            if answered is None:
                continue
            known_used = sum(1 for index in members if status[index][0] == "used")
            unknown = [index for index in members if status[index][0] == "unknown"]
            if unknown and answered - known_used == len(unknown):
                for index in unknown:
                    status[index] = ("used", None)
            elif unknown and answered - known_used == 0:
                for index in unknown:
                    status[index] = ("unanswered",)
        # Compatible responses of each invitation known to be answered.
        by_unit = collections.defaultdict(list)
        for response_id, day, unit in self.responses:
            by_unit[unit].append((day, response_id))
        for unit in by_unit:
            by_unit[unit].sort()
        candidates = {}
        known = 0
        for index, (_, issued_at, expires_at, unit) in enumerate(self.log):
            if status[index][0] != "used":
                continue
            known += 1
            used_day = status[index][1]
            first, last = (used_day, used_day) if used_day is not None else (day_of(issued_at), min(day_of(expires_at), last_day))
            days = by_unit.get(unit, [])
            low = bisect.bisect_left(days, (first, -(1 << 63)))
            high = bisect.bisect_right(days, (last, 1 << 63))
            if high - low <= CANDIDATE_LIMIT:
                candidates[index] = {response_id for _, response_id in days[low:high]}
        # Elimination: a response singled out for one invitation is not another's.
        singled = set()
        changed = True
        while changed:
            changed = False
            for index, options in candidates.items():
                remaining = options - singled
                if len(remaining) == 1:
                    singled |= remaining
                    candidates[index] = set()
                    changed = True
                else:
                    candidates[index] = remaining
        return known, len(singled)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binaries", nargs="+", help="one rida binary (after), or two (before, after)")
    parser.add_argument("--responses", type=int, default=20_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--end-month", default=time.strftime("%Y-%m", time.gmtime(time.time() + OFFSET)))
    parser.add_argument("--keep", action="store_true", help="keep the temporary databases")
    parser.add_argument("--before-seeds", help="the configuration the older binary reads (default: seeds/ of this checkout; "
                        "an older build may not know newer keys: `git archive REV seeds | tar -x -C DIR`)")
    args = parser.parse_args()
    if len(args.binaries) > 2:
        parser.error("one or two binaries")
    labels = ["before", "after"] if len(args.binaries) == 2 else ["after"]
    rows = []
    for label, binary in zip(labels, args.binaries):
        seeds = args.before_seeds if label == "before" and args.before_seeds else os.path.join(ROOT, "seeds")
        scenario = Scenario(label, binary, args, os.path.join(seeds, "seeds") if os.path.isdir(os.path.join(seeds, "seeds")) else seeds)
        scenario.build()
        scenario.load()
        linked_a = scenario.attack_a()
        known, singled = scenario.attack_b()
        responses = len(scenario.responses)
        rows.append((label, responses, len(scenario.log), known, singled, linked_a, scenario.supports_log))
        if args.keep:
            print(f"{label}: kept {scenario.directory}", file=sys.stderr)
        else:
            shutil.rmtree(scenario.directory, ignore_errors=True)
    print(f"linkage attack B: demo --responses {args.responses} --months {args.months} --seed {args.seed} --end-month {args.end_month}")
    print(f"{'design':8} {'responses':>9} {'B log':>7} {'B knows answered':>17} {'B singles out':>14} {'share':>7} {'A links':>8} {'share':>7}")
    for label, responses, logged, known, singled, linked_a, _ in rows:
        share = 100 * singled / responses if responses else 0
        share_a = 100 * linked_a / responses if responses else 0
        print(f"{label:8} {responses:9d} {logged:7d} {known:17d} {singled:14d} {share:6.1f}% {linked_a:8d} {share_a:6.1f}%")
    if any(not row[6] for row in rows):
        print("(a binary without `demo --case-log`: B's log read from its invitation table, which keeps every invitation's token hash, issue time and unit)")


if __name__ == "__main__":
    main()
