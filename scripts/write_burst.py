#!/usr/bin/env python3
"""Memory after a burst of writes: registers a user, creates a Chinese site and N articles of
about 3 KB of Chinese each (created and published from 8 threads), against a running server.

    scripts/write_burst.py N [URL]     (default URL http://127.0.0.1:18310/graphql)

Sample the server's /proc/PID/status (VmRSS, RssAnon) while it runs and afterwards; figures in
docs/benchmarks.md. Start the server with WHARF_RATE_LIMIT_ANONYMOUS_PER_MINUTE=0 and a fresh
WHARF_DATA_DIR (the user and site are created anew).
"""
import concurrent.futures
import json
import random
import sys
import urllib.request

URL = sys.argv[2] if len(sys.argv) > 2 else "http://127.0.0.1:18310/graphql"
def gql(q, v, token=None):
    req = urllib.request.Request(URL, data=json.dumps({"query": q, "variables": v}).encode(), headers={"content-type": "application/json", **({"authorization": "Bearer " + token} if token else {})})
    r = json.loads(urllib.request.urlopen(req).read())
    if r.get("errors"): raise SystemExit(r)
    return r["data"]
d = gql("mutation($input: RegisterInput!) { register(input: $input) { accessToken } }", {"input": {"email": "w@example.com", "password": "correct horse battery", "displayName": "w"}})
tok = d["register"]["accessToken"]
site = gql("mutation($input: CreateSiteInput!) { createSite(input: $input) { id } }", {"input": {"name": "zh", "domain": "zh.example.com", "defaultLocale": "zh-CN", "locales": ["zh-CN", "en"]}}, tok)["createSite"]["id"]
words = "我们 是 一家 专业 生产 不锈钢 管道 配件 的 外贸 企业 产品 出口 到 欧洲 北美 和 东南亚 通过 认证 广交会 海运费 报价 采购 离岸 价格 到岸 样品 交货期 质量 检验 包装 集装箱 信用证 付款".split()
def one(i):
    rnd = random.Random(i)
    body = "\n\n".join("## 第%d节\n\n" % k + "，".join("".join(rnd.choice(words) for _ in range(8)) for _ in range(12)) + "。" for k in range(12))
    a = gql("mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }", {"input": {"siteId": site, "title": "外贸文章 %d" % i, "body": body, "locale": "zh-CN", "tags": ["外贸", "t%d" % (i % 20)]}}, tok)["createArticle"]["id"]
    gql("mutation($id: ID!) { publishArticle(id: $id) { id } }", {"id": a}, tok)
with concurrent.futures.ThreadPoolExecutor(8) as ex:
    list(ex.map(one, range(int(sys.argv[1]))))
print("done")
