#!/usr/bin/env python3
"""Crash test: kill -9 a loaded `rida serve` again and again, then prove nothing was lost.

Several client threads submit survey answers continuously (each POST a fresh one-time token)
and record every acknowledged submission (a 303 to /s/{token}/thanks). At random moments the
server is killed with SIGKILL and started again. Finally, with the server killed once more
under load:

  - PRAGMA integrity_check is ok;
  - every acknowledged token's invitation is marked used;
  - the responses from invitations are exactly as many as the used invitations (no invitation
    used without its response, no response without its invitation);
  - `rida analyze check` finds the per-day cells equal to the raw rows.

Python 3 standard library only. Exit code 0 when every check passes, 1 otherwise.

Usage: python3 Benchmarks/crash-test.py PATH/TO/rida [--kills 20] [--clients 8]
"""

import argparse
import collections
import csv
import hashlib
import hmac
import http.client
import io
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BATCH = 10_000  # the most `rida issue` gives at once


def token_hash(token):
    """SHA-256 of the token's canonical (upper-case) form, as InvitationToken.hash computes it."""
    return hashlib.sha256(token.upper().encode("utf-8")).digest()


def stored_token_hash(token, secret):
    """What the database keeps: the token's SHA-256 keyed with the server secret (HMAC-SHA256)."""
    return hmac.new(secret, token_hash(token), hashlib.sha256).digest()


def read_secret(db):
    """The server secret from the key file beside the database (64 hex digits)."""
    with open(db + ".key", encoding="ascii") as handle:
        return bytes.fromhex(handle.read().strip())


class Run:
    def __init__(self, args):
        self.args = args
        self.rida = os.path.abspath(args.rida)
        self.work = tempfile.mkdtemp(prefix="rida-crash-")
        self.db = os.path.join(self.work, "rida.sqlite")
        self.random = random.Random(args.seed)
        self.lock = threading.Lock()
        self.fresh = collections.deque()  # tokens never posted
        self.retry = collections.deque()  # posted, but the answer was lost with the server
        self.acknowledged = set()
        self.unavailable = 0  # 503 answers (allowed: the token must then stay unused or be retried)
        self.unexpected = collections.Counter()  # any other answer
        self.posted = 0
        self.port = None
        self.server = None
        self.starts = 0
        self.restart_seconds = []
        self.stop = threading.Event()
        self.issued = 0
        self.issue_errors = []

    # --- the rida command line -------------------------------------------------------------

    def command(self, *arguments, check=True):
        result = subprocess.run([self.rida, *arguments], capture_output=True, text=True)
        if check and result.returncode != 0:
            raise SystemExit(f"rida {' '.join(arguments)} failed ({result.returncode}):\n{result.stderr}")
        return result

    def issue(self):
        result = self.command(
            "issue", "--db", self.db, "--seeds", self.args.seeds, "--department", "registration", "--channel", "office",
            "--count", str(BATCH), "--format", "csv", "--base-url", "https://survey.test", check=False)
        if result.returncode != 0:
            return result.stderr.strip() or f"exit code {result.returncode}"
        rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
        with self.lock:
            self.fresh.extend(row["token"] for row in rows)
            self.issued += len(rows)
        return None

    def refill(self):
        """Issues more invitations while the server runs, whenever fresh ones run low."""
        while not self.stop.is_set():
            with self.lock:
                low = len(self.fresh) < BATCH // 2
            if low:
                error = self.issue()
                if error:
                    self.issue_errors.append(error)
                    time.sleep(0.5)
            else:
                time.sleep(0.1)

    # --- the server -------------------------------------------------------------------------

    def start_server(self):
        started = time.monotonic()
        self.starts += 1
        log_path = os.path.join(self.work, f"serve-{self.starts}.log")
        log = open(log_path, "w")
        environment = dict(os.environ, LOG_LEVEL="warning")
        self.server = subprocess.Popen(
            [self.rida, "serve", "--db", self.db, "--seeds", self.args.seeds, "--templates", self.args.templates,
             "--host", "127.0.0.1", "--port", "0", "--base-url", "https://survey.test", "--synchronous", self.args.synchronous,
             "--reports", os.path.join(self.work, "Reports")],
            stdout=log, stderr=subprocess.STDOUT, env=environment)
        log.close()
        deadline = time.monotonic() + 60
        port = None
        while port is None and time.monotonic() < deadline:
            if self.server.poll() is not None:
                break
            with open(log_path) as text:
                match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", text.read())
            if match:
                port = int(match.group(1))
            else:
                time.sleep(0.02)
        if port is None:
            with open(log_path) as text:
                raise SystemExit(f"the server did not start (start {self.starts}):\n{text.read()}")
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.02)
        else:
            raise SystemExit(f"/healthz did not answer 200 after start {self.starts}")
        with self.lock:
            self.port = port
        self.restart_seconds.append(time.monotonic() - started)

    def kill_server(self):
        with self.lock:
            self.port = None
        self.server.send_signal(signal.SIGKILL)
        self.server.wait()

    # --- clients ----------------------------------------------------------------------------

    def next_token(self):
        with self.lock:
            if self.port is None:
                return None, None
            if self.retry:
                return self.retry.popleft(), self.port
            if self.fresh:
                return self.fresh.popleft(), self.port
            return None, None

    def client(self, seed):
        generator = random.Random(seed)
        while not self.stop.is_set():
            token, port = self.next_token()
            if token is None:
                time.sleep(0.01)
                continue
            body = (
                f"overall={generator.randint(1, 5)}&courtesy={generator.randint(1, 5)}&ease={generator.randint(1, 7)}"
                f"&recommend={generator.randint(0, 10)}&lang=en")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request(
                    "POST", f"/s/{token}", body=body,
                    headers={"Content-Type": "application/x-www-form-urlencoded", "Connection": "close"})
                response = connection.getresponse()
                response.read()
                status, location = response.status, response.getheader("Location", "")
                connection.close()
            except (OSError, http.client.HTTPException):
                # The server died with the request: the outcome is unknown; ask again later.
                with self.lock:
                    self.retry.append(token)
                time.sleep(0.01)
                continue
            with self.lock:
                self.posted += 1
                if status == 303 and location.startswith(f"/s/{token}/thanks"):
                    self.acknowledged.add(token)
                elif status == 503:
                    self.unavailable += 1
                    self.retry.append(token)
                else:
                    self.unexpected[status] += 1

    # --- the run ----------------------------------------------------------------------------

    def run(self):
        self.command("init", "--db", self.db, "--seeds", self.args.seeds)
        for _ in range(2):
            error = self.issue()
            if error:
                raise SystemExit(f"rida issue failed: {error}")
        self.start_server()
        threads = [threading.Thread(target=self.client, args=(self.args.seed * 1000 + n,), daemon=True)
                   for n in range(self.args.clients)]
        threads.append(threading.Thread(target=self.refill, daemon=True))
        for thread in threads:
            thread.start()
        started = time.monotonic()
        for kill in range(1, self.args.kills + 1):
            time.sleep(self.random.uniform(self.args.min_interval, self.args.max_interval))
            self.kill_server()
            if kill < self.args.kills:
                self.start_server()
            print(f"kill {kill:3d}/{self.args.kills}: {len(self.acknowledged)} acknowledged so far", file=sys.stderr, flush=True)
        # The last kill hit the server under load; it stays down for the checks.
        self.stop.set()
        for thread in threads:
            thread.join(timeout=60)
        self.seconds = time.monotonic() - started
        return self.verify()

    def verify(self):
        connection = sqlite3.connect(self.db)
        integrity = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        # An answered invitation leaves only its keyed token hash, marked used.
        used = {row[0] for row in connection.execute("SELECT token_hash FROM spent_invitation WHERE state = 'used'")}
        responses = connection.execute("SELECT count(*) FROM response WHERE source = 'invitation'").fetchone()[0]
        issued = connection.execute("SELECT (SELECT count(*) FROM invitation) + (SELECT count(*) FROM spent_invitation)").fetchone()[0]
        connection.close()
        secret = read_secret(self.db)
        lost = [token for token in self.acknowledged if stored_token_hash(token, secret) not in used]
        check = self.command("analyze", "check", "--db", self.db, "--seeds", self.args.seeds, check=False)
        cells_exact = check.returncode == 0 and "Cells exact" in check.stdout

        failures = []
        if integrity != ["ok"]:
            failures.append(f"integrity_check: {'; '.join(integrity[:5])}")
        if lost:
            failures.append(f"{len(lost)} acknowledged submission(s) not marked used, e.g. {lost[0]}")
        if len(used) != responses:
            failures.append(f"{len(used)} used invitations but {responses} responses from invitations")
        if not cells_exact:
            failures.append(f"rida analyze check: {(check.stderr or check.stdout).strip()[:500]}")
        if self.unexpected:
            failures.append(f"unexpected answers: {dict(self.unexpected)}")
        if self.starts < self.args.kills:
            failures.append(f"only {self.starts} starts for {self.args.kills} kills")

        restart = sorted(self.restart_seconds[1:]) or [0]
        rows = [
            ("kills (SIGKILL under load)", self.args.kills),
            ("client threads", self.args.clients),
            ("synchronous", self.args.synchronous),
            ("seconds under load", f"{self.seconds:.1f}"),
            ("invitations issued", issued),
            ("POSTs answered", self.posted),
            ("acknowledged (303)", len(self.acknowledged)),
            ("503 answers (retried)", self.unavailable),
            ("other answers", sum(self.unexpected.values())),
            ("answer lost in a kill, pending", len(self.retry)),
            ("invitations used", len(used)),
            ("responses from invitations", responses),
            ("acknowledged but not used", len(lost)),
            ("restart to /healthz, median s", f"{restart[len(restart) // 2]:.2f}"),
            ("integrity_check", "; ".join(integrity[:3])),
            ("cells (rida analyze check)", "exact" if cells_exact else "DIFFER"),
        ]
        width = max(len(name) for name, _ in rows)
        print(f"{'check':<{width}}  value")
        print(f"{'-' * width}  {'-' * 12}")
        for name, value in rows:
            print(f"{name:<{width}}  {value}")
        if self.issue_errors:
            print(f"(rida issue failed {len(self.issue_errors)} time(s) while serving and was retried: {self.issue_errors[0][:200]})")
        if failures:
            print("FAIL")
            for failure in failures:
                print(f"  - {failure}")
            print(f"database and server logs kept in {self.work}")
            return 1
        print("PASS")
        if self.args.keep:
            print(f"database and server logs kept in {self.work}")
        else:
            shutil.rmtree(self.work, ignore_errors=True)
        return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rida", help="path of the rida executable (a release build)")
    parser.add_argument("--kills", type=int, default=20, help="SIGKILLs under load (default 20)")
    parser.add_argument("--clients", type=int, default=8, help="client threads submitting (default 8)")
    parser.add_argument("--min-interval", type=float, default=0.3, help="shortest time between kills, seconds")
    parser.add_argument("--max-interval", type=float, default=2.0, help="longest time between kills, seconds")
    parser.add_argument("--synchronous", choices=["full", "normal"], default="full", help="the server's synchronous level")
    parser.add_argument("--seeds", default=os.path.join(ROOT, "seeds"))
    parser.add_argument("--templates", default=os.path.join(ROOT, "Templates"))
    parser.add_argument("--seed", type=int, default=int(time.time()), help="random seed of the kill times and answers")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database and logs")
    args = parser.parse_args()
    if args.kills < 1 or args.clients < 1 or not 0 < args.min_interval <= args.max_interval:
        parser.error("--kills and --clients must be positive, and 0 < --min-interval <= --max-interval")
    run = Run(args)
    try:
        sys.exit(run.run())
    finally:
        if run.server is not None and run.server.poll() is None:
            run.server.kill()
            run.server.wait()


if __name__ == "__main__":
    main()
