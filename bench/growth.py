#!/usr/bin/env python3
"""Recompute a report's "Who drives growth" from its repository, independently.

usage: bench/growth.py REPO [DAY]

REPO is a report repository's work tree (capplan demo writes one); DAY
(YYYY-MM-DD, default the newest report) the report whose growth section is
checked. From history.json alone: for each resource, the last week's mean
of the daily means less the mean of the week 90 days before (ages 0-6 and
90-96 days back from the cluster series' last day), and the least-squares
slope of the daily means over the last 90 days (ages 0-90) times 90; for
each group of report.json's growth section, the same summed over its
namespaces' series (namespace/NS/RESOURCE). Checks that every figure agrees
to the four digits report.json keeps, and that the groups and the
remainder add up to the cluster. Exits 1 and lists the differences.
"""
import datetime as dt, sys

from reportrepo import agrees, latest


def trend(days, end):
    now, then, xs, ys = [], [], [], []
    for d in days:
        age = (end - dt.date.fromisoformat(d["date"][:10])).days
        if age < 0 or age > 96:
            continue
        if age <= 6:
            now.append(d["mean"])
        elif age >= 90:
            then.append(d["mean"])
        if age <= 90:
            xs.append(-age)
            ys.append(d["mean"])
    if not now or not then or len(xs) < 2:
        return None
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return sum(now) / len(now) - sum(then) / len(then), slope * 90



def main():
    _, report, series = latest(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
    bad, checked = [], 0
    for g in report.get("growth") or []:
        res = g["resource"]
        cluster = series[res]
        # The history as the report saw it: to the day before its date.
        last = dt.date.fromisoformat(report["date"]) - dt.timedelta(days=1)
        days = [d for d in cluster["days"] if dt.date.fromisoformat(d["date"][:10]) <= last]
        end = dt.date.fromisoformat(days[-1]["date"][:10])
        past, nxt = trend(days, end)
        sums = [0.0, 0.0]
        for name, got, want in [("past", g["past"], past), ("next", g["next"], nxt)]:
            checked += 1
            if not agrees(got, want):
                bad.append(f"{res} {name}: report {got}, recomputed {want}")
        for grp in g["groups"]:
            gp = gn = 0.0
            for ns in grp["namespaces"]:
                s = series[f"namespace/{ns}/{res}"]
                p, n = trend([d for d in s["days"] if dt.date.fromisoformat(d["date"][:10]) <= last], end)
                gp, gn = gp + p, gn + n
            sums[0] += gp
            sums[1] += gn
            for name, got, want in [("past", grp["past"], gp), ("next", grp["next"], gn)]:
                checked += 1
                if not agrees(got, want):
                    bad.append(f"{res} {grp['name']} {name}: report {got}, recomputed {want}")
            for key, part, whole in [("past_share", gp, past), ("next_share", gn, nxt)]:
                if whole > 0:
                    checked += 1
                    if key not in grp or not agrees(grp[key], part / whole):
                        bad.append(f"{res} {grp['name']} {key}: report {grp.get(key)}, recomputed {part / whole}")
        for name, other, whole, parts in [("past", g["other_past"], past, sums[0]), ("next", g["other_next"], nxt, sums[1])]:
            checked += 1
            if abs(other - (whole - parts)) > 5e-4 * max(abs(whole), 1e-12):
                bad.append(f"{res} other {name}: report {other}, the cluster less the groups {whole - parts}")
    day = report["date"]
    if bad:
        print(f"{day}: {len(bad)} of {checked} growth figures disagree:")
        for b in bad:
            print("  " + b)
        sys.exit(1)
    print(f"{day}: {checked} growth figures of {len(report.get('growth') or [])} resources recomputed from history.json: every figure agrees, and the groups add up to the cluster")


if __name__ == "__main__":
    main()
