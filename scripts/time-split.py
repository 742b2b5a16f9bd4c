"""Split a prepared manifest by time: the segments of each source that start at or after FRACTION of
its duration become split=val (held out, later in time than anything trained on), the rest split=train.

usage: python3 scripts/time-split.py DIR/manifest.csv OUT.csv [FRACTION, default 0.75]
"""
import csv
import sys
from collections import defaultdict

src, out = sys.argv[1], sys.argv[2]
fraction = float(sys.argv[3]) if len(sys.argv) > 3 else 0.75
with open(src, newline="") as f:
    reader = csv.DictReader(f)
    fields, rows = reader.fieldnames, list(reader)
end = defaultdict(float)
for r in rows:
    end[r["source"]] = max(end[r["source"]], float(r["source_start_s"]) + float(r["duration_s"]))
for r in rows:
    r["split"] = "val" if float(r["source_start_s"]) >= fraction * end[r["source"]] - 1e-6 else "train"
with open(out, "w", newline="") as f:
    writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
for s in sorted(end):
    n = sum(r["source"] == s for r in rows)
    v = sum(r["source"] == s and r["split"] == "val" for r in rows)
    print(f"{s}: {end[s]:.1f} s, {n - v} train and {v} val segments")
