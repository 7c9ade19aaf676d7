"""Webhook benchmark, BENCH_PROFILE=1: Odoo's access log of the deliveries summed up (the
queries each request made, the time its queries took and the rest of its time in Odoo)."""

import re
import sys

# werkzeug's line, then Odoo's perf_info: query count, query time, remaining time (seconds)
LINE = re.compile(
    r'"(?P<method>[A-Z]+) /mailchimp/webhook/\S+ HTTP/[0-9.]+" (?P<status>\d{3}) \S+ '
    r"(?P<queries>\d+) (?P<sql>[0-9.]+) (?P<rest>[0-9.]+)"
)


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


rows = []
with open(sys.argv[1], encoding="utf-8", errors="replace") as handle:
    for line in handle:
        match = LINE.search(line)
        if match and match["method"] == "POST":
            rows.append(
                (int(match["queries"]), float(match["sql"]) * 1000, float(match["rest"]) * 1000)
            )
if not rows:
    print("no webhook request in the access log")
    sys.exit(0)
queries = [r[0] for r in rows]
sql = [r[1] for r in rows]
rest = [r[2] for r in rows]
total = [r[1] + r[2] for r in rows]
histogram = {}
for count in queries:
    histogram[count] = histogram.get(count, 0) + 1
print(f"POST requests logged:         {len(rows)}")
print(f"queries per request:          {dict(sorted(histogram.items()))}")
for label, values in (("SQL time", sql), ("other time in Odoo", rest), ("time in Odoo", total)):
    print(
        f"{label + ' p50/p95/p99:':30}{pct(values, 50):.1f} / {pct(values, 95):.1f} / "
        f"{pct(values, 99):.1f} ms (max {max(values):.1f} ms)"
    )
