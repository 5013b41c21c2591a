#!/usr/bin/env python3
"""Disclosure audit of Rida's published numbers: the attacker's linear program.

    python3 Tests/privacy/disclosure_audit.py RIDA_BINARY [--keep DIR] [--verbose]

Builds small databases with the command line (a demo and hand-made edge cases imported from
CSV), publishes what Rida publishes (analysis JSON with and without --external, a month's report
set), and then, for each artefact, does what an attacker with a solver would do: every hidden
cell's n is a variable (>= 1, or >= the threshold where the cell says `secondary`), every
published total is an equation over its member cells, and HiGHS gives the smallest and largest
value each hidden cell can take. It fails when a cell that is hidden because of its own small n
is confined below the threshold, when any hidden cell is pinned to one value, when the published
numbers contradict each other (the LP is infeasible), or when a shown number differs from the
truth computed from the database with sqlite3. See README.md beside this file.

Exit status: 0 when every check passes, 1 on any failure, 2 when the harness itself broke.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import html
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
TEMPLATES = REPO / "Templates"
TZ_OFFSET = 3 * 3600  # Asia/Riyadh, UTC+3 all year (no daylight saving time)
INVITATIONS = "invitations"  # the basis (what n counts) of response-rate: invitations issued
EPS = 1e-6
BIG = 1e7

# --------------------------------------------------------------------------------------------
# Running the binary


class HarnessError(Exception):
    pass


def run(binary: str, *args: str, cwd: Path | None = None) -> str:
    # Reports of the audit's fixed month are frozen at once, whatever today's date (the audit is
    # about what a report publishes, not about when it may be written; older builds ignore it).
    env = dict(os.environ, RIDA_SEEDS=str(SEEDS), RIDA_TEMPLATES=str(TEMPLATES), LOG_LEVEL="error", RIDA_REPORT_GRACE_DAYS="0")
    cmd = [binary, *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd or REPO, timeout=300)
    if proc.returncode != 0:
        raise HarnessError(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    return proc.stdout


# --------------------------------------------------------------------------------------------
# Databases

MONTHS6 = ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
ITEM_COLUMNS = ["overall", "courtesy", "time", "clarity", "referral", "decision", "speed", "ease", "recommend"]


def response_row(day: str, dept: str, chan: str, k: int, skip_recommend: bool = False, skip_ease: bool = False) -> list[str]:
    """One imported response with deterministic answers (k varies them)."""
    overall = str(1 + (k * 7) % 5)
    rest = [str(1 + (k * 3 + j) % 5) for j in range(6)]
    if k % 6 == 0:
        rest[3] = "na"  # referral: "not applicable"
    ease = "" if skip_ease else str(1 + (k * 5) % 7)
    recommend = "" if skip_recommend else str((k * 4) % 11)
    return [day, dept, chan, "", "", "en", overall, *rest, ease, recommend]


def write_import(path: Path, cells: dict[tuple[str, str, str], int], *, sparse_items: bool = False) -> None:
    """cells: (month, department, channel) -> number of responses. Days spread over the month."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "department", "channel", "segment", "service", "locale", *ITEM_COLUMNS])
        k = 0
        for (month, dept, chan), count in sorted(cells.items()):
            for i in range(count):
                day = f"{month}-{1 + (i * 3) % 28:02d}"
                writer.writerow(
                    response_row(day, dept, chan, k, skip_recommend=sparse_items and k % 4 == 1, skip_ease=sparse_items and k % 5 == 2)
                )
                k += 1


def steady(depts_chans: list[tuple[str, str]], n: int, months=MONTHS6) -> dict:
    return {(m, d, c): n for m in months for d, c in depts_chans}


def edge_cases() -> dict[str, tuple[str, dict]]:
    """name -> (what it exercises, import cells)."""
    base = [("beneficiary-services", "office"), ("social-research", "office"), ("registration", "phone"), ("donor-relations", "web")]
    cases: dict[str, tuple[str, dict]] = {}

    cells = steady(base, 25)
    cells[("2026-11", "gift-distribution", "letter")] = 1  # a unit with one response in the whole range
    cells[("2026-08", "volunteering", "social")] = 1
    cells[("2026-11", "registration", "letter")] = 1  # a single response next to a large cell of the same department
    cases["single"] = ("single-response units", cells)

    cells = steady(base, 22)
    for m in MONTHS6[:-1]:
        cells[(m, "registration", "office")] = 20
    cells[("2026-11", "registration", "office")] = 3  # registration: one hidden month among shown months
    for m in MONTHS6:
        cells[(m, "volunteering", "web")] = 8
    cells[("2026-09", "volunteering", "web")] = 2  # volunteering: 5-9 shown months and one hidden month
    cases["one-hidden-month"] = ("a unit with exactly one hidden month among shown months", cells)

    cells = steady(base, 30)
    for d, n in [("beneficiary-services", 12), ("social-research", 1), ("registration", 5), ("donor-relations", 14)]:
        cells[("2026-11", d, "letter")] = n  # letter in 2026-11: one hidden cell of 1 and one of 5
    for d, n in [("beneficiary-services", 2), ("social-research", 7), ("registration", 15)]:
        cells[("2026-10", d, "phone")] = n  # phone in 2026-10: one hidden cell of 2 and one of 7
    cases["small-hidden-sum"] = ("a channel whose hidden cells in a period sum to a small number", cells)

    cells = steady(base, 40)
    for m in MONTHS6:
        cells[(m, "gift-distribution", "office")] = 11
        cells[(m, "volunteering", "phone")] = 12
    cells[("2026-11", "donor-relations", "social")] = 9  # 5-9: shown inside, hidden at the external threshold
    cells[("2026-11", "gift-distribution", "office")] = 10
    cells[("2026-10", "volunteering", "phone")] = 7
    cells[("2026-10", "gift-distribution", "phone")] = 6
    cases["external-5-9"] = ("cells of n = 5-9 against the external threshold 10", cells)
    return cases


def build_databases(binary: str, tmp: Path, log) -> list[dict]:
    dbs = []
    demo = tmp / "demo.sqlite"
    started = time.time()
    run(binary, "init", "--db", str(demo))
    run(binary, "demo", "--db", str(demo), "--responses", "3000", "--months", "14", "--seed", "7", "--end-month", "2026-11")
    log(f"  demo: 3000 responses, 14 months, seed 7 ({time.time() - started:.1f} s)")
    dbs.append({"name": "demo", "path": demo, "what": "rida demo --responses 3000 --months 14 --seed 7 --end-month 2026-11",
                "ranges": [("2026-06", "2026-11"), ("2026-11", "2026-11")]})
    for name, (what, cells) in edge_cases().items():
        path = tmp / f"{name}.sqlite"
        source = tmp / f"{name}.csv"
        write_import(source, cells, sparse_items=(name == "external-5-9"))
        run(binary, "init", "--db", str(path))
        run(binary, "import", "--db", str(path), str(source))
        dbs.append({"name": name, "path": path, "what": what, "ranges": [("2026-06", "2026-11")]})
    return dbs


# --------------------------------------------------------------------------------------------
# Ground truth, straight from the database file

Key = tuple  # (basis, department|None, channel|None, period|"range:FROM..TO")


class Truth:
    def __init__(self, path: Path):
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        dept = dict(con.execute("SELECT id, code FROM department"))
        chan = dict(con.execute("SELECT id, code FROM channel"))
        self.names = {}
        for code, names in con.execute("SELECT code, names FROM department"):
            try:
                self.names[json.loads(names).get("en", code)] = code
            except (ValueError, AttributeError):
                pass
        self.leaf: Counter = Counter()  # (basis, d, c, month) -> n
        self.responses: Counter = Counter()  # (d, c, month) -> responses
        self.required: set[str] = set()
        for (definition,) in con.execute("SELECT definition FROM questionnaire_version"):
            try:
                doc = json.loads(definition)
                for item in doc.get("items", []):
                    if item.get("required"):
                        self.required.add(item.get("id"))
            except ValueError:
                pass
        for day, d, c, answers in con.execute("SELECT day, department_id, channel_id, answers FROM response"):
            month = day[:7]
            self.responses[(dept[d], chan[c], month)] += 1
            for item, value in json.loads(answers).items():
                if value is None or value == "na":
                    continue
                self.leaf[(item, dept[d], chan[c], month)] += 1
        # Invitations issued: an answered or expired invitation keeps no unit or time (only its
        # keyed token hash), so the issue counts per day and unit live in the invitation cells
        # alone (days since 1970-01-01 in the organisation's time zone); before that design, the
        # invitation rows themselves.
        spent = con.execute("SELECT 1 FROM sqlite_master WHERE name = 'spent_invitation'").fetchone()
        if spent:
            for day, d, c, issued in con.execute("SELECT day, department_id, channel_id, issued FROM invitation_cell_dc"):
                month = (dt.date(1970, 1, 1) + dt.timedelta(days=day)).strftime("%Y-%m")
                self.leaf[(INVITATIONS, dept[d], chan[c], month)] += issued
        else:
            for issued_at, d, c in con.execute("SELECT issued_at, department_id, channel_id FROM invitation"):
                seconds = issued_at / 1000 if issued_at > 10**11 else issued_at
                month = dt.datetime.fromtimestamp(seconds + TZ_OFFSET, dt.timezone.utc).strftime("%Y-%m")
                self.leaf[(INVITATIONS, dept[d], chan[c], month)] += 1
        con.close()
        self.agg: Counter = Counter()
        for (b, d, c, m), n in self.leaf.items():
            for dd in (d, None):
                for cc in (c, None):
                    self.agg[(b, dd, cc, m)] += n

    def shown_n(self, key: Key, threshold: int, months: list[str] | None = None) -> int:
        """The sum of the department × channel cells within the key that are shown at the threshold
        (n >= threshold): what a shown-cells total protected at that grain publishes."""
        b, d, c, p = key
        b = b.split("@")[0]
        if not hasattr(self, "_by_bm"):
            self._by_bm = defaultdict(list)
            for (bb, dd, cc, m), n in self.leaf.items():
                self._by_bm[(bb, m)].append((dd, cc, n))
        total = 0
        for m in (months if p.startswith("range:") else [p]):
            for dd, cc, n in self._by_bm.get((b, m), ()):
                if n >= threshold and (d is None or dd == d) and (c is None or cc == c):
                    total += n
        return total

    def n(self, key: Key, months: list[str] | None = None) -> int:
        b, d, c, p = key
        b = b.split("@")[0]  # "@board": the board's own numbers of the same count
        if p.startswith("range:"):
            return sum(self.agg[(b, d, c, m)] for m in months)
        return self.agg[(b, d, c, p)]


# --------------------------------------------------------------------------------------------
# The attacker's model

METRIC_OF_BASIS = {"overall": "csat", "recommend": "nps", "ease": "ces", INVITATIONS: "response-rate"}


def name(key: Key) -> str:
    b, d, c, p = key
    b, _, tag = b.partition("@")
    metric = METRIC_OF_BASIS.get(b, f"mean:{b}") + (f"({tag})" if tag else "")
    unit = "all" if d is None and c is None else "×".join(x for x in (d, c) if x is not None)
    if d is None and c is not None:
        unit = f"channel {c}"
    return f"{metric} {unit} {p.replace('range:', 'range ')}"


@dataclass
class Cell:
    key: Key
    hidden: bool = False  # hidden in some publication: a variable the audit checks
    lower: float = 0.0
    exact: list = field(default_factory=list)  # (value, source)
    latent: bool = False  # never published as a number; a variable that is not checked
    upper_of: Key | None = None  # n <= n of this cell (items answered <= responses)
    shown_sum: list = field(default_factory=list)  # (value, source) read as a sum of shown members


class Model:
    """Cells of one artefact, the equations an attacker can write, and the checks."""

    def __init__(self, name: str, threshold: int, truth: Truth, declared: bool):
        self.name = name
        self.threshold = threshold
        self.truth = truth
        self.declared = declared
        self.cells: dict[Key, Cell] = {}
        self.equations: dict[frozenset, tuple[Key, list[Key], str]] = {}  # total = sum(members), true counts
        self.sums: list[tuple[list[Key], int, str]] = []  # sum(members) == value, published as such
        self.range_months: dict[str, list[str]] = {}
        self.failures: list[str] = []
        self.notes: list[str] = []
        self.shown: dict[tuple[str, Key], int] = {}  # (source, key) -> n shown there
        self.aggregates: list[tuple[Key, int | None, list[Key], str, bool]] = []
        self.levels: dict[tuple[str, str], set] = defaultdict(set)
        # Sources whose numbers are declared sums of the department × channel cells shown at a
        # threshold (`protectedAt` department, channel): (source prefix, threshold).
        self.fine: list[tuple[str, int]] = []
        self.sum_checks: list[tuple[Key, int, str]] = []

    def cell(self, key: Key) -> Cell:
        if key not in self.cells:
            self.cells[key] = Cell(key)
        return self.cells[key]

    def publish(self, key: Key, n, source: str, *, secondary: bool = False, threshold: int | None = None):
        """A leaf publication: the cell's exact n, or hidden."""
        cell = self.cell(key)
        if n is None:
            cell.hidden = True
            cell.lower = max(cell.lower, float(threshold or self.threshold) if secondary else 1.0)
            if secondary:
                true = self.true_n(key)
                if true < (threshold or self.threshold):
                    self.failures.append(f"MODEL  {name(key)} is marked secondary but its true n is {true} (< {threshold or self.threshold})")
        else:
            cell.exact.append((int(n), source))
            self.shown[(source, key)] = int(n)

    def aggregate(self, key: Key, n, members: list[Key], source: str, *, declared: bool, secondary=False, threshold=None,
                  member_source: str | None = None):
        """A total over member cells published in the same source. Its true count always equals the
        sum of the members' true counts; the published number is that count unless the source
        declares (and the numbers confirm) that it sums shown members only."""
        self.equation(key, members, source)
        self.aggregates.append((key, n, members, source, declared))
        if n is None:
            self.publish(key, None, source, secondary=secondary, threshold=threshold)
            return
        self.shown[(source, key)] = int(n)
        if declared:
            ms = member_source or source
            shown_members = [self.shown[(ms, m)] for m in members if (ms, m) in self.shown]
            if int(n) == sum(shown_members):
                self.cell(key)  # its true count stays unknown: no information about the hidden members
                self.sum_checks.append((key, int(n), source))
                return
            self.failures.append(
                f"CLAIM  {name(key)} in {source}: declared a sum of shown cells, but {n} != {sum(shown_members)} (sum of shown members)")
        self.publish(key, n, source)

    def equation(self, total: Key, members: list[Key], label: str):
        sig = frozenset([total, *members])
        if len(members) and sig not in self.equations:
            self.equations[sig] = (total, list(members), label)
            self.cell(total)
            for m in members:
                self.cell(m)

    def level(self, basis: str, level: str, units):
        """Registers the complete set of units of a level ("department", "channel", "dc") for a basis."""
        self.levels[(basis, level)] |= set(units)

    def add_margins(self):
        """Structural identities between levels that the artefact publishes completely: the total over
        the departments, over the channels, over the department × channel units; a department over its
        channels, a channel over its departments. Only for periods where every member cell exists."""
        periods = defaultdict(set)
        for (b, d, c, p) in self.cells:
            if not p.startswith("range:"):
                periods[b].add(p)
        for b in sorted(periods):
            depts = sorted(d for d, _ in self.levels.get((b, "department"), ()))
            chans = sorted(c for _, c in self.levels.get((b, "channel"), ()))
            pairs = sorted(self.levels.get((b, "dc"), ()))
            for p in sorted(periods[b]):
                def add(total, members, label):
                    if members and all(m in self.cells for m in members) and total in self.cells:
                        self.equation(total, members, label)
                add((b, None, None, p), [(b, d, None, p) for d in depts], "departments add up")
                add((b, None, None, p), [(b, None, c, p) for c in chans], "channels add up")
                add((b, None, None, p), [(b, d, c, p) for d, c in pairs], "units add up")
                for d in depts:
                    add((b, d, None, p), [(b, d, c, p) for dd, c in pairs if dd == d], "department over its channels")
                for c in chans:
                    add((b, None, c, p), [(b, d, c, p) for d, cc in pairs if cc == c], "channel over its departments")

    def add_answer_bounds(self):
        """An item is answered at most as often as the required satisfaction item (every response answers it)."""
        if "overall" not in self.truth.required:
            return
        for key, cell in self.cells.items():
            b, d, c, p = key
            if b not in ("overall", INVITATIONS) and ("overall", d, c, p) in self.cells:
                cell.upper_of = ("overall", d, c, p)

    def true_n(self, key: Key) -> int:
        return self.truth.n(key, self.range_months.get(key[3]))

    # ---- solving

    MARGINS = ("departments add up", "channels add up", "units add up", "department over its channels", "channel over its departments")

    def classify_margins(self):
        """With a shown-cells declaration, a shown cell that is the margin of other shown and hidden
        cells of the artefact (a department over its channels, the total over the departments) is
        read as the sum of its shown members when the numbers say so: its true count is then
        unknown. Otherwise it is a true count, and a failed claim."""
        self.shown_sums: dict[Key, list[Key]] = {}
        if not self.declared:
            return
        violated = []
        for total, members, label in list(self.equations.values()):
            cell = self.cells[total]
            # Any equation counts (a total may be shown by another analysis, e.g. --by ''), but only
            # margins report a violated claim: a total's own claim was checked where it was read.
            if cell.hidden or not cell.exact or total in self.shown_sums:
                continue
            unknown = [m for m in members if self.cells[m].hidden or not self.cells[m].exact]
            if not unknown:
                continue
            shown = [m for m in members if m not in unknown]
            if cell.exact[0][0] == sum(self.cells[m].exact[0][0] for m in shown):
                self.shown_sums[total] = shown
            elif label in self.MARGINS:
                violated.append((total, label, cell.exact[0][0], sum(self.cells[m].exact[0][0] for m in shown)))
        for total in self.shown_sums:
            cell = self.cells[total]
            cell.shown_sum = cell.exact
            cell.exact = []
        if violated:
            total, label, v, s = violated[0]
            self.failures.append(
                f"CLAIM  {len(violated)} margin cell(s) of a shown-cells artefact are not the sum of their shown members, "
                f"e.g. {name(total)} = {v} but its shown members ({label}) sum to {s}: used as true counts")

    def fine_threshold(self, source: str) -> int | None:
        return next((t for prefix, t in self.fine if source.startswith(prefix)), None)

    def expected(self, key: Key, source: str) -> int:
        """What a shown number must be: the true n, or for a declared shown-cells source protected at
        department × channel, the sum of the true n of the cells shown at its threshold."""
        threshold = self.fine_threshold(source)
        months = self.range_months.get(key[3])
        return self.truth.shown_n(key, threshold, months) if threshold else self.truth.n(key, months)

    def expected_text(self, key: Key, source: str) -> str:
        threshold = self.fine_threshold(source)
        if threshold:
            return f"its department × channel cells shown at {threshold} sum to {self.expected(key, source)} (true n {self.true_n(key)})"
        return f"true n = {self.true_n(key)}"

    def solve(self) -> dict:
        self.add_margins()
        self.add_answer_bounds()
        self.classify_margins()
        # Ground truth: every exact number shown must be the true n (a declared sum of shown cells:
        # the sum of their true n).
        for key, cell in self.cells.items():
            values = sorted({v for v, _ in cell.exact})
            if len(values) > 1:
                self.failures.append(f"CONTRA {name(key)} is published with different values {values} ({', '.join(sorted({s for _, s in cell.exact}))})")
            true = self.true_n(key)
            for v, source in cell.exact:
                if v != self.expected(key, source):
                    self.failures.append(f"TRUTH  {name(key)} shown as {v} in {source}, {self.expected_text(key, source)}")
                    break
            if key in self.shown_sums:
                for v, source in cell.shown_sum:
                    if self.fine_threshold(source):
                        expected = self.expected(key, source)
                    else:
                        expected = sum(self.cells[m].shown_sum[0][0] if m in self.shown_sums else self.true_n(m) for m in self.shown_sums[key])
                    if v != expected:
                        self.failures.append(f"TRUTH  {name(key)} shown as {v} in {source}, its shown members' true n sum to {expected}")
                        break
            if cell.hidden and true == 0:
                self.failures.append(f"MODEL  {name(key)} is hidden but its true n is 0 (zero cells should be shown)")
        for key, v, source in self.sum_checks:
            if self.fine_threshold(source) and v != self.expected(key, source):
                self.failures.append(f"TRUTH  {name(key)} shown as {v} in {source}, {self.expected_text(key, source)}")
        variables = [k for k, c in self.cells.items() if c.hidden or not c.exact]
        for k in variables:
            if not self.cells[k].hidden:
                self.cells[k].latent = True
        index = {k: i for i, k in enumerate(variables)}
        fixed = {k: c.exact[0][0] for k, c in self.cells.items() if k not in index}

        eq_rows, eq_rhs, eq_labels = [], [], []
        for total, members, label in self.equations.values():
            row, rhs = {}, 0.0
            for k, coef in [(total, 1.0)] + [(m, -1.0) for m in members]:
                if k in index:
                    row[index[k]] = row.get(index[k], 0.0) + coef
                else:
                    rhs -= coef * fixed[k]
            if row:
                eq_rows.append(row); eq_rhs.append(rhs); eq_labels.append(f"{name(total)} = Σ {len(members)} ({label})")
            elif abs(rhs) > EPS:
                self.failures.append(f"CONTRA {name(total)} = {fixed[total]} but its {len(members)} members ({label}) sum to {fixed[total] - rhs:.0f}")
        for k, cell in self.cells.items():  # hidden cells that another publication shows
            if k in index and cell.exact:
                eq_rows.append({index[k]: 1.0}); eq_rhs.append(float(cell.exact[0][0])); eq_labels.append(f"{name(k)} shown in {cell.exact[0][1]}")
        for members, value, label in self.sums:
            row, rhs = {}, float(value)
            for m in members:
                if m in index:
                    row[index[m]] = row.get(index[m], 0.0) + 1.0
                else:
                    rhs -= fixed[m]
            if row:
                eq_rows.append(row); eq_rhs.append(rhs); eq_labels.append(label)
            elif abs(rhs) > EPS:
                self.failures.append(f"CONTRA {label}: published {value}, the cells sum to {value - rhs:.0f}")
        ub_rows, ub_rhs = [], []
        for k, cell in self.cells.items():
            if cell.upper_of is None or k not in index:
                continue
            row, rhs = {index[k]: 1.0}, 0.0
            if cell.upper_of in index:
                row[index[cell.upper_of]] = row.get(index[cell.upper_of], 0.0) - 1.0
            else:
                rhs = float(fixed[cell.upper_of])
            ub_rows.append(row); ub_rhs.append(rhs)

        # Connected components: each is solved on its own.
        parent = list(range(len(variables)))

        def find(i):
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for row in eq_rows + ub_rows:
            cols = list(row)
            for j in cols[1:]:
                a, b = find(cols[0]), find(j)
                if a != b:
                    parent[a] = b
        groups = defaultdict(list)
        for i in range(len(variables)):
            groups[find(i)].append(i)
        eq_by = defaultdict(list)
        for r, row in enumerate(eq_rows):
            eq_by[find(next(iter(row)))].append(r)
        ub_by = defaultdict(list)
        for r, row in enumerate(ub_rows):
            ub_by[find(next(iter(row)))].append(r)

        intervals: dict[Key, tuple[float, float]] = {}
        solves = 0
        for root, members in groups.items():
            local = {g: i for i, g in enumerate(members)}
            nvar = len(members)
            lb = [self.cells[variables[g]].lower for g in members]

            def matrix(rows, ids):
                data, ri, ci = [], [], []
                for out, r in enumerate(ids):
                    for j, v in rows[r].items():
                        data.append(v); ri.append(out); ci.append(local[j])
                return csr_matrix((data, (ri, ci)), shape=(len(ids), nvar)) if ids else None

            A_eq = matrix(eq_rows, eq_by[root]); b_eq = [eq_rhs[r] for r in eq_by[root]] or None
            A_ub = matrix(ub_rows, ub_by[root]); b_ub = [ub_rhs[r] for r in ub_by[root]] or None
            # A large upper bound keeps every LP bounded; reaching it means "no upper bound".
            bounds = [(l, BIG) for l in lb]
            checked = [i for i, g in enumerate(members) if self.cells[variables[g]].hidden]
            if not checked:
                continue
            if A_eq is None and A_ub is None:
                for i in checked:
                    intervals[variables[members[i]]] = (lb[i], float("inf"), True)
                continue

            def lp(c):
                nonlocal solves
                solves += 1
                return linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs")

            # Every solution is a feasible point: the values seen so far bound each cell's interval
            # from inside, so a cell needs its own LPs only while what was seen could still fail.
            seen_lo = np.full(nvar, np.inf)
            seen_hi = np.full(nvar, -np.inf)

            def record(result):
                nonlocal seen_lo, seen_hi
                if result.status == 0:
                    seen_lo = np.minimum(seen_lo, result.x)
                    seen_hi = np.maximum(seen_hi, result.x)

            probe = lp(np.zeros(nvar))
            if probe.status == 2:
                culprits = [eq_labels[r] for r in eq_by[root]][:3]
                self.failures.append(
                    f"INFEAS published numbers contradict each other around {name(variables[members[checked[0]]])}: {'; '.join(culprits)}")
                for i in checked:
                    intervals[variables[members[i]]] = (float("nan"), float("nan"), True)
                continue
            record(probe)
            rng = np.random.default_rng(len(members))
            for c in [np.ones(nvar), -np.ones(nvar)] + [rng.uniform(-1, 1, nvar) for _ in range(2)]:
                record(lp(c))
            for i in checked:
                key = variables[members[i]]
                primary = 0 < self.true_n(key) < self.threshold
                exact = False
                high, low = seen_hi[i], seen_lo[i]
                if (primary and high < self.threshold - EPS) or high - low < 0.5:
                    c = np.zeros(nvar); c[i] = -1.0
                    result = lp(c); record(result)
                    high = -result.fun if result.status == 0 else BIG
                    c[i] = 1.0
                    result = lp(c); record(result)
                    low = result.fun if result.status == 0 else lb[i]
                    exact = True
                intervals[key] = (low, float("inf") if high >= BIG - 1 else high, exact)
        self.intervals = intervals
        self.solves = solves
        self.eq_labels = eq_labels
        self.eq_rows = eq_rows
        self.index = index
        return intervals

    def check(self) -> dict:
        intervals = self.solve()
        hidden = [k for k, c in self.cells.items() if c.hidden]
        primary = [k for k in hidden if 0 < self.true_n(k) < self.threshold]
        worst = None
        for k in hidden:
            low, high, exact = intervals.get(k, (float("nan"), float("nan"), True))
            if low != low:
                continue
            true = self.true_n(k)
            via = self.via(k)
            if exact and high - low < 0.5:
                what = f"primary, below {self.threshold}" if k in primary else "hidden"
                self.failures.append(f"PINNED {name(k)}: n = {low:.0f} ({what}; true n = {true}){via}")
            elif exact and k in primary and high < self.threshold - EPS:
                self.failures.append(
                    f"DERIVE {name(k)}: primary (true n = {true}) confined to [{low:.0f}, {high:.0f}], below {self.threshold}{via}")
            if k in primary and (worst is None or (high, -low) < (worst[1][1], -worst[1][0])):
                worst = (k, (low, high, exact))
        return {"cells": len(self.cells), "hidden": len(hidden), "primary": len(primary), "worst": worst}

    def via(self, key: Key) -> str:
        if key not in self.index:
            return ""
        j = self.index[key]
        labels = [self.eq_labels[r] for r, row in enumerate(self.eq_rows) if j in row]
        return f"  via {labels[0]}" + (f" (+{len(labels) - 1} more)" if len(labels) > 1 else "") if labels else ""


# --------------------------------------------------------------------------------------------
# Reading the artefacts


def unit_of(unit: dict) -> tuple:
    return (unit.get("department"), unit.get("channel"))


def add_analysis(model: Model, doc: dict, source: str):
    """One analysis JSON: leaves (units × periods), the total series, the range comparison and the latest."""
    threshold = int(doc["suppressBelow"])
    declared = doc.get("margins") == "shown-cells"
    periods = [p["label"] for p in doc["periods"]]
    rng = f"range:{doc['from']}..{doc['to']}"
    model.range_months[rng] = periods
    by = doc["by"]
    if declared and sorted(doc.get("protectedAt") or []) == ["channel", "department"]:
        model.fine.append((source, threshold))
    for metric in doc["metrics"]:
        basis = metric.get("item") or INVITATIONS
        if metric["metric"] not in ("csat", "nps", "ces", "response-rate", "bottom-2", "ces-agree", "mean"):
            continue
        units = [unit_of(u["unit"]) for u in metric["units"]]
        if by == ["department"]:
            model.level(basis, "department", units)
        elif by == ["channel"]:
            model.level(basis, "channel", units)
        elif sorted(by) == ["channel", "department"]:
            model.level(basis, "dc", units)
        for u, series in zip(units, metric["units"]):
            for pt in series["series"]:
                model.publish((basis, *u, pt["period"]), pt["n"], source, secondary=bool(pt.get("secondary")), threshold=threshold)
        for pt in metric["total"]["series"]:
            key = (basis, None, None, pt["period"])
            if not by:
                model.publish(key, pt["n"], source + " total", secondary=bool(pt.get("secondary")), threshold=threshold)
            else:
                members = [(basis, *u, pt["period"]) for u in units]
                model.aggregate(key, pt["n"], members, source, declared=declared, secondary=bool(pt.get("secondary")), threshold=threshold)
        comparison = metric.get("comparison")
        if comparison:
            # The range counts the periods up to its declared `through` (provisional ones after it
            # are left out); older builds declare nothing and count them all.
            covered = periods
            key = rng
            if "through" in comparison:
                through = comparison["through"]
                covered = periods[: periods.index(through) + 1] if through in periods else []
                key = f"range:{doc['from']}..{through}"
                model.range_months[key] = covered
            for entry in comparison["units"]:
                u = unit_of(entry["unit"])
                members = [(basis, *u, p) for p in covered]
                n = None if entry.get("suppressed") else entry["n"]
                model.aggregate((basis, *u, key), n, members, source + " range", declared=declared, threshold=threshold, member_source=source)
        latest = metric.get("latest")
        if latest:
            for entry in latest["units"]:
                u = unit_of(entry["unit"])
                n = None if entry.get("suppressed") else entry["n"]
                model.publish((basis, *u, latest["scope"]), n, source + " latest", threshold=threshold)


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def add_report_set(model: Model, directory: Path, period: str, truth: Truth, board: bool) -> dict:
    """aggregates.csv, responses.csv, manifest.json and (board=True) the board pack's numbers."""
    manifest = json.loads((directory / "manifest.json").read_text())
    suppression = manifest.get("suppression", {})
    declared = suppression.get("margins") == "shown-cells"
    model.declared = declared
    if declared:  # reports are protected at department × channel (README, "Analysis")
        model.fine.append(("aggregates.csv", int(suppression.get("threshold", 5))))
        model.fine.append(("board.en.html", 10))
    rows = read_csv(directory / "aggregates.csv")
    columns = set(rows[0]) if rows else set()
    info = {"declared": declared, "columns": sorted(columns)}
    level_units = defaultdict(set)  # (basis, level) -> units
    for row in rows:
        basis = row["item"] or INVITATIONS
        level_units[(basis, row["level"])].add((row["department"] or None, row["channel"] or None))
    for (basis, level), units in level_units.items():
        name_of = {"department": "department", "channel": "channel", "department×channel": "dc"}
        if level in name_of:
            model.level(basis, name_of[level], units)
    # Totals ("all") after the cells they sum, whatever the file's order.
    for row in sorted(rows, key=lambda r: r["level"] == "all"):
        basis = row["item"] or INVITATIONS
        d, c = row["department"] or None, row["channel"] or None
        key = (basis, d, c, row["period"])
        suppressed = row["suppressed"] == "true"
        secondary = row.get("secondary") == "true"
        n = None if suppressed else int(float(row["n"] or 0))
        source = f"aggregates.csv {row['metric']} {row['level']}"
        if row["level"] == "all":
            members = [(basis, dd, None, row["period"]) for dd, _ in sorted(level_units[(basis, "department")], key=str)]
            model.aggregate(key, n, members, f"aggregates.csv {row['metric']} all", declared=declared, secondary=secondary,
                            member_source=f"aggregates.csv {row['metric']} department")
        else:
            model.publish(key, n, f"aggregates.csv {row['metric']} {row['level']}", secondary=secondary)

    # responses.csv: one row per response of the month that the report includes.
    responses = read_csv(directory / "responses.csv")
    counted = Counter()
    answered = Counter()
    items = [c for c in (responses[0].keys() if responses else []) if c in ITEM_COLUMNS]
    for r in responses:
        counted[(r["department"], r["channel"])] += 1
        for item in items:
            if r[item] not in ("", "na"):
                answered[(item, r["department"], r["channel"])] += 1
    dc_units = sorted(u for u in level_units[("overall", "department×channel")] if u[0] and u[1])
    for u in dc_units:
        if u in counted:
            model.publish(("overall", *u, period), counted[u], "responses.csv")
    for u in counted:
        if u not in dc_units:
            model.notes.append(f"responses.csv has {counted[u]} rows of {u}, which aggregates.csv does not list")
    # The other items' counts per department × channel: exact where responses.csv has the cell, else
    # unknown, between 0 and the cell's responses; they add up to the department and channel cells.
    dept_items = {b for (b, level) in level_units if level == "department" and b not in ("overall", INVITATIONS)}
    for item in sorted(dept_items & set(items)):
        model.level(item, "dc", dc_units)
        for u in dc_units:
            key = (item, *u, period)
            if u in counted:
                model.publish(key, answered[(item, *u)], "responses.csv")
            else:
                model.cell(key)
    withheld = [("overall", *u, period) for u in dc_units if u not in counted]
    if "withheldResponses" in suppression:
        hidden_dc = [k for k in withheld if model.cells.get(k) and model.cells[k].hidden]
        model.sums.append((hidden_dc, int(suppression["withheldResponses"]), f"manifest withheldResponses = {suppression['withheldResponses']} over {len(hidden_dc)} hidden department×channel cells"))
        if "withheldCells" in suppression and int(suppression["withheldCells"]) != len(hidden_dc):
            model.notes.append(f"manifest withheldCells = {suppression['withheldCells']}, aggregates.csv hides {len(hidden_dc)} department×channel cells in {period}")
    info["responses"] = len(responses)
    info["suppression"] = suppression
    if board:
        info["board"] = add_board(model, directory, period, truth, declared)
    return info


CARD = re.compile(r'<div class="card"><strong>(.*?)</strong><span class="value">(.*?)</span></div>', re.S)
ROW = re.compile(r'<tr><th scope="row">(.*?)</th><td class="number">(.*?)</td></tr>', re.S)
CHANGE = re.compile(r"<li><strong>(.*?) — (.*?)</strong>: .*?\. (.*?)</li>", re.S)
N_RESPONSES = re.compile(r",\s*(\d+) responses")
ISSUED = re.compile(r"Invitations issued (\d+)")
TITLES = {"Satisfaction (share rating 4–5)": "overall", "Net promoter score": "recommend",
          "Ease of getting the service (mean, 1–7)": "ease", "Response rate (answered ÷ issued)": INVITATIONS}


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).replace("\u2066", "").replace("\u2069", "").strip()


def board_number(value: str, basis: str):
    """(n, hidden): from the text of a board number; (None, None) when there is none."""
    if value.startswith("not shown"):
        return None, True
    m = ISSUED.search(value) if basis == INVITATIONS else None
    m = m or N_RESPONSES.search(value)
    if m:
        return int(m.group(1)), False
    return None, None


def add_board(model: Model, directory: Path, period: str, truth: Truth, declared: bool) -> dict:
    """The numbers printed in board.en.html: headline totals, volumes (issued per department), changes."""
    page = (directory / "board.en.html").read_text(encoding="utf-8")
    source = "board.en.html"
    threshold = 10
    found = {"headline": 0, "volumes": 0, "changes": 0, "unparsed": []}
    # Declared shown-cells: the board's numbers are sums of the department × channel cells shown at
    # 10, not the counts aggregates.csv sums at 5: they are kept apart ("@board").
    tag = "@board" if declared else ""
    if declared:
        model.fine.append((source, threshold))
    volumes = ROW.findall(page)
    members = []
    for unit, rate in volumes:
        unit, rate = text_of(unit), text_of(rate)
        code = truth.names.get(unit)
        if code is None:
            found["unparsed"].append(unit)
            continue
        key = (INVITATIONS + tag, code, None, period)
        members.append(key)
        n, hidden = board_number(rate, INVITATIONS)
        if hidden is None:
            if rate in ("no data",):
                model.publish(key, 0, source)
            continue
        model.publish(key, n, source, threshold=threshold)
        found["volumes"] += 1
    if members and not found["unparsed"]:
        model.level(INVITATIONS, "department", [(m[1], None) for m in members])
    for title, value in CARD.findall(page):
        basis = TITLES.get(text_of(title))
        if basis is None:
            continue
        n, hidden = board_number(text_of(value), basis)
        if hidden is None:
            continue
        key = (basis + tag, None, None, period)
        if basis == INVITATIONS:
            model.aggregate(key, n, members, source, declared=declared, threshold=threshold)
        elif declared and n is not None:
            # A sum of shown cells whose members the board does not print: nothing to verify it
            # against but the ground truth (checked); it says nothing about hidden cells.
            model.cell(key)
            model.sum_checks.append((key, n, source))
        else:
            model.publish(key, n, source, threshold=threshold)
        found["headline"] += 1
    m = re.search(r"<p>Responses: (\d+)</p>", page)
    if m and not declared:  # the csat total again (declared: the headline's shown-cells sum)
        model.publish(("overall", None, None, period), int(m.group(1)), source + " responses")
    for unit, title, value in CHANGE.findall(page):
        basis = TITLES.get(text_of(title))
        unit = text_of(unit)
        code = None if unit == "All units" else truth.names.get(unit)
        if basis is None or (code is None and unit != "All units"):
            continue
        n, hidden = board_number(text_of(value), basis)
        if n is not None and code is not None:
            model.publish((basis + tag, code, None, period), n, source + " changes", threshold=threshold)
            found["changes"] += 1
    return found


# --------------------------------------------------------------------------------------------
# The audit


def analyses_for(binary: str, db: Path, first: str, last: str, external: bool, out: Path) -> dict[str, dict]:
    docs = {}
    # Without --by an analysis is by department; --by "" is the analysis of all units together.
    for label, by in [("''", ""), ("department", "department"), ("channel", "channel"), ("department,channel", "department,channel")]:
        args = ["analyze", "--db", str(db), "--from", first, "--to", last, "--metric", "csat,nps,ces,response-rate", "--format", "json",
                "--by", by]
        if external:
            args.append("--external")
        text = run(binary, *args)
        (out / f"analysis-{first}-{last}-{(label if by else 'all').replace(',', '+')}{'-external' if external else ''}.json").write_text(text)
        docs[label] = json.loads(text)
    return docs


def audit(binary: str, keep: Path | None, verbose: bool) -> int:
    started = time.time()
    tmp = Path(tempfile.mkdtemp(prefix="rida-disclosure-"))
    log = print
    results = []
    skipped: list[str] = []
    try:
        log(f"Rida disclosure audit — {binary}")
        log(f"work directory {tmp}")
        dbs = build_databases(binary, tmp, log)
        for db in dbs:
            truth = Truth(db["path"])
            out = tmp / db["name"]
            out.mkdir()
            for first, last in db["ranges"]:
                for external in (False, True):
                    docs = analyses_for(binary, db["path"], first, last, external, out)
                    threshold = 10 if external else 5
                    suffix = " --external" if external else ""
                    artefacts = [(f"--by {k}", [k]) for k in ("''", "department", "channel")]
                    artefacts += [("--by department,channel + its margins", ["department,channel", "department", "channel"])]
                    artefacts += [("every --by of the range together", ["''", "department", "channel", "department,channel"])]
                    for label, parts in artefacts:
                        declared = all(docs[p].get("margins") == "shown-cells" for p in parts)
                        if len(parts) == 4 and not any(docs[p].get("margins") == "shown-cells" for p in parts):
                            # Without a declaration every total is a true count, and the all-units analysis
                            # publishes only totals the department analysis already has: the same LP.
                            skipped.append(f"{db['name']} {first}..{last} {label}{suffix}")
                            continue
                        model = Model(f"{db['name']} {first}..{last} {label}{suffix}", threshold, truth, declared)
                        for p in parts:
                            add_analysis(model, docs[p], f"analyze --by {p}{suffix}")
                        results.append((model, model.check(), {}))
            # A month's report set, taken together; and the board pack alone.
            report = out / "report-2026-11"
            run(binary, "report", "--db", str(db["path"]), "--period", "2026-11", "--out", str(report))
            model = Model(f"{db['name']} report 2026-11 (aggregates+responses+manifest+board)", 5, truth, False)
            info = add_report_set(model, report, "2026-11", truth, board=True)
            results.append((model, model.check(), info))
            board = Model(f"{db['name']} report 2026-11 board pack alone", 10, truth, info["declared"])
            binfo = add_board(board, report, "2026-11", truth, info["declared"])
            results.append((board, board.check(), {"board": binfo}))
        elapsed = time.time() - started
    except HarnessError as error:
        print(f"HARNESS ERROR: {error}", file=sys.stderr)
        return 2
    finally:
        if keep:
            if keep.exists():
                shutil.rmtree(keep)
            shutil.copytree(tmp, keep)
        shutil.rmtree(tmp, ignore_errors=True)

    # The table.
    print()
    header = f"{'artefact':<78} {'thr':>3} {'cells':>6} {'hidden':>6} {'primary':>7} {'worst primary interval':<44} {'fail':>4}"
    print(header)
    print("-" * len(header))
    total_failures = 0
    for model, summary, _ in results:
        worst = summary["worst"]
        if worst is None:
            w = "—"
        elif worst[1][2]:
            w = f"{name(worst[0])} [{worst[1][0]:.0f}, {worst[1][1]:.0f}]"
        else:  # not solved exactly: a feasible point already reaches the threshold
            w = f"{name(worst[0])} [·, ≥{worst[1][1]:.0f}]"
        w = w.replace("inf", "∞")
        fails = len(model.failures)
        total_failures += fails
        print(f"{model.name:<78} {model.threshold:>3} {summary['cells']:>6} {summary['hidden']:>6} {summary['primary']:>7} {w:<44} {fails:>4}")
    print()
    for model, summary, info in results:
        if not model.failures and not (verbose and model.notes):
            continue
        print(f"== {model.name}: {len(model.failures)} failure(s)")
        limit = None if verbose else 12
        for line in sorted(set(model.failures), key=model.failures.index)[:limit]:
            print(f"   {line}")
        if limit and len(set(model.failures)) > limit:
            print(f"   … {len(set(model.failures)) - limit} more (--verbose lists all)")
        for note in model.notes:
            print(f"   note: {note}")
    if skipped:
        print(f"skipped (no shown-cells declaration, so the same equations as '--by department,channel + its margins'): {len(skipped)} "
              "'every --by of the range together' artefacts")
    kinds = Counter(line.split()[0] for m, _, _ in results for line in set(m.failures))
    print()
    print("board pack: " + "; ".join(
        f"{m.name.split(' report')[0]} {i['board']}" for m, _, i in results if "board" in i and "alone" in m.name))
    print(f"{len(results)} artefacts, {sum(m.solves for m, _, _ in results)} LP solves, {elapsed:.1f} s")
    if total_failures:
        print(f"FAIL: {total_failures} failure(s): " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
        return 1
    print("PASS: no hidden cell can be derived from the published numbers")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary", help="the rida executable to audit")
    parser.add_argument("--keep", type=Path, help="copy the databases and every artefact to this directory")
    parser.add_argument("--verbose", action="store_true", help="list every failure and note")
    parser.add_argument("--source", type=Path, help="a checkout whose seeds/ and Templates/ the binary reads "
                        "(an older build refuses configuration keys it does not know: `git archive REV seeds Templates | tar -x -C DIR`)")
    args = parser.parse_args()
    if args.source:
        global SEEDS, TEMPLATES
        SEEDS, TEMPLATES = args.source / "seeds", args.source / "Templates"
    if not os.access(args.binary, os.X_OK):
        print(f"{args.binary} is not an executable", file=sys.stderr)
        return 2
    return audit(os.path.abspath(args.binary), args.keep, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
