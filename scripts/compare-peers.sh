#!/usr/bin/env bash
# Storefront reads side by side, in one run (issue 16): the raw ceiling, Wharf on SQLite and on
# PostgreSQL with the response cache off and on, and PostGraphile v5, on the same data with the
# same field selection. Prints the table and the ratios the targets are stated in.
#
#   scripts/compare-peers.sh
#
# Needs: a release build of wharf (cargo build --release -p wharf; or WHARF=path), the ceiling
# ((cd bench/ceiling && cargo build --release), with the same CARGO_TARGET_DIR; or CEILING=path),
# wrk, python3, psql, node and npm. PostGraphile 5 and the Node.js 22 it needs are installed from
# the npm registry into a scratch folder: PEERS_DIR, default a temporary one; give a folder to
# keep them between runs.
# Environment: BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432; a database
# `wharf_peers` is dropped and created there), N articles (1000, 3 tags each, explicit excerpts),
# RUNS (2: each server is measured RUNS times, alternating), DURATION (10s), CONNECTIONS (32),
# THREADS (2). Only 127.0.0.1 is used; each server runs alone.
#
# The reads (the storefront's natural queries):
# - list: the 20 newest published articles of a site, `id slug title excerpt publishedAt
#   tags { id name slug }`, filtered by site and status PUBLISHED, ordered by PUBLISHED_AT DESC;
# - slug: one published article by slug with `id slug title publishedAt tags { id name slug }`
#   and its content: Wharf's `html` (rendered, sanitized, cached by body digest); the ceiling and
#   PostGraphile return the stored markdown `body` (they do not render).
# Before measuring, every server's answers are compared: the same articles, in the same order,
# with the same tags.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WHARF=${WHARF:-$TARGET/release/wharf}
CEILING=${CEILING:-$TARGET/release/ceiling}
PG=${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
N=${N:-1000}
RUNS=${RUNS:-2}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
PORT=18210
DOMAIN=bench.example.com
SLUG=article-$((N / 2))
for tool in wrk python3 psql node npm curl; do
  command -v $tool >/dev/null || { echo "missing: $tool"; exit 2; }
done
[ -x "$WHARF" ] || { echo "build wharf in release first: cargo build --release -p wharf"; exit 2; }
[ -x "$CEILING" ] || { echo "build the ceiling first: (cd bench/ceiling && cargo build --release)"; exit 2; }

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
PEERS_DIR=${PEERS_DIR:-$work/peers}
mkdir -p "$PEERS_DIR"

echo "== PostGraphile 5 (and the Node.js 22 it needs) from the npm registry into $PEERS_DIR"
if [ ! -x "$PEERS_DIR/node_modules/.bin/postgraphile" ] || [ ! -x "$PEERS_DIR/node_modules/.bin/node" ]; then
  (cd "$PEERS_DIR" && { [ -f package.json ] || npm init -y >/dev/null; } \
    && npm install --no-audit --no-fund --loglevel=error postgraphile@5 node@22 >/dev/null)
fi
# The Amber preset, as documented; PgIndexBehaviorsPlugin off so that the article's tags can be
# ordered by their position (an unindexed column), which the same answer as Wharf's needs.
cat > "$PEERS_DIR/graphile.config.mjs" <<'JS'
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
export default {
  extends: [PostGraphileAmberPreset],
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, schemas: ["public"] })],
  grafserv: { port: Number(process.env.PORT), host: "127.0.0.1", graphiql: false },
};
JS
NODE_PATH_BIN=$PEERS_DIR/node_modules/.bin
PGL_VERSION=$("$NODE_PATH_BIN/node" -p "require('$PEERS_DIR/node_modules/postgraphile/package.json').version")
echo "postgraphile $PGL_VERSION, node $("$NODE_PATH_BIN/node" --version)"

echo "== data: $N articles, 3 tags each, on SQLite and on PostgreSQL (wharf_peers)"
psql -q "$PG/postgres" -c 'DROP DATABASE IF EXISTS wharf_peers' -c 'CREATE DATABASE wharf_peers'
PG_DB=$PG/wharf_peers
mkdir -p "$work/sqlite" "$work/pgdata"
WHARF_DATA_DIR=$work/sqlite RUST_LOG=error "$WHARF" migrate >/dev/null
WHARF_DATA_DIR=$work/pgdata WHARF_DATABASE_URL=$PG_DB RUST_LOG=error "$WHARF" migrate >/dev/null
python3 "$ROOT/scripts/seed_bench.py" "$work/sqlite/wharf.db" "$N" "$DOMAIN" --tags 3 --excerpt
python3 "$ROOT/scripts/seed_bench.py" "$PG_DB" "$N" "$DOMAIN" --tags 3 --excerpt
psql -q "$PG_DB" -c 'VACUUM ANALYZE'
SITE_ID=$(psql -Atq "$PG_DB" -c "SELECT id FROM sites WHERE domain = '$DOMAIN'")

post_script() { # $1 = JSON body file → a wrk Lua script posting it
  printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nlocal f = io.open("%s")\nwrk.body = f:read("*a")\nf:close()\n' "$1"
}
query() { # $1 = name, $2 = GraphQL query → $work/$1.json and $work/$1.lua
  python3 -c 'import json,sys; print(json.dumps({"query": sys.argv[1]}))' "$2" > "$work/$1.json"
  post_script "$work/$1.json" > "$work/$1.lua"
}
TAGS='tags { id name slug }'
query wharf_list "{ articles(first: 20, filter: {site: \"$DOMAIN\", status: PUBLISHED}, orderBy: {field: PUBLISHED_AT, direction: DESC}) { edges { node { id slug title excerpt publishedAt $TAGS } } } }"
query wharf_slug "{ article(site: \"$DOMAIN\", slug: \"$SLUG\") { id slug title html publishedAt $TAGS } }"
PGL_TAGS='articleTagsByArticleId(orderBy: POSITION_ASC) { nodes { tagByTagId { rowId name slug } } }'
query pgl_list "{ allArticles(condition: {siteId: \"$SITE_ID\", status: \"published\"}, orderBy: [PUBLISHED_AT_DESC, ROW_ID_DESC], first: 20) { nodes { rowId slug title excerpt publishedAt $PGL_TAGS } } }"
query pgl_slug "{ allArticles(condition: {siteId: \"$SITE_ID\", slug: \"$SLUG\", status: \"published\"}, first: 1) { nodes { rowId slug title body publishedAt $PGL_TAGS } } }"

wait_up() { # $1 = a query file that must answer
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$PORT/graphql" -H 'content-type: application/json' -d @"$1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server did not start"; cat "$work/server.log"; exit 1
}

PID=
start() { # $1 = server, $2 = list query name; the server's pid in $PID
  case $1 in
    ceiling-sqlite) "$CEILING" "$work/sqlite/wharf.db" "$PORT" "$DOMAIN" > "$work/server.log" 2>&1 & PID=$! ;;
    ceiling-pg) "$CEILING" "$PG_DB" "$PORT" "$DOMAIN" > "$work/server.log" 2>&1 & PID=$! ;;
    wharf-sqlite-*|wharf-pg-*)
      local ttl=0 url= dir=$work/sqlite
      [[ $1 == *-cached ]] && ttl=5000
      [[ $1 == wharf-pg-* ]] && url=$PG_DB && dir=$work/pgdata
      WHARF_DATA_DIR=$dir WHARF_DATABASE_URL=$url WHARF_PORT=$PORT WHARF_RESPONSE_CACHE_TTL_MS=$ttl \
        WHARF_WORKERS=2 WHARF_RATE_LIMIT_ANONYMOUS_PER_MINUTE=0 RUST_LOG=error \
        "$WHARF" serve > "$work/server.log" 2>&1 & PID=$! ;;
    postgraphile)
      (cd "$PEERS_DIR" && PATH=$NODE_PATH_BIN:$PATH DATABASE_URL=$PG_DB PORT=$PORT GRAPHILE_ENV=production \
        NODE_ENV=production exec "$NODE_PATH_BIN/postgraphile" -C graphile.config.mjs) > "$work/server.log" 2>&1 & PID=$! ;;
  esac
  wait_up "$work/$2.json"
}
stop() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; sleep 0.5; }

bench() { # $1 = server, $2 = read, $3 = query name → one line in $work/results
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$work/$3.lua" "http://127.0.0.1:$PORT/graphql")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$rps" "$p50" "$p99" "${errors:-0}" >> "$work/results"
}

SERVERS="ceiling-pg wharf-pg-off wharf-pg-cached postgraphile ceiling-sqlite wharf-sqlite-off wharf-sqlite-cached"
names() { # $1 = server → its list and slug query names
  case $1 in
    postgraphile) echo "pgl_list pgl_slug" ;;
    *) echo "wharf_list wharf_slug" ;;
  esac
}

echo "== answers compared"
for s in $SERVERS; do
  read -r list slug <<<"$(names "$s")"
  start "$s" "$list"
  for q in "$list" "$slug"; do
    curl -sf "http://127.0.0.1:$PORT/graphql" -H 'content-type: application/json' -d @"$work/$q.json" > "$work/answer-$s-${q#*_}.json"
  done
  stop
done
python3 - "$work" $SERVERS <<'EOF'
import json, sys
work, servers = sys.argv[1], sys.argv[2:]
def rows(server, read):
    try:
        return read_rows(server, read)
    except (KeyError, TypeError, ValueError) as e:
        sys.exit(f"{server} {read}: unexpected answer ({e!r}): {open(f'{work}/answer-{server}-{read}.json').read()[:600]}")
def read_rows(server, read):
    data = json.load(open(f"{work}/answer-{server}-{read}.json"))
    assert "errors" not in data, (server, read, data["errors"])
    d = data["data"]
    if "allArticles" in d:
        nodes = d["allArticles"]["nodes"]
        return [(n["rowId"], n["slug"], n["title"], n.get("excerpt"),
                 [(t["tagByTagId"]["rowId"], t["tagByTagId"]["name"]) for t in n["articleTagsByArticleId"]["nodes"]]) for n in nodes]
    nodes = [e["node"] for e in d["articles"]["edges"]] if "articles" in d else [d["article"]]
    return [(n["id"], n["slug"], n["title"], n.get("excerpt"), [(t["id"], t["name"]) for t in n["tags"]]) for n in nodes]
for read, count in (("list", 20), ("slug", 1)):
    reference = rows(servers[0], read)
    assert len(reference) == count and all(r[4] for r in reference), (read, reference[:2])
    for s in servers[1:]:
        assert rows(s, read) == reference, f"{s} answers the {read} differently from {servers[0]}"
print("every server gives the same articles, order and tags")
EOF

echo "== load: wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $RUNS runs"
: > "$work/results"
for run in $(seq 1 "$RUNS"); do
  for s in $SERVERS; do
    read -r list slug <<<"$(names "$s")"
    start "$s" "$list"
    # Warm-up: prepared statements, caches, the JIT.
    wrk -t1 -c4 -d2s -s "$work/$list.lua" "http://127.0.0.1:$PORT/graphql" >/dev/null
    wrk -t1 -c4 -d2s -s "$work/$slug.lua" "http://127.0.0.1:$PORT/graphql" >/dev/null
    bench "$s" list "$list"
    bench "$s" slug "$slug"
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$PID/status")
    printf '%s\trss\t%s\n' "$s" "$rss" >> "$work/results"
    stop
    echo "run $run: $s done"
  done
done

python3 - "$work/results" "$PGL_VERSION" <<'EOF'
import statistics, sys
lines = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
def ms(v):
    return float(v[:-2]) if v.endswith("ms") else float(v[:-2]) / 1000 if v.endswith("us") else float(v[:-1]) * 1000
data = {}
for l in lines:
    if l[1] == "rss":
        data.setdefault((l[0], "rss"), []).append(int(l[2]) / 1024)
    else:
        data.setdefault((l[0], l[1]), []).append((float(l[2]), ms(l[3]), ms(l[4]), int(l[5])))
servers = []
for l in lines:
    if l[0] not in servers:
        servers.append(l[0])
label = {"ceiling-pg": "raw ceiling, PostgreSQL", "ceiling-sqlite": "raw ceiling, SQLite",
         "wharf-pg-off": "Wharf, PostgreSQL, cache off", "wharf-pg-cached": "Wharf, PostgreSQL, cache on",
         "wharf-sqlite-off": "Wharf, SQLite, cache off", "wharf-sqlite-cached": "Wharf, SQLite, cache on",
         "postgraphile": f"PostGraphile {sys.argv[2]}"}
def rng(xs, fmt):
    return fmt.format(min(xs)) if len(xs) == 1 else (fmt + "–" + fmt).format(min(xs), max(xs))
def med(server, read, i=0):
    return statistics.median(x[i] for x in data[(server, read)])
print("\n| server | list req/s | list p99 | slug req/s | slug p99 | errors | RSS after |")
print("|---|---|---|---|---|---|---|")
for s in servers:
    l, g = data[(s, "list")], data[(s, "slug")]
    print(f"| {label[s]} | {rng([x[0] for x in l], '{:,.0f}')} | {rng([x[2] for x in l], '{:.1f}')} ms "
          f"| {rng([x[0] for x in g], '{:,.0f}')} | {rng([x[2] for x in g], '{:.1f}')} ms "
          f"| {sum(x[3] for x in l + g)} | {rng(data[(s, 'rss')], '{:.0f}')} MiB |")
print("\nRatios (medians of the runs):")
checks = []
def ratio(name, a, b, read, target, i=0, lower=False):
    if (a, read) not in data or (b, read) not in data:
        return
    r = med(a, read, i) / med(b, read, i)
    ok = r <= target if lower else r >= target
    checks.append(ok)
    sign = "≤" if lower else "≥"
    print(f"- {name} {read}: {r:.2f} (target {sign} {target}) {'met' if ok else 'NOT met'}")
for read in ("list", "slug"):
    ratio("Wharf PostgreSQL (cache off) / PostGraphile", "wharf-pg-off", "postgraphile", read, 2.0)
    ratio("Wharf PostgreSQL (cache off) / raw ceiling PostgreSQL", "wharf-pg-off", "ceiling-pg", read, 0.6)
    ratio("Wharf SQLite (cache off) / PostGraphile", "wharf-sqlite-off", "postgraphile", read, 2.5)
    ratio("Wharf SQLite (cache off) / raw ceiling SQLite", "wharf-sqlite-off", "ceiling-sqlite", read, 0.7)
    ratio("p99 Wharf PostgreSQL (cache off) / PostGraphile", "wharf-pg-off", "postgraphile", read, 0.5, i=2, lower=True)
    ratio("p99 Wharf SQLite (cache off) / PostGraphile", "wharf-sqlite-off", "postgraphile", read, 0.5, i=2, lower=True)
for s in servers:
    if s.startswith("wharf"):
        worst = max(data[(s, "rss")])
        print(f"- RSS after load, {label[s]}: {worst:.0f} MiB (target ≤ 50) {'met' if worst <= 50 else 'NOT met'}")
print(f"\n{sum(checks)} of {len(checks)} ratio targets met")
EOF
