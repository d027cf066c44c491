#!/usr/bin/env python3
"""Time and memory of `wharf backup` and `wharf restore` (issue 21, point 4).

    scripts/backup_bench.py --wharf target/release/wharf --n 100000 --media-mb 1024 \\
        [--postgres postgres://postgres@127.0.0.1:5432/postgres]

Seeds a fresh SQLite data folder with N published articles (`seed_bench.py --varied`, about 1 KB
of text each, two tags each) and MEDIA_MB of media (8 MiB objects of random bytes, with their
media rows), then runs, each as its own process, timed, with its peak RSS (VmHWM, polled):
1. `wharf backup` of that folder;
2. `wharf restore` of the backup into a new SQLite folder (the embedded search index rebuilt);
3. with --postgres, `wharf restore` into a new PostgreSQL database (same; the database is
   dropped afterwards).
Prints rows and objects per second and peak RSS per step. Needs a release build.
"""
import argparse
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
OBJECT_BYTES = 8 * 1024 * 1024


def run(cmd, env):
    """Runs `cmd`; returns (seconds, peak RSS in MiB, stdout)."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        try:
            with open(f"/proc/{proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.05)
    out, err = proc.communicate()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err}")
    return time.monotonic() - started, peak / 1024, out.strip()


def seed_media(data_dir, megabytes):
    db = sqlite3.connect(os.path.join(data_dir, "wharf.db"))
    (site,) = db.execute("SELECT id FROM sites LIMIT 1").fetchone()
    site_hex = uuid.UUID(bytes=site).hex
    count = max(1, megabytes * 1024 * 1024 // OBJECT_BYTES)
    rows = []
    for i in range(count):
        media_id = uuid.uuid4()
        key = f"{site_hex}/{media_id.hex}/photo-{i}.bin"
        path = os.path.join(data_dir, "media", key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = os.urandom(OBJECT_BYTES)
        with open(path, "wb") as f:
            f.write(data)
        now = time.strftime("%Y-%m-%dT%H:%M:%S.000000+00:00", time.gmtime())
        rows.append((media_id.bytes, site, None, key, f"photo-{i}.bin", "application/octet-stream",
                     len(data), hashlib.sha256(data).hexdigest(), None, None, None, now))
    db.executemany("INSERT INTO media (id, site_id, uploader_id, storage_key, filename, content_type, "
                   "size_bytes, sha256, width, height, alt, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    db.commit()
    return count


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--wharf", required=True)
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--media-mb", type=int, default=1024)
    p.add_argument("--postgres")
    a = p.parse_args()
    wharf = os.path.abspath(a.wharf)
    with tempfile.TemporaryDirectory(prefix="wharf-backup-bench-") as tmp:
        src = os.path.join(tmp, "src")
        env = dict(os.environ, WHARF_DATA_DIR=src, RUST_LOG="warn")
        env.pop("DATABASE_URL", None)
        env.pop("WHARF_DATABASE_URL", None)
        subprocess.run([wharf, "migrate"], env=env, check=True, capture_output=True)
        subprocess.run([sys.executable, os.path.join(HERE, "seed_bench.py"), os.path.join(src, "wharf.db"),
                        str(a.n), "--varied"], check=True, capture_output=True)
        objects = seed_media(src, a.media_mb)
        backup = os.path.join(tmp, "backup")
        secs, rss, _ = run([wharf, "backup", backup], env)
        manifest = json.load(open(os.path.join(backup, "manifest.json")))
        rows = sum(t["rows"] for t in manifest["tables"])
        mib = sum(o["bytes"] for o in manifest["objects"]) / 1024 / 1024
        print(f"seeded: {a.n} articles, {rows} rows in all, {objects} objects ({mib:.0f} MiB)")
        report = [("backup (SQLite, local media)", secs, rss)]
        dst = dict(env, WHARF_DATA_DIR=os.path.join(tmp, "dst"))
        secs, rss, out = run([wharf, "restore", backup], dst)
        report.append(("restore into SQLite + reindex", secs, rss))
        print(out)
        if a.postgres:
            name = f"wharf_backup_bench_{uuid.uuid4().hex[:8]}"
            subprocess.run(["psql", "-q", a.postgres, "-c", f'CREATE DATABASE "{name}"'], check=True)
            try:
                base = a.postgres.rsplit("/", 1)[0]
                pg = dict(env, WHARF_DATA_DIR=os.path.join(tmp, "dst-pg"), DATABASE_URL=f"{base}/{name}")
                secs, rss, out = run([wharf, "restore", backup], pg)
                report.append(("restore into PostgreSQL + reindex", secs, rss))
                print(out)
            finally:
                subprocess.run(["psql", "-q", a.postgres, "-c", f'DROP DATABASE "{name}"'], check=True)
        print(f"\n| step | seconds | rows/s | MiB/s of media | peak RSS |\n|---|---|---|---|---|")
        for name, secs, rss in report:
            print(f"| {name} | {secs:.1f} | {rows / secs:,.0f} | {mib / secs:.0f} | {rss:.0f} MiB |")


if __name__ == "__main__":
    main()
