#!/usr/bin/env python3
"""The plain-GROUP-BY reference for Benchmarks/analytics.sh: the same responses as the Rida
database, one row per response with its rating items, loaded into DuckDB (in-process, PyPI
`duckdb`) and grouped by department × channel × month with counts, means and top-2-box shares —
and the same GROUP BY in SQLite over Rida's own tables. Loading is not timed; each query is run
`repeats` times and the median printed.

Usage: analytics_duckdb.py RIDA.sqlite FROM-DAY TO-DAY [repeats]   (prints: duckdb_s sqlite_s)
"""
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

import duckdb

database, first, last = sys.argv[1], sys.argv[2], sys.argv[3]
repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 5

# Each response row holds its answers as a JSON object (item id -> value, or "na").
def rating(item):
    return (f"CASE WHEN json_type(response.answers, '$.{item}') = 'integer' "
            f"THEN json_extract(response.answers, '$.{item}') END AS {item}")


WIDE = f"""
SELECT response.day AS day, department.code AS department, channel.code AS channel,
    {rating('overall')}, {rating('ease')}, {rating('recommend')}
FROM response
JOIN department ON department.id = response.department_id
JOIN channel ON channel.id = response.channel_id
WHERE response.day BETWEEN '{first}' AND '{last}'
"""

csv_path = os.path.join(tempfile.mkdtemp(), "responses.csv")
with open(csv_path, "w") as out:
    subprocess.run(["sqlite3", "-csv", "-header", database, WIDE], stdout=out, check=True)

duck = duckdb.connect()
duck.execute(f"CREATE TABLE responses AS SELECT * FROM read_csv_auto('{csv_path}', header = true)")
os.remove(csv_path)
DUCK_QUERY = """
SELECT department, channel, strftime(CAST(day AS DATE), '%Y-%m') AS month,
    count(overall) AS n_overall, avg(overall) AS mean_overall, avg(CASE WHEN overall >= 4 THEN 1.0 ELSE 0.0 END) AS top2_overall,
    count(ease) AS n_ease, avg(ease) AS mean_ease, avg(CASE WHEN ease >= 5 THEN 1.0 ELSE 0.0 END) AS agree_ease,
    count(recommend) AS n_recommend, avg(CASE WHEN recommend >= 9 THEN 1.0 ELSE 0.0 END) - avg(CASE WHEN recommend <= 6 THEN 1.0 ELSE 0.0 END) AS nps
FROM responses GROUP BY 1, 2, 3
"""


def timed(run):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


duck_time = timed(lambda: duck.execute(DUCK_QUERY).fetchall())

SQLITE_QUERY = f"""
SELECT response.department_id, response.channel_id, substr(response.day, 1, 7), answer.key,
    count(*), avg(answer.value), avg(answer.value >= 4)
FROM response, json_each(response.answers) AS answer
WHERE answer.key IN ('overall', 'ease', 'recommend') AND answer.type = 'integer'
    AND response.day BETWEEN '{first}' AND '{last}'
GROUP BY 1, 2, 3, 4
"""
connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
sqlite_time = timed(lambda: connection.execute(SQLITE_QUERY).fetchall()) if repeats else 0
print(f"{duck_time:.4f} {sqlite_time:.4f}")
