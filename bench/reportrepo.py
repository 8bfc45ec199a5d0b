"""What the checks of a report repository share: the latest report (or
the one of a given day) with the repository's history.json, and the
agreement report.json's four significant digits allow."""

import glob, json, os, sys


def latest(repo, day=None):
    """The path and content of the report.json of day (YYYY-MM-DD), else
    the latest, and history.json's series by name, from the repository at
    repo."""
    reports = sorted(glob.glob(os.path.join(repo, "reports", "*", "*", "report.json")))
    if day:
        reports = [r for r in reports if os.path.basename(os.path.dirname(r)) == day]
    if not reports:
        sys.exit(f"{repo}: no report.json" + (f" of {day}" if day else ""))
    report = json.load(open(reports[-1]))
    series = {s["name"]: s for s in json.load(open(os.path.join(repo, "history.json")))["series"]}
    return reports[-1], report, series


def agrees(got, want):
    # report.json keeps four significant digits.
    return abs(got - want) <= 5e-4 * max(abs(want), 1e-12) + 1e-9
