#!/usr/bin/env python3
"""Where the CPU goes in a JFR recording (bench/sip.sh PROFILE=1 writes bench-sip-patchbay-<test>.jfr).

  jfrtop.py FILE.jfr [N] [EXCLUDE]   EXCLUDE: regex of thread names to leave out (e.g. 'qtp|FelixStartLevel'
                                     for the SIP work without the user provisioning over HTTP)

Reads jdk.ExecutionSample events (`jfr print --json`, JDK 17+) and prints, out of all samples:
  - the top N methods by self time (top frame),
  - the top N methods by total time (anywhere on the stack, counted once per sample),
  - samples per thread group (thread name without its trailing number),
  - GC pauses, when recorded (jdk.GarbageCollection sum).
"""
import collections
import json
import re
import subprocess
import sys


def frames(event):
    st = event["values"].get("stackTrace") or {}
    out = []
    for f in st.get("frames", []):
        m = f.get("method") or {}
        t = (m.get("type") or {}).get("name", "?")
        out.append("%s.%s" % (t, m.get("name", "?")))
    return out


def main(path, n=25, exclude=None):
    raw = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events",
                          "jdk.ExecutionSample,jdk.GarbageCollection", path],
                         check=True, capture_output=True, text=True).stdout
    events = json.loads(raw)["recording"]["events"]
    samples = [e for e in events if e["type"] == "jdk.ExecutionSample"]
    if exclude:
        samples = [e for e in samples
                   if not re.search(exclude, ((e["values"].get("sampledThread") or {}).get("javaName")) or "")]
    gcs = [e for e in events if e["type"] == "jdk.GarbageCollection"]
    total = len(samples) or 1
    self_t, incl, threads, pkgs = collections.Counter(), collections.Counter(), collections.Counter(), collections.Counter()
    for e in samples:
        fs = frames(e)
        if fs:
            self_t[fs[0]] += 1
            pkgs["/".join(fs[0].split("/")[:3])] += 1
        for f in set(fs):
            incl[f] += 1
        name = ((e["values"].get("sampledThread") or {}).get("javaName")) or "?"
        threads[re.sub(r"[-_ ]?\d+$", "", name)] += 1
    print("%d execution samples" % len(samples))
    for title, c in (("self time", self_t), ("total time", incl), ("thread", threads), ("package of the top frame (3 levels)", pkgs)):
        print("\n-- %s" % title)
        for k, v in c.most_common(n):
            print("%5.1f%%  %s" % (100.0 * v / total, k))
    if gcs:
        def ms(d):
            if isinstance(d, (int, float)):
                return d / 1e6
            m = re.match(r"PT(?:([\d.]+)M)?([\d.]+)S", str(d))  # ISO-8601, e.g. PT0.017566076S
            return (float(m.group(1) or 0) * 60 + float(m.group(2))) * 1000 if m else 0.0
        pause = sum(ms(e["values"].get("sumOfPauses", 0)) for e in gcs)
        print("\n-- GC: %d collections, %.0f ms of pauses in total" % (len(gcs), pause))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 25, sys.argv[3] if len(sys.argv) > 3 else None)
