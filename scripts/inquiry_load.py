#!/usr/bin/env python3
"""Inquiry load test (issue 20): a steady stream of buyer inquiries, real and spam, from many
simulated IPs, against a Wharf server this script starts on loopback.

usage: inquiry_load.py [--wharf target/release/wharf] [--rate 200] [--seconds 60]
                       [--spam 0.3] [--workers 32] [--postgres postgres://user@host:port]

What it does:
1. starts `wharf serve` on a fresh data folder (SQLite; with --postgres, a fresh database
   `wharf_inquiry_load` there) with WHARF_TRUST_PROXY_HEADERS=true, so that each submission's
   `X-Forwarded-For` is its client IP (one new IP per real buyer: 10.x.y.z);
2. registers an owner and creates a site;
3. fetches one form token per submission (`inquiryForm`), then waits until they are old enough;
4. sends `submitInquiry` at --rate per second for --seconds, each at its own slot of the
   schedule (an open model: a slow answer does not slow the senders). A share --spam of them are
   spam of four kinds: the honeypot filled, too many links, a form token already used by an
   earlier real buyer, and a copy (same e-mail and message) of an earlier real buyer's inquiry;
5. reads the stored inquiries from the database and checks that every real one is stored exactly
   once outside the spam folder and every spam one is in the spam folder; reports the latency
   of submitInquiry (from its scheduled time, so queueing counts), and the server's VmRSS
   sampled every second.
Exits non-zero when an inquiry is missing, doubled or misfiled, or a submission failed.
Only the standard library; psql for --postgres.
"""
import argparse
import http.client
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

PORT = 18230
DOMAIN = "load-test.example.com"


def gql(query, variables=None, token=None, ip=None, conn=None):
    body = json.dumps({"query": query, "variables": variables or {}})
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    if ip:
        headers["x-forwarded-for"] = ip
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    try:
        conn.request("POST", "/graphql", body, headers)
        resp = conn.getresponse()
        data = json.loads(resp.read())
        return resp.status, data
    finally:
        if own:
            conn.close()


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return 0
    return 0


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else 0.0


def main():
    ap = argparse.ArgumentParser()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target"))
    ap.add_argument("--wharf", default=os.path.join(target, "release", "wharf"))
    ap.add_argument("--rate", type=int, default=200)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--spam", type=float, default=0.3)
    ap.add_argument("--workers", type=int, default=32)
    ap.add_argument("--postgres")
    args = ap.parse_args()
    rnd = random.Random(20)

    work = tempfile.mkdtemp(prefix="wharf-inquiry-load-")
    env = dict(os.environ, WHARF_DATA_DIR=work, WHARF_PORT=str(PORT), WHARF_TRUST_PROXY_HEADERS="true",
               WHARF_WORKERS="2", RUST_LOG="error")
    if args.postgres:
        subprocess.run(["psql", "-q", f"{args.postgres}/postgres", "-c", "DROP DATABASE IF EXISTS wharf_inquiry_load",
                        "-c", "CREATE DATABASE wharf_inquiry_load"], check=True)
        env["WHARF_DATABASE_URL"] = f"{args.postgres}/wharf_inquiry_load"
    server = subprocess.Popen([args.wharf, "serve"], env=env, stdout=open(os.path.join(work, "server.log"), "w"),
                              stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        return run(args, rnd, server, work)
    finally:
        server.terminate()
        server.wait()


def run(args, rnd, server, work):
    _, data = gql("mutation($i: RegisterInput!) { register(input: $i) { accessToken } }",
                  {"i": {"email": "owner@load-test.example.com", "password": "correct horse battery", "displayName": "Owner"}})
    owner = data["data"]["register"]["accessToken"]
    _, data = gql("mutation($i: CreateSiteInput!) { createSite(input: $i) { id } }",
                  {"i": {"name": "Load test", "domain": DOMAIN, "defaultLocale": "en", "locales": ["zh-CN"]}}, token=owner)
    assert "errors" not in data, data

    total = args.rate * args.seconds
    kinds = []
    for i in range(total):
        if i >= args.rate and rnd.random() < args.spam:
            kinds.append(rnd.choice(["honeypot", "links", "reused_token", "duplicate"]))
        else:
            kinds.append("real")
    ips = [f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}" for i in range(total)]

    print(f"fetching {total} form tokens ...", flush=True)
    tokens = [None] * total
    fetch_errors = []

    def fetch(lo, hi):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        for i in range(lo, hi):
            status, data = gql("mutation($s: String!) { inquiryForm(site: $s) { token notBefore } }", {"s": DOMAIN},
                               ip=ips[i], conn=conn)
            if status != 200 or "errors" in data:
                fetch_errors.append(data)
                continue
            tokens[i] = data["data"]["inquiryForm"]["token"]
        conn.close()

    step = (total + args.workers - 1) // args.workers
    threads = [threading.Thread(target=fetch, args=(lo, min(total, lo + step))) for lo in range(0, total, step)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if fetch_errors:
        print(f"FAILED: {len(fetch_errors)} inquiryForm errors, first: {fetch_errors[0]}")
        return 1
    time.sleep(3.5)  # WHARF_INQUIRY_TOKEN_MIN_AGE_SECS (3) and a margin

    countries = ["DE", "US", "NG", "BR", "IN", "AE", "FR", "PL", "VN", "MX"]
    words = ("valves flanges DN50 stainless FOB Ningbo CIF Hamburg quotation MOQ sample lead time "
             "packaging certificate ISO drawing tolerance shipment container price").split()
    inputs = []
    real_of = []  # indexes of real submissions, in order
    for i, kind in enumerate(kinds):
        email = f"buyer{i}@example-buyer{i % 97}.com"
        message = f"Inquiry {i}: " + " ".join(rnd.choice(words) for _ in range(25))
        token, ip, extra = tokens[i], ips[i], {}
        if kind == "honeypot":
            extra["website"] = "http://cheap-seo.example"
        elif kind == "links":
            message += " " + " ".join(f"https://spam{j}.example/x" for j in range(8))
        elif kind in ("reused_token", "duplicate"):
            # An earlier real buyer's (sent at least a second of slots before this one).
            earlier = [r for r in real_of if r <= i - args.rate]
            src = rnd.choice(earlier)
            if kind == "reused_token":
                token = tokens[src]
            else:
                email, message = inputs[src]["email"], inputs[src]["message"]
        if kind == "real":
            real_of.append(i)
        inputs.append({"site": DOMAIN, "name": f"Buyer {i}", "email": email, "company": f"Company {i % 500}",
                       "country": countries[i % len(countries)], "message": message, "locale": "en",
                       "sourceUrl": f"https://{DOMAIN}/products/valve-{i % 40}", "formToken": token, **extra})

    print(f"sending {total} inquiries at {args.rate}/s ({sum(k != 'real' for k in kinds)} spam) ...", flush=True)
    latencies = [None] * total
    failures = []
    rss = []
    start = time.monotonic() + 0.5
    done = threading.Event()

    def sample():
        while not done.is_set():
            rss.append(rss_kb(server.pid))
            time.sleep(1)

    next_index = [0]
    lock = threading.Lock()

    def send():
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        while True:
            with lock:
                i = next_index[0]
                next_index[0] += 1
            if i >= total:
                break
            slot = start + i / args.rate
            delay = slot - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            try:
                status, data = gql("mutation($i: SubmitInquiryInput!) { submitInquiry(input: $i) { reference } }",
                                   {"i": inputs[i]}, ip=ips[i], conn=conn)
            except (OSError, http.client.HTTPException) as e:
                failures.append((i, repr(e)))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                continue
            latencies[i] = time.monotonic() - slot
            if status != 200 or "errors" in data:
                failures.append((i, data))
        conn.close()

    sampler = threading.Thread(target=sample)
    sampler.start()
    rss_before = rss_kb(server.pid)
    senders = [threading.Thread(target=send) for _ in range(args.workers)]
    for t in senders:
        t.start()
    for t in senders:
        t.join()
    elapsed = time.monotonic() - start
    time.sleep(2)
    done.set()
    sampler.join()
    rss_after = rss_kb(server.pid)

    stored = read_stored(args, work)
    by_email_real = {}
    spam_emails = {}
    for email, status, message in stored:
        if status == "spam":
            spam_emails[(email, message)] = spam_emails.get((email, message), 0) + 1
        else:
            by_email_real[(email, message)] = by_email_real.get((email, message), 0) + 1
    problems = []
    for i, kind in enumerate(kinds):
        key = (inputs[i]["email"], inputs[i]["message"])
        if kind == "real" and by_email_real.get(key, 0) != 1:
            problems.append(f"real #{i}: stored {by_email_real.get(key, 0)} times outside spam")
        if kind != "real" and spam_emails.get(key, 0) < 1:
            problems.append(f"{kind} #{i}: not in the spam folder")
    expected = total
    lat = [x * 1000 for x in latencies if x is not None]
    print(json.dumps({
        "database": "postgres" if args.postgres else "sqlite",
        "sent": total, "real": kinds.count("real"), "spam": total - kinds.count("real"),
        "stored": len(stored), "expected_stored": expected,
        "seconds": round(elapsed, 1), "achieved_per_second": round(total / elapsed, 1),
        "failures": len(failures), "first_failure": failures[0] if failures else None,
        "latency_ms": {"p50": round(percentile(lat, 50), 1), "p90": round(percentile(lat, 90), 1),
                       "p99": round(percentile(lat, 99), 1), "max": round(max(lat, default=0), 1)},
        "vmrss_mib": {"before": round(rss_before / 1024, 1), "min": round(min(rss, default=0) / 1024, 1),
                      "max": round(max(rss, default=0) / 1024, 1), "after": round(rss_after / 1024, 1),
                      "per_10s": [round(x / 1024) for x in rss[::10]]},
        "problems": problems[:10], "problem_count": len(problems),
    }, indent=1))
    return 1 if problems or failures or len(stored) != expected else 0


def read_stored(args, work):
    sql = "SELECT email, status, message FROM inquiries"
    if args.postgres:
        out = subprocess.run(["psql", "-Atq", "-F", "\t", f"{args.postgres}/wharf_inquiry_load", "-c", sql],
                             capture_output=True, text=True, check=True).stdout
        return [tuple(line.split("\t", 2)) for line in out.splitlines() if line]
    db = sqlite3.connect(os.path.join(work, "wharf.db"))
    return db.execute(sql).fetchall()


if __name__ == "__main__":
    sys.exit(main())
