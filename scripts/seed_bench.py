#!/usr/bin/env python3
"""Seeds a migrated Wharf SQLite database with N published articles for the load benchmark.

usage: seed_bench.py DB_PATH N [DOMAIN] [--varied] [--tags K] [--excerpt] [--products]
       seed_bench.py postgres://... N [DOMAIN] [...]    (through psql's COPY; needs psql)

Writes one site (DOMAIN, default bench.example.com), 50 tags, and N published articles of about
2 KB of mixed English/Chinese markdown with two tags each, straight into the tables (the same
shape the services write: 16-byte UUIDs, RFC 3339 timestamps at microsecond precision).
With --varied, each article gets its own title and body of about 150 words drawn from a trade
vocabulary (every other article Chinese), so a search matches some articles, not all.
--tags K gives each article K tags instead of two; --excerpt gives each an explicit excerpt (as
imported articles have). --products also writes N published products for the product list
benchmark: 200 public images, a category tree (4 top categories with 4 children each, named in
en and zh-CN), and per product a cover, one or two categories, 10 spec rows, two certifications
and a price range with FOB terms. IDs come from a seeded generator: the same arguments write the same rows
on SQLite and PostgreSQL, so servers on either database can be compared on the same data.
"""
import datetime
import json
import random
import sqlite3
import subprocess
import sys
import uuid


def ts(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


class Postgres:
    """Collects the rows and loads them with COPY through psql (no Python driver needed)."""

    def __init__(self, url):
        self.url, self.tables = url, {}

    def execute(self, sql, row):
        self.executemany(sql, [row])

    def executemany(self, sql, rows):
        head = sql.split("VALUES")[0].replace("INSERT INTO", "").strip()
        self.tables.setdefault(head, []).extend(rows)

    def commit(self):
        script = []
        for head, rows in self.tables.items():
            script.append(f"COPY {head} FROM STDIN;")
            for row in rows:
                script.append("\t".join(pg_value(v) for v in row))
            script.append("\\.")
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", self.url], input="\n".join(script) + "\n", text=True, check=True)


def pg_value(v):
    if v is None:
        return "\\N"
    if isinstance(v, bytes):
        return str(uuid.UUID(bytes=v))
    return str(v).replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


EN = ("export shipping container freight supplier factory quality price order sample delivery port "
      "customs invoice payment machining steel aluminium furniture textile garment packaging pallet "
      "warehouse logistics tariff market buyer catalogue exhibition certificate warranty").split()
ZH = ("外贸 出口 集装箱 海运 供应商 工厂 质量 价格 订单 样品 交货 港口 报关 发票 付款 机械加工 "
      "不锈钢 铝合金 家具 纺织 服装 包装 托盘 仓库 物流 关税 市场 买家 目录 展会 认证 保修").split()


def varied(rnd, i):
    """A title and a body of its own for article i (odd articles Chinese)."""
    zh = i % 2 == 1
    words, sep, stop = (ZH, "", "。") if zh else (EN, " ", ".")
    title = sep.join(rnd.choice(words) for _ in range(6)) + f" {i}"
    body = "\n\n".join(sep.join(rnd.choice(words) for _ in range(30)) + stop for _ in range(5))
    return title, body


def main():
    argv = sys.argv[1:]
    vary = "--varied" in argv
    with_excerpt = "--excerpt" in argv
    per_article = 2
    if "--tags" in argv:
        at = argv.index("--tags")
        per_article = int(argv[at + 1])
        del argv[at:at + 2]
    with_products = "--products" in argv
    args = [a for a in argv if a not in ("--varied", "--excerpt", "--products")]
    path, n = args[0], int(args[1])
    domain = args[2] if len(args) > 2 else "bench.example.com"
    rnd = random.Random(7)
    db = Postgres(path) if path.startswith("postgres") else sqlite3.connect(path)
    now = datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc)
    new_id = lambda: uuid.UUID(int=rnd.getrandbits(128), version=4).bytes
    site = new_id()
    db.execute(
        "INSERT INTO sites (id, name, domain, default_locale, locales, categories, languages, verification_token, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (site, "Bench", domain, "en", json.dumps(["en", "zh-CN"]), "[]", "[]", "bench", ts(now), ts(now)),
    )
    tags = []
    for i in range(50):
        tid = new_id()
        tags.append(tid)
        db.execute("INSERT INTO tags (id, site_id, name, slug, created_at) VALUES (?, ?, ?, ?, ?)", (tid, site, f"Tag {i}", f"tag-{i}", ts(now)))
    body = ("## 一、简介\n\n扩散模型是一类生成模型。Export businesses ship FOB or CIF worldwide.\n\n" * 12)
    rows, links = [], []
    for i in range(n):
        aid = new_id()
        when = now - datetime.timedelta(minutes=i)
        title, text = varied(rnd, i) if vary else (f"Article {i} about trade fairs", body)
        locale = "zh-CN" if vary and i % 2 == 1 else "en"
        excerpt = f"{title}: what buyers ask before they order." if with_excerpt else None
        rows.append((aid, site, aid, locale, f"article-{i}", title, text, excerpt, "published", ts(when), 1, ts(when), ts(when)))
        for pos, tid in enumerate(rnd.sample(tags, per_article)):
            links.append((aid, tid, pos))
        if len(rows) >= 5000:
            flush(db, rows, links)
            rows, links = [], []
    flush(db, rows, links)
    if with_products:
        seed_products(db, rnd, new_id, site, n, now)
    db.commit()
    print(f"seeded {n} articles{' and products' if with_products else ''} into {domain}")


def seed_products(db, rnd, new_id, site, n, now):
    """N published products with cover, categories, 10 spec rows, certifications and a price."""
    images = []
    for i in range(200):
        mid = new_id()
        images.append(mid)
        db.execute(
            "INSERT INTO media (id, site_id, uploader_id, storage_key, filename, content_type, size_bytes, sha256, width, height, alt, created_at, public, blurhash, dominant_color) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (mid, site, None, f"bench/{i}.jpg", f"valve-{i}.jpg", "image/jpeg", 120000, f"{i:064x}", 1600, 1200, f"Valve {i}", ts(now), True, "LEHV6nWB2yk8pyo0adR*.7kCMdnj", "#8a8f94"),
        )
    leaves = []
    for t in range(4):
        top = new_id()
        db.execute("INSERT INTO categories (id, site_id, parent_id, position, slug, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (top, site, None, t, f"group-{t}", 1, ts(now), ts(now)))
        db.executemany("INSERT INTO category_translations (category_id, locale, name, description) VALUES (?, ?, ?, ?)", [(top, "en", f"Group {t}", None), (top, "zh-CN", f"分类 {t}", None)])
        for c in range(4):
            cid = new_id()
            leaves.append(cid)
            db.execute("INSERT INTO categories (id, site_id, parent_id, position, slug, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (cid, site, top, c, f"group-{t}-{c}", 1, ts(now), ts(now)))
            db.executemany("INSERT INTO category_translations (category_id, locale, name, description) VALUES (?, ?, ?, ?)", [(cid, "en", f"Ball valves {t}.{c}", None), (cid, "zh-CN", f"球阀 {t}.{c}", None)])
    spec_names = [("Size", "Nominal size", "mm"), ("Size", "Length", "mm"), ("Pressure", "Rated pressure", "MPa"), ("Pressure", "Test pressure", "MPa"),
                  ("Materials", "Body", None), ("Materials", "Ball", None), ("Materials", "Seat", None), ("Operation", "Actuator", None),
                  ("Operation", "Temperature", "°C"), ("Connection", "Ends", None)]
    products, cats, specs, certs = [], [], [], []
    for i in range(n):
        pid = new_id()
        when = now - datetime.timedelta(minutes=i, seconds=30)
        products.append((pid, site, pid, "en", f"product-{i}", f"Stainless ball valve {i} 不锈钢球阀", f"BV-{i}", "Full-bore ball valve.",
                         "# Overview\n\nA full-bore ball valve.\n", "published", ts(when), rnd.choice(images), 500, "pieces",
                         1250 + i % 500, 1800 + i % 500, "USD", "FOB", "Ningbo", 30, 1, ts(when), ts(when)))
        for pos, cid in enumerate(rnd.sample(leaves, 1 + i % 2)):
            cats.append((pid, cid, pos))
        for pos, (group, name, unit) in enumerate(spec_names):
            specs.append((pid, pos, group, name, str(10 + (i * 7 + pos) % 90), unit))
        certs.extend([(pid, 0, "CE", "ce"), (pid, 1, "ISO 9001", "iso 9001")])
        if len(products) >= 2000:
            flush_products(db, products, cats, specs, certs)
            products, cats, specs, certs = [], [], [], []
    flush_products(db, products, cats, specs, certs)


def flush_products(db, products, cats, specs, certs):
    db.executemany(
        "INSERT INTO products (id, site_id, translation_group_id, locale, slug, name, model_number, summary, description, status, published_at, cover_media_id, "
        "moq_quantity, moq_unit, price_min_minor, price_max_minor, currency, incoterm, incoterm_place, lead_time_days, version, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        products,
    )
    db.executemany("INSERT INTO product_categories (product_id, category_id, position) VALUES (?, ?, ?)", cats)
    db.executemany("INSERT INTO product_specs (product_id, position, spec_group, name, value, unit) VALUES (?, ?, ?, ?, ?, ?)", specs)
    db.executemany("INSERT INTO product_certifications (product_id, position, name, key) VALUES (?, ?, ?, ?)", certs)


def flush(db, rows, links):
    db.executemany(
        "INSERT INTO articles (id, site_id, translation_group_id, locale, slug, title, body, excerpt, status, published_at, version, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    db.executemany("INSERT INTO article_tags (article_id, tag_id, position) VALUES (?, ?, ?)", links)


if __name__ == "__main__":
    main()
