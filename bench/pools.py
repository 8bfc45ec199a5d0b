#!/usr/bin/env python3
"""Recompute a report's division of Ceph's raw space among its pools, independently.

usage: bench/pools.py REPO [DAY]

REPO is a report repository's work tree (capplan demo writes one); DAY
(YYYY-MM-DD, default the newest report) the report checked. From
report.json's summary.ceph (raw total and used, each pool's stored bytes
and replication) and history.json's ceph/pool/NAME/stored series: each
pool's growth is the least-squares slope of its daily means over the last
90 days (ages 0-90 back from its last day to the day before the report)
times 90, counted only when the series has a day in its last week and one
90-96 days back. The free raw space (total less used) is divided by the
pools' raw growth (growth times replication, negatives as none), or by the
raw bytes they hold when none grew (raw used is at least the pools'
copies); a pool can hold its stored bytes plus
its part of the free raw space over its replication. Checks every figure
of report.json's pools against these to the four digits it keeps, that
the pools together hold no more than the usable space (raw over the
largest pool's replication), and prints the sums. Exits 1 and lists the
differences.
"""
import datetime as dt, sys

from reportrepo import agrees, latest


def growth(days, last):
    days = [d for d in days if dt.date.fromisoformat(d["date"][:10]) <= last]
    if not days:
        return None
    end = dt.date.fromisoformat(days[-1]["date"][:10])
    xs, ys, now, then = [], [], 0, 0
    for d in days:
        age = (end - dt.date.fromisoformat(d["date"][:10])).days
        now += age <= 6
        then += 90 <= age <= 96
        if age <= 90:
            xs.append(-age)
            ys.append(d["mean"])
    if not now or not then or len(xs) < 2:
        return None
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return 90 * sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)



def main():
    path, report, series = latest(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
    ceph = report["summary"]["ceph"]
    last = dt.date.fromisoformat(report["date"]) - dt.timedelta(days=1)
    largest = max((p for p in ceph["pools"] if p.get("replication")), key=lambda p: p["stored_bytes"])
    cluster_r = largest["replication"]
    want = {}
    for p in ceph["pools"]:
        r = p.get("replication") or cluster_r
        s = series.get("ceph/pool/%s/stored" % p["name"])
        want[p["name"]] = {"stored": p["stored_bytes"], "r": r, "growth": growth(s["days"], last) if s else None}
    # Raw use is at least the pools' copies.
    free = max(0, ceph["total_bytes"] - max(ceph["used_bytes"], sum(w["stored"] * w["r"] for w in want.values())))
    grown = sum(max(0, w["growth"]) * w["r"] for w in want.values() if w["growth"] is not None)
    held = sum(w["stored"] * w["r"] for w in want.values())
    for w in want.values():
        if grown > 0:
            w["share"] = max(0, w["growth"]) * w["r"] / grown if w["growth"] is not None else 0
        else:
            w["share"] = w["stored"] * w["r"] / held if held else 0
        w["capacity"] = w["stored"] + w["share"] * free / w["r"]
    got = report["pools"]
    bad = []
    if got["by_growth"] != (grown > 0):
        bad.append(f"by_growth {got['by_growth']}, want {grown > 0}")
    for k, v in (("raw_bytes", ceph["total_bytes"]), ("free_raw_bytes", free)):
        if not agrees(got[k], v):
            bad.append(f"{k} {got[k]}, want {v}")
    shares = got["shares"] + (got.get("system") or [])
    if sorted(s["pool"] for s in shares) != sorted(want):
        bad.append(f"pools {[s['pool'] for s in shares]}, want {sorted(want)}")
    total = 0
    for s in shares:
        w = want.get(s["pool"])
        if w is None:
            continue
        total += w["capacity"]
        for k, v in (("stored_bytes", w["stored"]), ("share", w["share"]), ("capacity_bytes", w["capacity"]), ("replication", w["r"])):
            if not agrees(s[k], v):
                bad.append(f"{s['pool']}: {k} {s[k]}, want {v}")
        g = s.get("growth")
        if (g is None) != (w["growth"] is None) or (g is not None and not agrees(g, w["growth"])):
            bad.append(f"{s['pool']}: growth {g}, want {w['growth']}")
        if (s["pool"].startswith(".") or s["pool"] == "device_health_metrics") != (s in (got.get("system") or [])):
            bad.append(f"{s['pool']}: listed {'apart' if s in (got.get('system') or []) else 'with the others'}")
    usable = ceph["total_bytes"] / cluster_r
    print(f"{path}: {len(shares)} pools hold {total / 2**40:.4f} TiB together; usable {usable / 2**40:.4f} TiB; "
          f"free raw {free / 2**40:.4f} TiB divided by {'growth' if grown > 0 else 'raw bytes held'}")
    for s in shares:
        w = want[s["pool"]]
        print(f"  {s['pool']}: stored {w['stored'] / 2**30:.2f} GiB, growth {'-' if w['growth'] is None else '%.2f GiB' % (w['growth'] / 2**30)}, "
              f"share {100 * w['share']:.2f}%, can hold {w['capacity'] / 2**30:.2f} GiB")
    if total > usable * (1 + 1e-9):
        bad.append(f"the pools hold {total}, more than the usable {usable}")
    if bad:
        print("\n".join(bad))
        sys.exit(1)
    print("every figure agrees")


if __name__ == "__main__":
    main()
