#!/usr/bin/env python3
"""compare.py - the side-by-side summary of one bench/media.sh run.

  compare.py RESULTS.jsonl REF_LABEL TEST_LABEL [EQUAL_N ...]

Reads the bench.py result lines of both series (labels as given to bench.py --label; the cleanest attempt per call
count, as report.py picks it) and prints a markdown table:
  - capacity: the largest call count with loss < 0.1 % and a generator that kept its schedule (and, separately, with
    p99 added delay < 50 ms as well: an overloaded relay queues before it drops);
  - relay CPU per 100 calls and p99 added delay at each EQUAL_N both series measured (default 250 500);
  - the ratios test / reference.
"""
import json
import re
import sys


def series(path, label):
    by_n = {}
    for ln in open(path):
        ln = ln.strip()
        if not ln:
            continue
        r = json.loads(ln)
        if re.sub(r"-n\d+-\d+$", "", r["label"]) == label:
            by_n.setdefault(r["calls"], []).append(r)
    out, verdict = {}, {}
    for n, att in by_n.items():
        valid = [r for r in att if r.get("valid")] or att
        out[n] = min(valid, key=lambda r: r.get("foreign_cpu", 0.0))
        verdict[n] = att[-1]  # bench.py's verdict: its last attempt (a failure is confirmed by a re-run)
    return out, verdict


def capacity(s, p99_ms=None):
    """The largest call count whose step passed, below the first valid step that failed; steps the generator could
    not keep up with (GEN!) neither pass nor fail."""
    best = None
    for n in sorted(s):
        r = s[n]
        if not r.get("valid"):
            continue
        ok = r["loss_pct"] is not None and r["loss_pct"] < 0.1
        if ok and p99_ms is not None:
            ok = r.get("transit_p99_us") is not None and r["transit_p99_us"] < p99_ms * 1000
        if not ok:
            break
        best = n
    return best


def fmt(x, f="%.2f"):
    return "-" if x is None else f % x


def ratio(a, b, f="**%.2f×**"):
    return "-" if a is None or b in (None, 0) else f % (a / b)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    path, ref, test = sys.argv[1:4]
    equal = [int(x) for x in sys.argv[4:]] or [250, 500]
    (a, va), (b, vb) = series(path, ref), series(path, test)
    top = max(list(a) + list(b) + [0])
    print("| | %s | %s | %s / %s |" % (ref, test, test, ref))
    print("|---|---:|---:|---:|")
    for title, p in (("capacity: calls at < 0.1 % loss", None), ("capacity: calls at < 0.1 % loss and p99 < 50 ms", 50)):
        ca, cb = capacity(va, p), capacity(vb, p)
        note = lambda c, s: fmt(c, "%d") + (" (top of the ramp)" if c is not None and c == max(s) and c == top else "")
        print("| %s | %s | %s | %s |" % (title, note(ca, a), note(cb, b), ratio(cb, ca)))
    for n in equal:
        ra, rb = a.get(n), b.get(n)
        cpu = lambda r: None if r is None or r.get("cpu_relay") is None else r["cpu_relay"] * 100.0 / n
        gen = lambda r: "" if r is None or r.get("valid") else " (GEN!)"
        print("| relay CPU per 100 calls at %d calls (%% of a core) | %s%s | %s%s | %s |" % (
            n, fmt(cpu(ra), "%.1f"), gen(ra), fmt(cpu(rb), "%.1f"), gen(rb), ratio(cpu(rb), cpu(ra))))
        p99 = lambda r: None if r is None or r.get("transit_p99_us") is None else r["transit_p99_us"] / 1000.0
        print("| p99 added delay at %d calls (ms) | %s%s | %s%s | %s |" % (
            n, fmt(p99(ra)), gen(ra), fmt(p99(rb)), gen(rb), ratio(p99(rb), p99(ra))))
    print()
    print("GEN! = the generator fell behind its schedule in that step (the machine, not the relay, was the limit):"
          " not a valid measurement of the relay; capacity skips such steps.")


if __name__ == "__main__":
    main()
