#!/usr/bin/env python3
"""Recompute a report's track record from its repository, independently.

usage: bench/track-record.py REPO [DAY]

REPO is a report repository's work tree (capplan demo --weeks 52 writes
one). DAY (YYYY-MM-DD, default the newest report) is the report whose
track_record is checked. Everything is read from the files a reader has:
the earlier reports' report.json (their daily forecasts and crossings)
and the repository's history.json (what happened). Exits 1 and lists the
differences when a figure disagrees.
"""
import datetime as dt
import glob
import json
import os
import sys


def day(s):
    return dt.date.fromisoformat(s[:10])


def steps(col):
    """A forecast written by column: (date, mean, lo80, hi80, lo95, hi95) a step."""
    start = day(col["from"])
    assert col["step"] == "day"
    return [(start + dt.timedelta(days=k), col["mean"][k], col["lo80"][k], col["hi80"][k], col["lo95"][k], col["hi95"][k])
            for k in range(len(col["mean"]))]


def sig4(x):
    return float(f"{x:.4g}")


def main():
    repo = sys.argv[1]
    reports = {}
    for path in glob.glob(os.path.join(repo, "reports", "*", "*", "report.json")):
        r = json.load(open(path))
        reports[r["date"]] = r
    dates = sorted(reports)
    target = sys.argv[2] if len(sys.argv) > 2 else dates[-1]
    today = day(target)
    earlier = [reports[d] for d in dates if day(d) < today][-52:]
    hist = json.load(open(os.path.join(repo, "history.json")))
    actual = {}
    for s in hist["series"]:
        actual[s["name"]] = {day(d["date"]): (d["mean"], d.get("peak", d["mean"])) for d in s["days"] if day(d["date"]) < today}
    through = max(max(v) for v in actual.values() if v)

    res, crossings = {}, []
    for e in earlier:
        edate = day(e["date"])
        for r in e["resources"]:
            days = actual.get(r["name"])
            if days is None:
                continue
            t = res.setdefault(r["name"], {"days": 0, "in80": 0, "in95": 0, "err": {30: [], 60: [], 90: []}})
            for k, (d, mean, lo80, hi80, lo95, hi95) in enumerate(steps(r["daily"])):
                if d > through or d not in days:
                    continue
                # The bands are kept to four significant digits: the day
                # is compared at that precision.
                a, kept = days[d][0], sig4(days[d][0])
                t["days"] += 1
                t["in80"] += lo80 <= kept <= hi80
                t["in95"] += lo95 <= kept <= hi95
                if k + 1 in t["err"]:
                    t["err"][k + 1].append(abs(mean - a))
            for c in r["crossings"]:
                if c.get("already") or not c.get("date"):
                    continue
                cdate = day(c["date"])
                if not (cdate < today and cdate <= through):
                    continue
                happened = None
                d = edate
                while d <= through:
                    if d in days and days[d][1 if c["peak"] else 0] >= c["level"]:
                        happened = d
                        break
                    d += dt.timedelta(days=1)
                early = day(c["earliest"]) if c.get("earliest") else None
                crossings.append({
                    "report": e["date"], "resource": r["name"], "threshold": c["name"], "date": c["date"][:10],
                    "outcome": "not yet" if happened is None else ("later" if happened > cdate else "by its date"),
                    "happened": happened.isoformat() if happened else None,
                    "early_held": None if happened is None or early is None else early <= happened,
                })

    got = reports[target]["track_record"]
    problems = []

    def expect(what, mine, theirs):
        if mine != theirs:
            problems.append(f"{what}: recomputed {mine}, report.json says {theirs}")

    expect("reports", len(earlier), got["reports"])
    expect("through", through.isoformat(), got["through"])
    total = {"days": 0, "in80": 0, "in95": 0}
    for r in got["resources"]:
        t = res.get(r["name"])
        if t is None:
            problems.append(f"{r['name']}: in report.json, not recomputed")
            continue
        for k in total:
            total[k] += t[k]
        expect(f"{r['name']} days", t["days"], r["days"])
        expect(f"{r['name']} within80", sig4(t["in80"] / t["days"]), r["within80"])
        expect(f"{r['name']} within95", sig4(t["in95"] / t["days"]), r["within95"])
        errs = {e["days_ahead"]: e for e in r["errors"]}
        for ahead, es in t["err"].items():
            if not es:
                expect(f"{r['name']} error {ahead}", None, errs.get(ahead))
                continue
            e = errs.get(ahead, {})
            expect(f"{r['name']} error {ahead} reports", len(es), e.get("reports"))
            expect(f"{r['name']} error {ahead}", sig4(sum(es) / len(es)), e.get("error"))
    expect("resources", sorted(res), sorted(r["name"] for r in got["resources"]))
    expect("days", total["days"], got["days"])
    expect("within80", sig4(total["in80"] / total["days"]), got["within80"])
    expect("within95", sig4(total["in95"] / total["days"]), got["within95"])
    key = lambda c: (c["report"], c["resource"], c["threshold"])
    mine = sorted(crossings, key=key)
    theirs = sorted(({k: c.get(k) for k in ("report", "resource", "threshold", "date", "outcome", "happened", "early_held")} for c in got["crossings"]), key=key)
    expect("crossings", mine, theirs)
    for k, outcome in (("by_date", "by its date"), ("later", "later"), ("not_yet", "not yet")):
        expect(k, sum(c["outcome"] == outcome for c in crossings), got[k])
    expect("expected", len(crossings), got["expected"])
    expect("early_held", sum(bool(c["early_held"]) for c in crossings), got["early_held"])
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"{target}: track record of {len(earlier)} earlier reports recomputed from report.json files and history.json: "
          f"{len(res)} resources, {total['days']} forecast days (80% {total['in80'] / total['days']:.3f}, 95% {total['in95'] / total['days']:.3f}), "
          f"{len(crossings)} crossings ({got['by_date']} by their date, {got['later']} later, {got['not_yet']} not yet): every figure agrees")


if __name__ == "__main__":
    main()
