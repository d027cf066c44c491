#!/usr/bin/env python3
"""Seeds a migrated Wharf SQLite database with N published articles for the load benchmark.

usage: seed_bench.py DB_PATH N [DOMAIN]

Writes one site (DOMAIN, default bench.example.com), 50 tags, and N published articles of about
2 KB of mixed English/Chinese markdown with two tags each, straight into the tables (the same
shape the services write: 16-byte UUIDs, RFC 3339 timestamps at microsecond precision).
"""
import datetime
import json
import random
import sqlite3
import sys
import uuid


def ts(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def main():
    path, n = sys.argv[1], int(sys.argv[2])
    domain = sys.argv[3] if len(sys.argv) > 3 else "bench.example.com"
    rnd = random.Random(7)
    db = sqlite3.connect(path)
    now = datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc)
    site = uuid.uuid4().bytes
    db.execute(
        "INSERT INTO sites (id, name, domain, default_locale, locales, categories, languages, verification_token, created_at, updated_at) "
        "VALUES (?, ?, ?, 'en', ?, '[]', '[]', 'bench', ?, ?)",
        (site, "Bench", domain, json.dumps(["en", "zh-CN"]), ts(now), ts(now)),
    )
    tags = []
    for i in range(50):
        tid = uuid.uuid4().bytes
        tags.append(tid)
        db.execute("INSERT INTO tags (id, site_id, name, slug, created_at) VALUES (?, ?, ?, ?, ?)", (tid, site, f"Tag {i}", f"tag-{i}", ts(now)))
    body = ("## 一、简介\n\n扩散模型是一类生成模型。Export businesses ship FOB or CIF worldwide.\n\n" * 12)
    rows, links = [], []
    for i in range(n):
        aid = uuid.uuid4().bytes
        when = now - datetime.timedelta(minutes=i)
        rows.append((aid, site, aid, "en", f"article-{i}", f"Article {i} about trade fairs", body, "published", ts(when), ts(when), ts(when)))
        for pos, tid in enumerate(rnd.sample(tags, 2)):
            links.append((aid, tid, pos))
        if len(rows) >= 5000:
            flush(db, rows, links)
            rows, links = [], []
    flush(db, rows, links)
    db.commit()
    print(f"seeded {n} articles into {domain}")


def flush(db, rows, links):
    db.executemany(
        "INSERT INTO articles (id, site_id, translation_group_id, locale, slug, title, body, status, published_at, version, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
        rows,
    )
    db.executemany("INSERT INTO article_tags (article_id, tag_id, position) VALUES (?, ?, ?)", links)


if __name__ == "__main__":
    main()
