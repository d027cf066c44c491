#!/usr/bin/env python3
"""Search indexing throughput and latency, on the embedded engine and on a real Meilisearch.

    scripts/search_indexing_bench.py [--engine embedded|meilisearch|both] [--import-n 10000]
        [--reindex-n 100000] [--wharf target/release/wharf] [--meili ../shared/bin/meilisearch]
        [--database sqlite|postgres://user@host:port/admin-db]

For each engine, against a fresh data folder (SQLite, or a fresh PostgreSQL database), with
`wharf serve` running (its Meilisearch, when used, is started here on a free loopback port with
a throwaway folder, and killed by its PID at the end):

1. idle: five times, publishArticle of an article with a unique word, then the time until a
   search through Wharf finds it;
2. import: `wharf import` of N generated articles (half English, half Chinese, ~150 words, three
   tags, already published) while a probe publishes an article every two seconds and times how
   long it takes to become searchable; then the time from the import's end until all N are
   searchable, and N / (time from the import's start until all are searchable);
3. reindex: M articles seeded straight into a fresh database (scripts/seed_bench.py), then
   `wharf reindex` timed (articles per second).

Prints one JSON object per engine. Release build: `cargo build --release -p wharf`; a debug build
works too (say so when quoting its figures).
"""
import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from seed_bench import EN, ZH  # noqa: E402  (the one trade vocabulary of the benchmarks)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JWT = "bench-secret-that-is-long-enough-0123456789"
PASSWORD = "correct horse battery staple"
MEILI_KEY = "wharf-bench-master-key-0123456789"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{url} did not answer within {timeout} s")


class Wharf:
    def __init__(self, args, engine, label):
        self.args, self.engine = args, engine
        self.data = tempfile.mkdtemp(prefix=f"wharf-bench-{label}-")
        self.port = free_port()
        self.env = dict(os.environ)
        self.env.update({
            "WHARF_DATA_DIR": self.data,
            "WHARF_PORT": str(self.port),
            "WHARF_HOST": "127.0.0.1",
            "WHARF_JWT_SECRET": JWT,
            "WHARF_RATE_LIMIT_ANONYMOUS_PER_MINUTE": "0",
            "WHARF_RATE_LIMIT_TOKEN_PER_MINUTE": "0",
            "WHARF_RATE_LIMIT_SIGN_IN_IP_PER_MINUTE": "0",
            "WHARF_RATE_LIMIT_SIGN_IN_ACCOUNT_PER_MINUTE": "0",
            "WHARF_RESPONSE_CACHE_TTL_MS": "0",
            "WHARF_ADMIN_PASSWORD": PASSWORD,
            "RUST_LOG": "warn",
        })
        for k in ("MEILI_URL", "WHARF_MEILI_URL", "MEILI_API_KEY", "WHARF_DATABASE_URL", "DATABASE_URL"):
            self.env.pop(k, None)
        if args.database.startswith("postgres"):
            name = "wharf_bench_" + uuid.uuid4().hex[:12]
            subprocess.run(["psql", args.database, "-qc", f'CREATE DATABASE "{name}"'], check=True)
            self.env["WHARF_DATABASE_URL"] = args.database.rsplit("/", 1)[0] + "/" + name
        self.meili = None
        if engine == "meilisearch":
            self.meili = Meili(args.meili)
            self.env["MEILI_URL"] = self.meili.url
            self.env["MEILI_API_KEY"] = MEILI_KEY
            self.env["WHARF_MEILI_INDEX_PREFIX"] = "bench_" + label.replace("-", "_")
        self.server = None
        self.cli("migrate")

    def cli(self, *argv, stdin=None):
        return subprocess.run([self.args.wharf, *argv], env=self.env, check=True, capture_output=True, text=True, input=stdin)

    def serve(self):
        log = open(os.path.join(self.data, "serve.log"), "w")
        self.server = subprocess.Popen([self.args.wharf, "serve"], env=self.env, stdout=log, stderr=log)
        wait_http(f"http://127.0.0.1:{self.port}/healthz")

    def gql(self, query, variables=None, token=None):
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/graphql",
            data=json.dumps({"query": query, "variables": variables or {}}).encode(),
            headers={"content-type": "application/json", **({"authorization": "Bearer " + token} if token else {})},
        )
        with urllib.request.urlopen(req, timeout=60) as r:
            body = json.loads(r.read())
        if body.get("errors"):
            raise RuntimeError(body["errors"])
        return body["data"]

    def stop(self):
        if self.server:
            self.server.terminate()
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.server.kill()
        if self.meili:
            self.meili.stop()
        shutil.rmtree(self.data, ignore_errors=True)


class Meili:
    def __init__(self, binary):
        self.dir = tempfile.mkdtemp(prefix="meili-bench-")
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        log = open(os.path.join(self.dir, "meili.log"), "w")
        self.proc = subprocess.Popen(
            [binary, "--db-path", os.path.join(self.dir, "db"), "--http-addr", f"127.0.0.1:{port}",
             "--master-key", MEILI_KEY, "--no-analytics"], stdout=log, stderr=log)
        wait_http(self.url + "/health")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


SEARCH = "query($q: String!, $site: String, $tags: [String!]) { search(query: $q, site: $site, tags: $tags, first: 1) { estimatedTotal hits { article { id } } } }"

def write_articles(folder, n):
    rnd = random.Random(15)
    os.makedirs(os.path.join(folder, "en"), exist_ok=True)
    for i in range(n):
        zh = i % 2 == 1
        words = ZH if zh else EN
        sep = "" if zh else " "
        title = sep.join(rnd.choice(words) for _ in range(6))
        body = "\n\n".join(sep.join(rnd.choice(words) for _ in range(30)) + ("。" if zh else ".") for _ in range(5))
        tags = ["bulk"] + rnd.sample(["trade", "shipping", "quality", "pricing", "factory", "markets"], 2)
        with open(os.path.join(folder, "en", f"bulk-{i}.md"), "w") as f:
            f.write("---\n" + json.dumps({"title": f"{title} {i}", "tags": tags,
                                           "published_at": "2026-11-01T00:00:00Z"}, ensure_ascii=False)
                    + "\n---\n" + body + "\n")


def signup(w, email):
    d = w.gql("mutation($input: RegisterInput!) { register(input: $input) { accessToken } }",
              {"input": {"email": email, "password": PASSWORD, "displayName": "bench"}})
    return d["register"]["accessToken"]


def probe(w, token, site, timeout=300):
    """publishArticle → searchable, in seconds."""
    word = "probe" + uuid.uuid4().hex[:10]
    a = w.gql("mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }",
              {"input": {"siteId": site, "title": f"Latency {word}", "body": "Probe."}}, token)["createArticle"]["id"]
    t0 = time.time()
    w.gql("mutation($id: ID!) { publishArticle(id: $id) { id } }", {"id": a}, token)
    while time.time() - t0 < timeout:
        if w.gql(SEARCH, {"q": word})["search"]["hits"]:
            return time.time() - t0
        time.sleep(0.05)
    return None


def searchable_bulk(w, domain):
    return w.gql(SEARCH, {"q": "", "site": domain, "tags": ["bulk"]})["search"]["estimatedTotal"]


def bench_import(args, engine):
    w = Wharf(args, engine, f"{engine}-import")
    out = {"engine": engine, "database": "postgres" if args.database.startswith("postgres") else "sqlite"}
    try:
        w.serve()
        token = signup(w, "bench@example.com")
        w.cli("create-admin", "--email", "bench@example.com")
        domain = "bench.example.com"
        site = w.gql("mutation($input: CreateSiteInput!) { createSite(input: $input) { id } }",
                     {"input": {"name": "Bench", "domain": domain, "defaultLocale": "en", "locales": ["en", "zh-CN"]}},
                     token)["createSite"]["id"]
        idle = [probe(w, token, site) for _ in range(5)]
        out["idle_publish_to_searchable_s"] = {"median": statistics.median(idle), "max": max(idle)}

        folder = os.path.join(w.data, "import")
        write_articles(folder, args.import_n)
        during, stop = [], threading.Event()

        def prober():
            while not stop.is_set():
                t = probe(w, token, site)
                during.append(t)
                stop.wait(2)

        th = threading.Thread(target=prober)
        t0 = time.time()
        th.start()
        w.cli("import", folder, "--site", domain)
        t1 = time.time()
        deadline = t1 + args.wait
        n = 0
        while time.time() < deadline:
            n = searchable_bulk(w, domain)
            if n >= args.import_n:
                break
            time.sleep(0.2)
        t2 = time.time()
        stop.set()
        th.join()
        out["import_n"] = args.import_n
        out["import_s"] = round(t1 - t0, 1)
        out["searchable_after_import_end_s"] = round(t2 - t1, 1) if n >= args.import_n else None
        out["searchable_at_deadline"] = n
        out["indexed_per_s_import"] = round(args.import_n / (t2 - t0), 1) if n >= args.import_n else None
        done = [d for d in during if d is not None]
        out["publish_to_searchable_during_import_s"] = {
            "probes": len(during), "median": statistics.median(done) if done else None,
            "max": max(done) if done else None, "timed_out": len(during) - len(done)}
    finally:
        w.stop()
    return out


def bench_reindex(args, engine):
    w = Wharf(args, engine, f"{engine}-reindex")
    try:
        target = w.env.get("WHARF_DATABASE_URL") or os.path.join(w.data, "wharf.db")
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "seed_bench.py"), target, str(args.reindex_n)],
                       check=True, capture_output=True)
        t0 = time.time()
        r = w.cli("reindex", "--batch", str(args.batch))
        dt = time.time() - t0
        return {"engine": engine, "reindex_n": args.reindex_n, "reindex_s": round(dt, 1),
                "indexed_per_s_reindex": round(args.reindex_n / dt, 1), "output": r.stdout.strip()}
    finally:
        w.stop()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--engine", default="both")
    p.add_argument("--import-n", type=int, default=10000)
    p.add_argument("--reindex-n", type=int, default=100000)
    p.add_argument("--batch", type=int, default=500)
    p.add_argument("--wait", type=int, default=1800, help="longest wait for the import to be searchable")
    p.add_argument("--wharf", default=os.path.join(ROOT, "target", "release", "wharf"))
    p.add_argument("--meili", default=os.path.join(os.path.dirname(ROOT), "shared", "bin", "meilisearch"))
    p.add_argument("--database", default="sqlite")
    p.add_argument("--skip", default="", help="comma-separated: import,reindex")
    args = p.parse_args()
    engines = ["embedded", "meilisearch"] if args.engine == "both" else [args.engine]
    for engine in engines:
        if "import" not in args.skip and args.import_n > 0:
            print(json.dumps(bench_import(args, engine)), flush=True)
        if "reindex" not in args.skip and args.reindex_n > 0:
            print(json.dumps(bench_reindex(args, engine)), flush=True)


if __name__ == "__main__":
    main()
