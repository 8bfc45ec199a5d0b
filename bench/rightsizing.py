#!/usr/bin/env python3
"""Recompute a report's right-sizing from its report.json, independently.

usage: bench/rightsizing.py REPORT_JSON

From each container's usage as report.json lists it (cpu_p95_cores,
memory_max_bytes), krr's simple strategy as published (robusta-dev/krr:
strategies/simple.py, core/runner.py): a CPU request at the 95th
percentile rounded up to the millicore, at least 10m; a memory request at
the highest working set plus 15%, rounded up to the megabyte, at least
100 MB. Checks each recommendation (within the rounding of the four digits
report.json keeps: one millicore, one megabyte, and the request's
fourth digit), each change
((recommended - request) x pods), the freed and raised totals, and that
each namespace's containers' requests add up to the namespace's requests
in the summary where their pods are all its pods. Exits 1 and lists the
differences.
"""
import json, math, sys


def close(got, want, slack):
    return abs(got - want) <= slack + 5e-4 * abs(want)


def main():
    r = json.load(open(sys.argv[1]))
    rs = r["right_sizing"]
    bad = []
    freed_cpu = raised_cpu = freed_mem = raised_mem = 0.0
    by_ns = {}
    for z in rs["resizes"] or []:
        name = f"{z['namespace']}/{z['kind']}/{z['name']}/{z['container']}"
        pods = z["pods"]
        ns = by_ns.setdefault(z["namespace"], [0.0, 0.0, 0])
        ns[0] += z["cpu_request_cores"] * pods
        ns[1] += z["memory_request_bytes"] * pods
        ns[2] += pods
        if "cpu_p95_cores" in z:
            rec = max(math.ceil(z["cpu_p95_cores"] * 1000 - 1e-9) / 1000, 0.010)
            if not close(z["cpu_recommended_cores"], rec, 0.001):
                bad.append(f"{name}: CPU recommended {z['cpu_recommended_cores']}, krr {rec}")
            change = (rec - z["cpu_request_cores"]) * pods
            if not close(z["cpu_change_cores"], change, (0.001 + 5e-4 * z["cpu_request_cores"]) * pods):
                bad.append(f"{name}: CPU change {z['cpu_change_cores']}, want {change}")
            freed_cpu += max(0, -change)
            raised_cpu += max(0, change)
        if "memory_max_bytes" in z:
            rec = max(math.ceil(z["memory_max_bytes"] * 1.15 / 1e6 - 1e-9) * 1e6, 100e6)
            if not close(z["memory_recommended_bytes"], rec, 1e6):
                bad.append(f"{name}: memory recommended {z['memory_recommended_bytes']}, krr {rec}")
            change = (rec - z["memory_request_bytes"]) * pods
            if not close(z["memory_change_bytes"], change, (1e6 + 5e-4 * z["memory_request_bytes"]) * pods):
                bad.append(f"{name}: memory change {z['memory_change_bytes']}, want {change}")
            freed_mem += max(0, -change)
            raised_mem += max(0, change)
    n = len(rs["resizes"] or [])
    for k, want, slack in (("cpu_freed_cores", freed_cpu, 0.001 * n), ("cpu_raised_cores", raised_cpu, 0.001 * n),
                           ("memory_freed_bytes", freed_mem, 1e6 * n), ("memory_raised_bytes", raised_mem, 1e6 * n)):
        if not close(rs[k], want, slack):
            bad.append(f"{k} {rs[k]}, want {want}")
    for ns in r["summary"]["namespaces"]:
        got = by_ns.get(ns["name"])
        if not got or got[2] != ns["pods"]:
            continue
        req = ns["requests"]
        if not close(got[0], req["cpu_cores"], 0.001) or not close(got[1], req["memory_bytes"], 1e3):
            bad.append(f"namespace {ns['name']}: containers request {got[0]} cores, {got[1]} bytes; the summary {req['cpu_cores']}, {req['memory_bytes']}")
    print(f"{sys.argv[1]}: {n} containers; CPU freed {freed_cpu:.3f}, raised {raised_cpu:.3f}, net {freed_cpu - raised_cpu:+.3f} cores; "
          f"memory freed {freed_mem / 2**30:.2f}, raised {raised_mem / 2**30:.2f}, net {(freed_mem - raised_mem) / 2**30:+.2f} GiB; "
          f"{sum(1 for ns in r['summary']['namespaces'] if by_ns.get(ns['name'], [0, 0, -1])[2] == ns['pods'])} namespaces' requests add up")
    if bad:
        print("\n".join(bad))
        sys.exit(1)
    print("every figure agrees")


if __name__ == "__main__":
    main()
