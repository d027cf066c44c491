#!/usr/bin/env python3
"""Measures Wharf Studio in headless Chromium, as docs/studio.md reports it.

Against a running server (start one with `cargo run --release`, ideally on a fresh data folder):

    scripts/studio-timings.py http://127.0.0.1:8080

It registers a throwaway account with a site, creates 100 articles and one long Chinese article
through the API, then drives Debian's Chromium through chromedriver (plain WebDriver over HTTP, no
client library) and reads the browser's own performance timings:

- first load of the Studio (sign-in page): bytes of HTML, scripts and styles (decoded, i.e.
  uncompressed), and first paint / first contentful paint;
- the article list with 100 articles, and the editor with the long Chinese article (its preview
  rendered by the server included): time from navigation start to the Studio's `studio:ready`
  measure, which app.js records once a page's data is on screen.

Each figure is the median of RUNS loads (default 7; `--runs N`).
"""
import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request


def http(method, url, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("content-type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read() or b"null")


def gql(base, query, variables=None, token=None):
    headers = {"authorization": f"Bearer {token}"} if token else {}
    out = http("POST", f"{base}/graphql", {"query": query, "variables": variables or {}}, headers)
    if out.get("errors"):
        raise SystemExit(f"GraphQL error: {out['errors']}")
    return out["data"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Driver:
    def __init__(self):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [shutil.which("chromedriver") or "/usr/bin/chromedriver", f"--port={self.port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(100):
            try:
                http("GET", f"{self.url}/status")
                break
            except OSError:
                time.sleep(0.1)
        self.profile = tempfile.mkdtemp()
        caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", f"--user-data-dir={self.profile}",
                     "--disable-background-networking", "--lang=en-US"]}}}}
        self.session = http("POST", f"{self.url}/session", caps)["value"]["sessionId"]

    def cmd(self, method, path, body=None):
        return http(method, f"{self.url}/session/{self.session}{path}", body)["value"]

    def go(self, url):
        self.cmd("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def wait_js(self, script, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = self.js(script)
            if value:
                return value
            time.sleep(0.05)
        raise SystemExit(f"timed out waiting for: {script}")

    def quit(self):
        try:
            http("DELETE", f"{self.url}/session/{self.session}")
        finally:
            self.proc.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


LONG_ZH = "\n\n".join(
    f"## 第{i}节 出口产品的质量控制\n\n" + "我们的工厂在宁波，生产球阀、闸阀和止回阀，通过 ISO 9001 认证。" * 12
    + f"\n\n### 第{i}.1 小节 检验流程\n\n| 项目 | 标准 | 结果 |\n|---|---|---|\n| 压力测试 | GB/T 13927 | 合格 |\n"
    for i in range(1, 61))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base", nargs="?", default="http://127.0.0.1:8080")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    base = args.base.rstrip("/")
    email = f"timings-{random.randrange(10**9)}@example.com"
    password = "correct horse battery"
    session = gql(base, "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }",
                  {"i": {"email": email, "password": password, "displayName": "Timings"}})
    token = session["register"]["accessToken"]
    domain = f"timings-{random.randrange(10**9)}.example.com"
    site = gql(base, "mutation($i: CreateSiteInput!) { createSite(input: $i) { id } }",
               {"i": {"name": "Timings", "domain": domain, "defaultLocale": "zh-CN", "locales": ["zh-CN", "en"]}},
               token)["createSite"]["id"]
    for i in range(100):
        gql(base, "mutation($i: CreateArticleInput!) { createArticle(input: $i) { id } }",
            {"i": {"siteId": site, "title": f"外贸产品目录 {i}", "body": f"# 标题 {i}\n\n正文 {i}。", "tags": ["外贸", f"t{i % 7}"]}}, token)
    long_id = gql(base, "mutation($i: CreateArticleInput!) { createArticle(input: $i) { id } }",
                  {"i": {"siteId": site, "title": "出口质量控制手册", "body": LONG_ZH}}, token)["createArticle"]["id"]

    d = Driver()
    try:
        first_paint, fcp, sizes = [], [], []
        for _ in range(args.runs):
            d.go(f"{base}/studio/login")
            d.wait_js("return document.querySelector('form input[type=email]') !== null")
            d.wait_js("return performance.getEntriesByType('paint').length >= 2")
            paint = {e["name"]: e["startTime"] for e in d.js(
                "return performance.getEntriesByType('paint').map(e => ({name: e.name, startTime: e.startTime}))")}
            first_paint.append(paint.get("first-paint"))
            fcp.append(paint.get("first-contentful-paint"))
            sizes.append(d.js("""
                const nav = performance.getEntriesByType('navigation')[0];
                const res = performance.getEntriesByType('resource').filter(r => !r.name.endsWith('/graphql'));
                return { html: nav.decodedBodySize, assets: res.reduce((s, r) => s + r.decodedBodySize, 0), files: res.length };"""))
        # Sign in once; later loads reuse the session.
        d.js("localStorage.clear()")
        d.go(f"{base}/studio/login")
        d.wait_js("return document.querySelector('form input[type=email]') !== null")
        d.js("""const [e, p] = arguments; const f = document.querySelector('form');
                f.querySelector('input[type=email]').value = e; f.querySelector('input[type=password]').value = p;
                f.requestSubmit();""", email, password)
        d.wait_js("return document.getElementById('sign-out') !== null")

        def ready(path, check):
            times = []
            for _ in range(args.runs):
                d.go(f"{base}{path}")
                d.wait_js(check)
                d.wait_js("return performance.getEntriesByName('studio:ready').length > 0")
                times.append(d.js("""const m = performance.getEntriesByName('studio:ready').pop();
                                     return m.startTime + m.duration;"""))
            return times

        list_times = ready("/studio/articles?first=100", "return document.querySelectorAll('tbody tr').length >= 100")
        editor_times = ready(f"/studio/articles/{long_id}", "return document.querySelectorAll('#ed-preview h2').length >= 60")
        rows = d.js("return document.querySelectorAll('#ed-preview h2').length")
    finally:
        d.quit()

    med = statistics.median
    s = sizes[0]  # the first load: later ones revalidate (304) and report no body
    print(f"first load: HTML {s['html']} B + {s['files']} assets {s['assets']} B = {s['html'] + s['assets']} B uncompressed")
    print(f"first paint: median {med(first_paint):.1f} ms, first contentful paint median {med(fcp):.1f} ms (of {args.runs})")
    print(f"article list (100 articles on one page) ready: median {med(list_times):.1f} ms, max {max(list_times):.1f} ms")
    print(f"editor, long Chinese article ({len(LONG_ZH)} chars, {rows} sections, preview rendered) ready: "
          f"median {med(editor_times):.1f} ms, max {max(editor_times):.1f} ms")


if __name__ == "__main__":
    main()
