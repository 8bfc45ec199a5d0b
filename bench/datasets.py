#!/usr/bin/env python3
"""Derived forecasting datasets for the yardstick (stdlib only).

  bench/datasets.py cut DATASET_DIR LAST NAME OUT_DIR
      each series' training data cut to its LAST points, the same test:
      `cut ../shared/bench/data/m3-monthly 24 m3-monthly-24 OUT` is the
      planner's 12-month setting, a monthly forecast from two years.
  bench/datasets.py split DATASET_DIR OUT_DIR
      the series split in two by a seeded hash of their names (FNV-1a, 64
      bits, of "capplan-split-1:" + name; even: OUT_DIR/tuning, odd:
      OUT_DIR/reporting), each a dataset of its own: constants are chosen
      on the tuning half and reported on both.

  bench/datasets.py keep DATASET_DIR FORECAST_CSV OUT_CSV
      the rows of a forecast whose series the dataset holds: a half's
      rows of a forecast made for the whole set.

A dataset is a folder with train.csv, test.csv (series,timestamp,value)
and meta.json, as ../shared/bench/README.md says.
"""
import csv, json, os, sys
from collections import defaultdict, OrderedDict

SEED = "capplan-split-1:"


def fnv1a64(s):
    h = 0xCBF29CE484222325
    for b in s.encode():
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def half(name):
    return "tuning" if fnv1a64(SEED + name) % 2 == 0 else "reporting"


def read(path):
    rows = OrderedDict()
    with open(path, newline="") as f:
        r = csv.reader(f)
        if next(r) != ["series", "timestamp", "value"]:
            sys.exit(f"{path}: want the header series,timestamp,value")
        for name, ts, v in r:
            rows.setdefault(name, []).append((ts, v))
    return rows


def write(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["series", "timestamp", "value"])
        for name, pts in rows.items():
            for ts, v in pts:
                w.writerow([name, ts, v])


def dataset(src, dst, name, train, test):
    os.makedirs(dst, exist_ok=True)
    write(os.path.join(dst, "train.csv"), train)
    write(os.path.join(dst, "test.csv"), test)
    meta = json.load(open(os.path.join(src, "meta.json")))
    meta["source"] = f"{meta['name']}, {meta.get('source', '')}; derived by bench/datasets.py"
    meta["name"] = name
    json.dump(meta, open(os.path.join(dst, "meta.json"), "w"), indent=2)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "cut" and len(args) == 4:
        src, last, name, out = args[0], int(args[1]), args[2], args[3]
        train, test = read(os.path.join(src, "train.csv")), read(os.path.join(src, "test.csv"))
        dataset(src, out, name, OrderedDict((k, v[-last:]) for k, v in train.items()), test)
        print(f"{name}: {len(train)} series, the last {last} training points each")
    elif cmd == "split" and len(args) == 2:
        src, out = args
        train, test = read(os.path.join(src, "train.csv")), read(os.path.join(src, "test.csv"))
        name = json.load(open(os.path.join(src, "meta.json")))["name"]
        for h in ("tuning", "reporting"):
            keep = [k for k in train if half(k) == h]
            dataset(src, os.path.join(out, h), f"{name}-{h}",
                    OrderedDict((k, train[k]) for k in keep), OrderedDict((k, test[k]) for k in keep))
            print(f"{name} {h}: {len(keep)} series")
    elif cmd == "keep" and len(args) == 3:
        src, fc, out = args
        names = set(read(os.path.join(src, "train.csv")))
        with open(fc, newline="") as f, open(out, "w", newline="") as o:
            r, w = csv.reader(f), csv.writer(o, lineterminator="\n")
            w.writerow(next(r))
            w.writerows(row for row in r if row[0] in names)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
