#!/usr/bin/env python3
"""What a search through Wharf costs over the same search sent to Meilisearch directly (issue 15,
point 6), at several article counts.

    scripts/search_overhead.py --database postgres://postgres@127.0.0.1:5432/postgres \\
        --n 1000 --n 100000

For each N: a fresh PostgreSQL database and a fresh Meilisearch (`../shared/bin/meilisearch`),
N published articles of varied English and Chinese text (`seed_bench.py --varied`) indexed with
`wharf reindex`, then a release `wharf serve` with the response cache off. wrk sends, in turns,
1. Meilisearch directly: the request Wharf's `search` sends it (the query, the site and status
   filter, tag facets, highlights in title, excerpt and body, the body cropped to a snippet);
2. Wharf: the GraphQL `search` asking for what that request gives (hits with their article's ID,
   title and slug, highlights and snippet, tag counts, the total).
Each for DURATION at CONNECTIONS connections, ROUNDS times; the figures are wrk's latency
percentiles and requests per second, and the ratio of the p50s. Needs wrk, psql and a release
build (`cargo build --release`).
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from search_indexing_bench import MEILI_KEY, ROOT, Wharf  # noqa: E402

DOMAIN = "bench.example.com"
# The marks Wharf asks Meilisearch to put around matches (`search::text::MARK_START/END`), the
# words of a snippet (`search::snippet::CROP_WORDS`) and its cut marker.
MARK_START, MARK_END, CROP_WORDS, CROP_MARKER = "\ue000", "\ue001", 30, "…"


def meili_body(query, site_id, first):
    return {
        "q": query,
        "offset": 0,
        "limit": first,
        "filter": f'status = "published" AND site = "{site_id}"',
        "facets": ["tags"],
        "attributesToRetrieve": ["id", "title", "excerpt", "tags", "publishedAt"],
        "attributesToHighlight": ["title", "excerpt", "body"],
        "highlightPreTag": MARK_START,
        "highlightPostTag": MARK_END,
        "attributesToCrop": [f"body:{CROP_WORDS}"],
        "cropMarker": CROP_MARKER,
        "matchingStrategy": "all",
    }


def wharf_body(query, first):
    q = ("query($q: String!, $site: String!, $first: Int!) { search(query: $q, site: $site, first: $first) {"
         " estimatedTotal tagCounts { tag count } hits { article { id title slug }"
         " titleHighlight excerptHighlight snippet } } }")
    return {"query": q, "variables": {"q": query, "site": DOMAIN, "first": first}}


def post(url, body, headers=None):
    req = urllib.request.Request(url, data=json.dumps(body).encode(),
                                 headers={"content-type": "application/json", **(headers or {})})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read())


def lua(path, body, headers):
    lines = ['wrk.method = "POST"', 'wrk.headers["Content-Type"] = "application/json"']
    lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    lines += [f'local f = io.open("{path}.json")', "wrk.body = f:read(\"*a\")", "f:close()"]
    with open(path + ".json", "w") as f:
        json.dump(body, f, ensure_ascii=False)
    with open(path + ".lua", "w") as f:
        f.write("\n".join(lines) + "\n")
    return path + ".lua"


def to_ms(text):
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def wrk(script, url, args):
    out = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}", "--latency", "-s", script, url],
                         check=True, capture_output=True, text=True).stdout
    p = {k: to_ms(v) for k, v in re.findall(r"^\s+(50|90|99)%\s+(\S+)", out, re.M)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise SystemExit(f"{url}: {non2xx.group(1)} failed responses\n{out}")
    return {"p50": p["50"], "p90": p["90"], "p99": p["99"], "rps": rps}


def wait_indexed(meili_url, uid, n, timeout=7200):
    auth = {"authorization": f"Bearer {MEILI_KEY}"}
    deadline = time.time() + timeout
    while time.time() < deadline:
        req = urllib.request.Request(f"{meili_url}/indexes/{uid}/stats", headers=auth)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                stats = json.loads(r.read())
            if stats["numberOfDocuments"] >= n and not stats["isIndexing"]:
                return
        except urllib.error.HTTPError:
            pass
        time.sleep(1)
    raise SystemExit(f"{n} documents not indexed within {timeout} s")


def measure(args, n):
    args.database = args.database or "postgres://postgres@127.0.0.1:5432/postgres"
    w = Wharf(args, "meilisearch", f"overhead-{n}")
    try:
        db = w.env["WHARF_DATABASE_URL"]
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "seed_bench.py"), db, str(n), DOMAIN, "--varied"],
                       check=True, capture_output=True)
        t0 = time.time()
        w.cli("reindex")
        uid = w.env["WHARF_MEILI_INDEX_PREFIX"] + "_articles"
        wait_indexed(w.meili.url, uid, n)
        indexed_s = time.time() - t0
        w.serve()
        site_id = w.gql("query($d: String!) { site(domain: $d) { id } }", {"d": DOMAIN})["site"]["id"]
        work = tempfile.mkdtemp(prefix="search-overhead-")
        rows = []
        for query in args.query:
            direct = meili_body(query, site_id, args.first)
            through = wharf_body(query, args.first)
            meili_url = f"{w.meili.url}/indexes/{uid}/search"
            wharf_url = f"http://127.0.0.1:{w.port}/graphql"
            # The two answer the same: same total, same hits in the same order.
            d = post(meili_url, direct, {"authorization": f"Bearer {MEILI_KEY}"})
            t = post(wharf_url, through)["data"]["search"]
            same = [h["id"] for h in d["hits"]] == [h["article"]["id"] for h in t["hits"]]
            if not same or d["estimatedTotalHits"] != t["estimatedTotal"]:
                raise SystemExit(f"{query!r}: Meilisearch and Wharf disagree: {d['estimatedTotalHits']} vs {t['estimatedTotal']}")
            s_direct = lua(os.path.join(work, "direct"), direct, {"Authorization": f"Bearer {MEILI_KEY}"})
            s_wharf = lua(os.path.join(work, "wharf"), through, {})
            runs = {"direct": [], "wharf": []}
            for _ in range(args.rounds):
                runs["direct"].append(wrk(s_direct, meili_url, args))
                runs["wharf"].append(wrk(s_wharf, wharf_url, args))

            def med(side, key):
                return statistics.median(r[key] for r in runs[side])

            rows.append({
                "n": n, "query": query, "hits_total": d["estimatedTotalHits"],
                "direct": {k: med("direct", k) for k in ("p50", "p90", "p99", "rps")},
                "wharf": {k: med("wharf", k) for k in ("p50", "p90", "p99", "rps")},
                "ratio_p50": round(med("wharf", "p50") / med("direct", "p50"), 2),
                "runs": runs,
            })
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
        return {"n": n, "indexed_s": round(indexed_s, 1), "rows": rows}
    finally:
        w.stop()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, action="append", help="article counts (default 1000 and 100000)")
    p.add_argument("--query", action="append", help="queries (default: `machining supplier`, `集装箱 海运`)")
    p.add_argument("--first", type=int, default=10)
    p.add_argument("--duration", default="10s")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/postgres")
    p.add_argument("--wharf", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "wharf"))
    p.add_argument("--meili", default=os.path.join(os.path.dirname(ROOT), "shared", "bin", "meilisearch"))
    args = p.parse_args()
    args.n = args.n or [1000, 100000]
    args.query = args.query or ["machining supplier", "集装箱 海运"]
    for n in args.n:
        result = measure(args, n)
        print(f"# {n} articles, indexed in {result['indexed_s']} s")
        print("| query | Meilisearch direct p50 / p90 / p99, req/s | through Wharf p50 / p90 / p99, req/s | p50 ratio |")
        print("|---|---|---|---|")
        for r in result["rows"]:
            d, t = r["direct"], r["wharf"]
            print(f"| `{r['query']}` ({r['hits_total']} hits) | {d['p50']:.2f} / {d['p90']:.2f} / {d['p99']:.2f} ms, {d['rps']:.0f} "
                  f"| {t['p50']:.2f} / {t['p90']:.2f} / {t['p99']:.2f} ms, {t['rps']:.0f} | {r['ratio_p50']} |")


if __name__ == "__main__":
    main()
