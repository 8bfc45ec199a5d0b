#!/usr/bin/env python3
"""The runway benchmark's real cases, from bench/real/trees.csv (stdlib only).

  bench/real/cases.py TREES_CSV OUT_JSON

Each series is cut at origins 61 days apart, from its 14th day to a year
before its end, with 14 to 730 days of history before the cut (the
generator's lengths in turn, as far as the series goes back). Its capacity
is assumed: the level at the cut over a share drawn from 0.40-0.65 by a
hash of the case's name. The truth is the first day after the cut on which
the size reaches 70% or 85% of it, within 365 days (gen_runway.py's Ceph
thresholds and day numbering). Days are forward-filled; a day's mean and
peak are its one value.

The series are split in two by a seeded hash of their names (FNV-1a, 64
bits, of "capplan-split-1:" + name, as bench/datasets.py): "seed" 1, the
tuning half, is the even one, 2, the reporting half, the odd one. No
constant was chosen on either.
"""
import datetime, json, os, sys
from collections import OrderedDict

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from datasets import SEED, fnv1a64, read  # noqa: E402 (bench/datasets.py)

HISTS = [14, 30, 60, 120, 240, 365, 730]
THRESHOLDS = [0.70, 0.85]
VIEW = 365
STEP = 61


def daily(path):
    series = OrderedDict()
    for name, rows in read(path).items():
        series[name] = []
        for ts, v in rows:
            try:
                series[name].append((datetime.date.fromisoformat(ts[:10]), float(v)))
            except ValueError as e:
                sys.exit(f"{path}: series {name}, timestamp {ts!r}, value {v!r}: {e}")
    out = OrderedDict()
    for name, rows in series.items():
        values, (day, value) = [], rows[0]
        for nxt, v in rows[1:] + [(rows[-1][0] + datetime.timedelta(days=1), None)]:
            while day < nxt:
                values.append(value)
                day += datetime.timedelta(days=1)
            value = v
        out[name] = values
    return out


def main():
    cases = {}
    for name, y in daily(sys.argv[1]).items():
        half = 1 if fnv1a64(SEED + name) % 2 == 0 else 2
        for i, cut in enumerate(range(14, len(y) - VIEW + 1, STEP)):
            hist = min(HISTS[i % len(HISTS)], cut)
            past, future = y[cut - hist:cut], y[cut:cut + VIEW]
            case = f"{name}@{cut}"
            share = 0.40 + 0.25 * (fnv1a64("capplan-real:" + case) % 1000) / 999
            capacity = past[-1] / share
            crossings = []
            for frac in THRESHOLDS:
                level = frac * capacity
                day = next((k for k, v in enumerate(future) if v >= level), None)
                crossings.append({"kind": "mean", "fraction": frac,
                                  "already": any(v >= level for v in past[-7:]), "day": day})
            cases[case] = {"seed": half, "group": ("tuning", "reporting")[half - 1], "shape": name, "capacity": capacity,
                           "means": past, "peaks": past, "crossings": crossings}
    with open(sys.argv[2], "w") as f:
        json.dump(cases, f)
    crossed = sum(1 for c in cases.values() for x in c["crossings"] if x["day"] is not None and not x["already"])
    print(f"{len(cases)} cases, {crossed} crossings within {VIEW} days", file=sys.stderr)


if __name__ == "__main__":
    main()
