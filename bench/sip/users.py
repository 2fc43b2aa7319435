#!/usr/bin/env python3
"""Bench users: user00000..user<N-1>, one password, one domain.

  users.py csv  COUNT DOMAIN PASSWORD [FIRST]   SIPp injection file on stdout (SEQUENTIAL,
                                                 `user;[authentication username=user password=P];domain`)
  users.py rest COUNT DOMAIN PASSWORD BASE_URL TOKEN_FILE [THREADS]
                                                 creates them on a Patchbay node: POST /api/v1/users with the
                                                 admin token, keep-alive connections; 409 (exists) counts as done.
Exit status 1 when any user could not be created (the first errors are printed).
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse


def name(i):
    return "user%05d" % i


def csv(count, domain, password, first=0):
    out = ["SEQUENTIAL"]
    for i in range(first, first + count):
        out.append("%s;[authentication username=%s password=%s];%s" % (name(i), name(i), password, domain))
    sys.stdout.write("\n".join(out) + "\n")


def rest(count, domain, password, base, token_file, threads=4):
    token = open(token_file).read().strip()
    url = urllib.parse.urlsplit(base)
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json; charset=utf-8"}
    errors, done, lock = [], [0], threading.Lock()

    def work(k):
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        for i in range(k, count, threads):
            body = json.dumps({"user": "%s@%s" % (name(i), domain), "password": password})
            for attempt in range(3):
                try:
                    conn.request("POST", "/api/v1/users", body, headers)
                    r = conn.getresponse()
                    text = r.read()
                    break
                except (OSError, http.client.HTTPException) as e:
                    conn.close()
                    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
                    r, text = None, str(e).encode()
            with lock:
                if r is not None and r.status in (201, 409):
                    done[0] += 1
                else:
                    errors.append("%s: %s %s" % (name(i), r.status if r else "-", text[:200].decode("utf-8", "replace")))
        conn.close()

    start = time.time()
    ts = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    print("provisioned %d/%d users in %.1f s" % (done[0], count, time.time() - start), file=sys.stderr)
    for e in errors[:5]:
        print("  " + e, file=sys.stderr)
    return 0 if not errors else 1


if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) >= 4 and a[0] == "csv":
        csv(int(a[1]), a[2], a[3], int(a[4]) if len(a) > 4 else 0)
    elif len(a) >= 6 and a[0] == "rest":
        sys.exit(rest(int(a[1]), a[2], a[3], a[4], a[5], int(a[6]) if len(a) > 6 else 4))
    else:
        sys.exit(__doc__)
