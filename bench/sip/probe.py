#!/usr/bin/env python3
"""Response-time probe with microsecond timestamps (SIPp's clock is too coarse here: 4 ms steps).

  probe.py reg  HOST PORT USER DOMAIN PASSWORD SECONDS OUT
  probe.py call HOST PORT USER DOMAIN PASSWORD SECONDS OUT CALLEE

One transaction at a time over UDP from its own port, every 10 ms, for SECONDS (run it next to a SIPp load):
  reg   REGISTER, 401, REGISTER with digest, 200                      time: first REGISTER to the 200
  call  INVITE, 407, ACK, INVITE with digest, 1xx, 200, ACK, BYE, 200  time: first INVITE to the 200 of the INVITE
Writes one time in ms per line to OUT; a transaction without its answer within 2 s counts as a line "timeout".
Digest: MD5 or SHA-256 (the first offered), with or without qop=auth.
"""
import hashlib
import os
import random
import re
import socket
import sys
import time


def h(alg, s):
    return (hashlib.sha256 if alg.upper().startswith("SHA-256") else hashlib.md5)(s.encode()).hexdigest()


def parse_challenges(msg, header):
    out = []
    for line in msg.split("\r\n"):
        if line.lower().startswith(header.lower() + ":"):
            v = line.split(":", 1)[1].strip()
            if v.lower().startswith("digest"):
                out.append(dict((k.lower(), a or b) for k, a, b in re.findall(r'(\w+)\s*=\s*(?:"([^"]*)"|([^\s,]+))', v[6:])))
    for c in out:
        if c.get("algorithm", "MD5").upper() == "MD5":
            return c
    return out[0] if out else None


def authorization(ch, user, password, method, uri, nc):
    alg = ch.get("algorithm", "MD5")
    ha1 = h(alg, "%s:%s:%s" % (user, ch["realm"], password))
    ha2 = h(alg, "%s:%s" % (method, uri))
    parts = ['username="%s"' % user, 'realm="%s"' % ch["realm"], 'nonce="%s"' % ch["nonce"], 'uri="%s"' % uri]
    if "auth" in [q.strip() for q in ch.get("qop", "").split(",")]:
        cnonce = "%08x" % random.getrandbits(32)
        resp = h(alg, "%s:%s:%08x:%s:auth:%s" % (ha1, ch["nonce"], nc, cnonce, ha2))
        parts += ["qop=auth", "nc=%08x" % nc, 'cnonce="%s"' % cnonce]
    else:
        resp = h(alg, "%s:%s:%s" % (ha1, ch["nonce"], ha2))
    parts += ['response="%s"' % resp, "algorithm=%s" % alg]
    if "opaque" in ch:
        parts.append('opaque="%s"' % ch["opaque"])
    return "Digest " + ", ".join(parts)


class Probe:
    def __init__(self, host, port):
        self.dest = (host, port)
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind(("127.0.0.1", 0))
        self.lport = self.s.getsockname()[1]

    def send(self, msg):
        self.s.sendto(msg.encode(), self.dest)

    def recv(self, call_id, cseq_method, deadline, want_final=True):
        """Next response of this call and method (skips 1xx when want_final); None on timeout."""
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            self.s.settimeout(left)
            try:
                data, _ = self.s.recvfrom(65535)
            except socket.timeout:
                return None
            m = data.decode("utf-8", "replace")
            if not m.startswith("SIP/2.0 ") or ("Call-ID: " + call_id) not in m.replace("i: ", "Call-ID: "):
                continue
            if not re.search(r"^(CSeq|CSeq): *\d+ " + cseq_method + r"\r?$", m, re.M | re.I):
                continue
            code = int(m[8:11])
            if want_final and code < 200:
                continue
            return code, m

    def via(self):
        return "Via: SIP/2.0/UDP 127.0.0.1:%d;rport;branch=z9hG4bK%016x" % (self.lport, random.getrandbits(64))


def header(m, name):
    for line in m.split("\r\n"):
        if line.lower().startswith(name.lower() + ":"):
            return line.split(":", 1)[1].strip()
    return None


def headers(m, name):
    return [l.split(":", 1)[1].strip() for l in m.split("\r\n") if l.lower().startswith(name.lower() + ":")]


def register(p, user, domain, password):
    call_id, tag = "%016x@probe" % random.getrandbits(64), "%08x" % random.getrandbits(32)
    uri = "sip:" + domain

    def req(cseq, auth):
        return ("REGISTER %s SIP/2.0\r\n%s\r\nFrom: <sip:%s@%s>;tag=%s\r\nTo: <sip:%s@%s>\r\nCall-ID: %s\r\n"
                "CSeq: %d REGISTER\r\nContact: <sip:%s@127.0.0.1:%d>\r\nMax-Forwards: 70\r\nExpires: 3600\r\n%s"
                "Content-Length: 0\r\n\r\n") % (uri, p.via(), user, domain, tag, user, domain, call_id, cseq, user,
                                                  p.lport, auth)
    t0 = time.perf_counter()
    deadline = t0 + 2
    p.send(req(1, ""))
    r = p.recv(call_id, "REGISTER", deadline)
    if r is None:
        return None
    if r[0] == 401:
        ch = parse_challenges(r[1], "WWW-Authenticate")
        p.send(req(2, "Authorization: %s\r\n" % authorization(ch, user, password, "REGISTER", uri, 1)))
        r = p.recv(call_id, "REGISTER", deadline)
        if r is None:
            return None
    return (time.perf_counter() - t0) * 1000 if r[0] == 200 else "status %d" % r[0]


SDP = ("v=0\r\no=probe 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
       "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")


def call(p, user, domain, password, callee):
    call_id, tag = "%016x@probe" % random.getrandbits(64), "%08x" % random.getrandbits(32)
    ruri = "sip:%s@%s" % (callee, domain)
    sdp = SDP % (p.lport + 2)
    frm = "From: <sip:%s@%s>;tag=%s" % (user, domain, tag)

    def invite(cseq, auth, via):
        return ("INVITE %s SIP/2.0\r\n%s\r\n%s\r\nTo: <%s>\r\nCall-ID: %s\r\nCSeq: %d INVITE\r\n"
                "Contact: <sip:%s@127.0.0.1:%d>\r\nMax-Forwards: 70\r\n%sContent-Type: application/sdp\r\n"
                "Content-Length: %d\r\n\r\n%s") % (ruri, via, frm, ruri, call_id, cseq, user, p.lport, auth, len(sdp), sdp)
    t0 = time.perf_counter()
    deadline = t0 + 2
    via1 = p.via()
    p.send(invite(1, "", via1))
    r = p.recv(call_id, "INVITE", deadline)
    if r is None:
        return None
    if r[0] in (401, 407):
        p.send(("ACK %s SIP/2.0\r\n%s\r\n%s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\n"
                "Content-Length: 0\r\n\r\n") % (ruri, via1, frm, header(r[1], "To"), call_id))
        hdr = "Proxy-Authenticate" if r[0] == 407 else "WWW-Authenticate"
        ch = parse_challenges(r[1], hdr)
        auth = "%s: %s\r\n" % ("Proxy-Authorization" if r[0] == 407 else "Authorization",
                               authorization(ch, user, password, "INVITE", ruri, 1))
        p.send(invite(2, auth, p.via()))
        r = p.recv(call_id, "INVITE", deadline)
        if r is None:
            return None
    elapsed = (time.perf_counter() - t0) * 1000
    if r[0] != 200:
        return "status %d" % r[0]
    m = r[1]
    to = header(m, "To")
    contact = re.search(r"<([^>]+)>", header(m, "Contact") or "")
    target = contact.group(1) if contact else ruri
    routes = []
    for rr in headers(m, "Record-Route"):
        routes += [x.strip() for x in rr.split(",")]
    routes.reverse()
    route = "".join("Route: %s\r\n" % x for x in routes)
    cseq = int(re.search(r"\d+", header(m, "CSeq")).group())
    p.send(("ACK %s SIP/2.0\r\n%s\r\n%s%s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %d ACK\r\nMax-Forwards: 70\r\n"
            "Content-Length: 0\r\n\r\n") % (target, p.via(), route, frm, to, call_id, cseq))
    p.send(("BYE %s SIP/2.0\r\n%s\r\n%s%s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %d BYE\r\nMax-Forwards: 70\r\n"
            "Content-Length: 0\r\n\r\n") % (target, p.via(), route, frm, to, call_id, cseq + 1))
    p.recv(call_id, "BYE", time.perf_counter() + 2)
    return elapsed


def main(a):
    if len(a) < 8 or a[0] not in ("reg", "call") or (a[0] == "call" and len(a) < 9):
        sys.exit(__doc__)
    kind, host, port, user, domain, password, seconds, out = a[:8]
    p = Probe(host, int(port))
    end = time.time() + float(seconds)
    with open(out, "w") as f:
        while time.time() < end:
            t = time.perf_counter()
            if kind == "reg":
                r = register(p, user, domain, password)
            else:
                r = call(p, user, domain, password, a[8])
            f.write(("%.3f\n" % r) if isinstance(r, float) else ("%s\n" % (r or "timeout")))
            f.flush()
            time.sleep(max(0.0, 0.010 - (time.perf_counter() - t)))


if __name__ == "__main__":
    main(sys.argv[1:])
