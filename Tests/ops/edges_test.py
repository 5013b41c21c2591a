#!/usr/bin/env python3
"""The operator's edges, against a built `rida`:

1. Slow clients (bounded slowloris): 200 connections that send their head, their body, or nothing
   at a crawl are closed after the configured deadlines, while a normal client is served
   throughout, each request within a second.
2. The connection limit: with every slot held by silent clients, a new one waits in the backlog
   and is served once the idle deadline frees a slot.
3. Readiness: `/readyz` answers 503 with the reason when the database's file system is full
   (a small tmpfs filled up), and 200 again once space is freed; `/healthz` stays 200
   (liveness). A database on a read-only file system is refused at start, naming the file. Needs root for the mounts; without it that part is skipped
   with a message, and the Swift tests still cover the free-space threshold.

Usage: python3 Tests/ops/edges_test.py PATH/TO/rida
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RIDA = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(REPO, ".build/debug/rida")
SEEDS = os.path.join(REPO, "seeds")
TEMPLATES = os.path.join(REPO, "Templates")
failures = []


def check(condition, message):
    print(("PASS " if condition else "FAIL ") + message)
    if not condition:
        failures.append(message)


def rida(*args, **kwargs):
    return subprocess.run([RIDA, *args, "--seeds", SEEDS], capture_output=True, text=True, **kwargs)


def serve(db, *extra):
    process = subprocess.Popen(
        [RIDA, "serve", "--db", db, "--seeds", SEEDS, "--templates", TEMPLATES, "--port", "0", "--base-url", "https://survey.test",
         "--reports", os.path.join(os.path.dirname(db), "Reports"), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=dict(os.environ, LOG_LEVEL="warning"))
    deadline = time.time() + 60
    text = ""
    while time.time() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        text += line
        match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if match:
            threading.Thread(target=lambda: process.stdout.read(), daemon=True).start()
            return process, int(match.group(1))
    process.kill()
    raise SystemExit(f"rida serve did not start:\n{text}")


def get(port, path, timeout=5):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def slow_clients(work):
    db = os.path.join(work, "slow.sqlite")
    rida("init", "--db", db, check=True)
    process, port = serve(db, "--header-timeout", "2", "--body-timeout", "3", "--idle-timeout", "4")
    try:
        kinds = {"nothing": [], "head": [], "body": []}
        closed_after = {kind: [] for kind in kinds}

        def crawl(kind):
            started = time.time()
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=30)
                if kind == "head":
                    payload = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100
                elif kind == "body":
                    sock.sendall(b"POST /s/7K3M9QXRZD2F8W4T6V1B5N0HJC HTTP/1.1\r\nHost: x\r\n"
                                 b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n")
                    payload = b"a" * 200
                else:
                    payload = b""
                for byte in payload:
                    sock.sendall(bytes([byte]))
                    time.sleep(0.25)
                sock.settimeout(30)
                while sock.recv(4096):
                    pass
            except OSError:
                pass
            closed_after[kind].append(time.time() - started)

        threads = []
        for index in range(200):
            kind = ["nothing", "head", "body"][index % 3]
            thread = threading.Thread(target=crawl, args=(kind,), daemon=True)
            thread.start()
            threads.append(thread)
        # A normal client throughout.
        latencies = []
        statuses = set()
        until = time.time() + 8
        while time.time() < until:
            started = time.time()
            status, _ = get(port, "/healthz")
            statuses.add(status)
            latencies.append(time.time() - started)
            time.sleep(0.1)
        for thread in threads:
            thread.join(timeout=30)
        check(statuses == {200}, f"a normal client is answered throughout ({len(latencies)} requests, statuses {sorted(statuses)})")
        check(max(latencies) < 1.0, f"each of its requests within a second (slowest {max(latencies):.3f} s)")
        limits = {"nothing": 4, "head": 2, "body": 3}
        for kind, times in closed_after.items():
            check(len(times) > 0 and max(times) < limits[kind] + 2.5,
                  f"slow '{kind}' connections are closed after their {limits[kind]} s deadline "
                  f"(n={len(times)}, latest after {max(times) if times else float('nan'):.1f} s)")
        alive = [t for t in threads if t.is_alive()]
        check(not alive, f"no slow connection is left open ({len(alive)})")
        metrics = get(port, "/metrics")
        check(process.poll() is None, "the server is still running")
    finally:
        process.terminate()
        process.wait(timeout=30)


def connection_limit(work):
    """With every connection slot held by silent clients, a new client waits in the backlog and
    is served as soon as the idle deadline frees a slot — not refused, not left hanging."""
    db = os.path.join(work, "limit.sqlite")
    rida("init", "--db", db, check=True)
    process, port = serve(db, "--max-connections", "4", "--idle-timeout", "2")
    try:
        holders = [socket.create_connection(("127.0.0.1", port)) for _ in range(4)]
        time.sleep(0.3)
        started = time.time()
        status, _ = get(port, "/healthz", timeout=15)
        waited = time.time() - started
        check(status == 200 and 1.0 <= waited < 6,
              f"with 4 of 4 connections held, a fifth client is served once the idle deadline frees one ({status} after {waited:.1f} s)")
        started = time.time()
        status, _ = get(port, "/healthz")
        check(status == 200 and time.time() - started < 1, "and once the silent ones are gone, at once")
        for holder in holders:
            holder.close()
    finally:
        process.terminate()
        process.wait(timeout=30)


def readiness(work):
    if os.geteuid() != 0:
        print("SKIP readiness on a full and a read-only file system: needs root for a tmpfs mount")
        return
    mount = os.path.join(work, "small-disk")
    os.makedirs(mount)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mount]).returncode != 0:
        print("SKIP readiness on a full and a read-only file system: mount is not permitted here")
        return
    process = None
    try:
        db = os.path.join(mount, "rida.sqlite")
        rida("init", "--db", db, check=True)
        process, port = serve(db, "--min-free-disk-mb", "4")
        status, body = get(port, "/readyz")
        check(status == 200 and json.loads(body)["status"] == "ready", f"ready on an empty small disk ({status} {body})")
        # Fill the disk up to the last megabyte or so.
        with open(os.path.join(mount, "filler"), "wb") as filler:
            try:
                while True:
                    filler.write(b"\0" * 1048576)
                    filler.flush()
            except OSError:
                pass
        status, body = get(port, "/readyz")
        reason = json.loads(body).get("reason", "")
        check(status == 503 and "free disk space" in reason, f"503 on a full disk, with the reason ({status} {reason})")
        check(get(port, "/healthz")[0] == 200, "/healthz stays 200 on a full disk (liveness)")
        os.remove(os.path.join(mount, "filler"))
        status, _ = get(port, "/readyz")
        check(status == 200, f"ready again once space is freed ({status})")
        process.terminate()
        process.wait(timeout=30)
        process = None
        # A read-only file system: the same database through a read-only bind mount. SQLite
        # cannot open it for writing, and the server refuses to start, naming the file, instead
        # of serving pages whose answers could never be stored.
        view = os.path.join(work, "read-only-view")
        os.makedirs(view)
        subprocess.run(["mount", "--bind", mount, view], check=True)
        try:
            subprocess.run(["mount", "-o", "remount,bind,ro", view], check=True)
            started = subprocess.run(
                [RIDA, "serve", "--db", os.path.join(view, "rida.sqlite"), "--seeds", SEEDS, "--templates", TEMPLATES, "--port", "0",
                 "--base-url", "https://survey.test"], capture_output=True, text=True, timeout=60)
            check(started.returncode != 0 and os.path.join(view, "rida.sqlite") in started.stderr,
                  f"serve refuses a read-only database, naming it ({started.returncode}: {started.stderr.strip()[:160]})")
        finally:
            subprocess.run(["umount", "-l", view])
    finally:
        if process:
            process.terminate()
            process.wait(timeout=30)
        subprocess.run(["umount", "-l", mount])


def main():
    work = tempfile.mkdtemp(prefix="rida-edges-")
    try:
        slow_clients(work)
        connection_limit(work)
        readiness(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"{len(failures)} check(s) failed")
        sys.exit(1)
    print("edges: all checks passed")


if __name__ == "__main__":
    main()
