#!/usr/bin/env python3
"""Summarise one SIPp run: stats.py DIR COUNT TARGET_RATE

Reads DIR/stat.csv (-trace_stat -stf stat.csv, last row) and DIR/*_rtt.csv (-trace_rtt -rtt_freq 1) and
prints one line of key=value fields:
  ok        successful calls (SuccessfulCall(C))
  failed    COUNT - ok: every call that did not succeed, including calls never started or cut by -timeout
  retrans   SIPp retransmissions (a server that loses or delays answers beyond 500 ms shows here first)
  rate      achieved rate: completions per second, from the first to the last response-time timestamp
  p50, p99  response time in ms (SIPp's rtd, read from a coarse clock: on this kernel it advances in
            4 ms steps, so 0 means under 4 ms and every value is a multiple of 4)
  probe_p50, probe_p99, probe_n, probe_fail
            from DIR/probe.txt when present (bench/sip/probe.py next to the load: microsecond clock)
"""
import glob
import os
import sys


def main(d, count, target):
    ok = failed_sipp = retrans = 0
    rows = []
    stat = os.path.join(d, "stat.csv")
    if os.path.exists(stat):
        lines = [l.rstrip("\n").split(";") for l in open(stat) if l.strip()]
        if len(lines) >= 2:
            head, last = lines[0], lines[-1]
            col = {k: i for i, k in enumerate(head)}

            def val(k):
                try:
                    return int(float(last[col[k]]))
                except (KeyError, ValueError, IndexError):
                    return 0
            ok, failed_sipp, retrans = val("SuccessfulCall(C)"), val("FailedCall(C)"), val("Retransmissions(C)")
    for f in glob.glob(os.path.join(d, "*_rtt.csv")):
        for l in open(f):
            p = l.strip().split(";")
            if len(p) >= 2 and p[0] != "Date_ms":
                try:
                    rows.append((float(p[0]), float(p[1])))
                except ValueError:
                    pass
    rows.sort()
    rtts = sorted(r for _, r in rows)

    def pct(q):
        if not rtts:
            return "-"
        return "%g" % rtts[min(len(rtts) - 1, int(q * len(rtts)))]
    probe, probe_fail = [], 0
    pf = os.path.join(d, "probe.txt")
    if os.path.exists(pf):
        for l in open(pf):
            try:
                probe.append(float(l))
            except ValueError:
                probe_fail += 1
    probe.sort()

    def ppct(q):
        return "%.2f" % probe[min(len(probe) - 1, int(q * len(probe)))] if probe else "-"
    rate = "-"
    if len(rows) > 1 and rows[-1][0] > rows[0][0]:
        rate = "%.0f" % ((len(rows) - 1) * 1000.0 / (rows[-1][0] - rows[0][0]))
    print("target=%s count=%d ok=%d failed=%d sipp_failed=%d retrans=%d rate=%s p50=%s p99=%s"
          " probe_p50=%s probe_p99=%s probe_n=%d probe_fail=%d"
          % (target, count, ok, count - ok, failed_sipp, retrans, rate, pct(0.50), pct(0.99),
             ppct(0.50), ppct(0.99), len(probe), probe_fail))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
