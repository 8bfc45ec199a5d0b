#!/usr/bin/env python3
"""Daily bytes of a Git repository's checked-out tree, for the runway
benchmark's real cases (stdlib only).

  bench/real/trees.py GIT_DIR NAME >> bench/real/trees.csv

walks the first parents of HEAD, adds every commit's blob sizes
(`git log --raw`, `git cat-file --batch-check`) and writes, as
NAME,YYYY-MM-DDT00:00:00Z,BYTES, the tree's size at the end of each day on
which it changed. A day without a row holds the last value. Only the
stretch at the end in which every blob is present is written: a partial
clone may lack its largest files, and a size without them would be false.
"""
import datetime, subprocess, sys


def git(gitdir, *args, stdin=None):
    return subprocess.run(["git", "--git-dir", gitdir, *args], input=stdin,
                          capture_output=True, check=True).stdout.decode()


def main():
    gitdir, name = sys.argv[1], sys.argv[2]
    log = git(gitdir, "log", "--first-parent", "--reverse", "-m", "--raw", "--no-abbrev",
              "--no-renames", "--format=C %ct", "HEAD")
    commits, blobs = [], set()
    for line in log.splitlines():
        if line.startswith("C "):
            commits.append((int(line.split()[1]), []))
        elif line.startswith(":"):
            meta, path = line.split("\t", 1)
            f = meta.split()
            # f: old mode, new mode, old blob, new blob, status; 160000 is a submodule.
            new = None if f[4] == "D" or f[1] == "160000" else f[3]
            commits[-1][1].append((path, new))
            if new:
                blobs.add(new)
    size = {}
    out = git(gitdir, "cat-file", "--batch-check=%(objectname) %(objectsize)",
              stdin=("\n".join(sorted(blobs)) + "\n").encode())
    for line in out.splitlines():
        h, s = line.split()[:2]
        size[h] = None if s == "missing" else int(s)
    files, total, missing, days = {}, 0, 0, {}
    for ct, changes in commits:
        for path, new in changes:
            if path in files:
                old = files.pop(path)
                missing, total = (missing - 1, total) if old is None else (missing, total - old)
            if new is not None:
                files[path] = size[new]
                missing, total = (missing + 1, total) if size[new] is None else (missing, total + size[new])
        days[datetime.datetime.fromtimestamp(ct, datetime.timezone.utc).date()] = (total, missing)
    rows = sorted(days.items())
    start = len(rows)
    while start > 0 and rows[start - 1][1][1] == 0:
        start -= 1
    last = None
    for day, (total, _) in rows[start:]:
        if total != last:
            print(f"{name},{day.isoformat()}T00:00:00Z,{total}")
            last = total
    if start == len(rows):
        sys.exit(f"{name}: its last tree lacks a blob")


if __name__ == "__main__":
    main()
