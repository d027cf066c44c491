#!/usr/bin/env bash
# Load benchmark: Wharf (cache miss and cached) against a minimal actix-web + sqlx ceiling.
#
#   scripts/loadtest.sh [N ...]        default: 1000 100000 articles
#
# Needs: wrk (Debian package `wrk`), python3, release builds of wharf and the ceiling:
#   cargo build --release -p wharf              (or WHARF=path/to/wharf)
#   (cd bench/ceiling && CARGO_TARGET_DIR=../../target cargo build --release)
# (both in $CARGO_TARGET_DIR when set, as CI does: then build the ceiling with that variable too).
# Environment: DURATION (default 10s), CONNECTIONS (16), THREADS (2). Only 127.0.0.1 is used.
# BENCH_POSTGRES=postgres://user@host:port (a server where a database may be created): Wharf runs
# on a fresh database `wharf_bench` there instead of SQLite (needs psql), and so does the ceiling.
# PRODUCTS=1: also seeds N products (cover, categories, 10 spec rows) and runs the storefront's
# product list page (cache miss) right after the article list, in the same server.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WHARF=${WHARF:-$TARGET/release/wharf}
CEILING=$TARGET/release/ceiling
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
PORT=18200
DOMAIN=bench.example.com
[ -x "$WHARF" ] || { echo "build wharf first (see the header)"; exit 2; }
[ -x "$CEILING" ] || echo "NOTE: the ceiling is not built ($CEILING): its rows are left out"
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)"; exit 2; }

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

post_script() { # $1 = JSON body file → a wrk Lua script posting it
  printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nlocal f = io.open("%s")\nwrk.body = f:read("*a")\nf:close()\n' "$1"
}
# The storefront's list (the ceiling answers it with the same JSON; before 2026-11-30 this script
# asked for `id title slug publishedAt tags { name slug }` with no status filter or ordering).
LIST='{"query":"{ articles(first: 20, filter: {site: \"'$DOMAIN'\", status: PUBLISHED}, orderBy: {field: PUBLISHED_AT, direction: DESC}) { edges { node { id slug title excerpt publishedAt tags { id name slug } } } } }"}'
SLUG='{"query":"{ article(site: \"'$DOMAIN'\", slug: \"article-500\") { title html tags { name slug } } }"}'
SEARCH='{"query":"{ search(query: \"trade fairs\", site: \"'$DOMAIN'\", first: 10) { estimatedTotal hits { article { id title slug } } } }"}'
# The same search with highlighted titles and excerpts: the excerpts hold Chinese, so marking them
# segments Chinese text (run in a server of its own to show its memory apart).
SEARCH_HL='{"query":"{ search(query: \"trade fairs\", site: \"'$DOMAIN'\", first: 10) { estimatedTotal hits { article { id title slug } titleHighlight excerptHighlight } } }"}'
# The storefront's product list page: 20 products with cover, categories and 10 spec rows each.
PLIST='{"query":"{ products(first: 20, filter: {site: \"'$DOMAIN'\"}, orderBy: {field: PUBLISHED_AT, direction: DESC}) { edges { node { id slug name modelNumber price { min max currency } cover { id url width height } categories { slug name } specs { group name value unit } } } } }"}'
for name in LIST SLUG SEARCH SEARCH_HL PLIST; do
  printf '%s' "${!name}" > "$work/$name.json"
  post_script "$work/$name.json" > "$work/$name.lua"
done

wait_up() { for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT$1" >/dev/null && return 0; sleep 0.1; done; echo "server did not start"; exit 1; }

peak_rss_kb=0
sample_rss() { # $1 = pid; keeps the highest VmRSS and RssAnon seen in $work/rss, $work/anon
  local max=0 max_anon=0
  while kill -0 "$1" 2>/dev/null; do
    local now anon
    now=$(awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0)
    anon=$(awk '/^RssAnon/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0)
    [ "${now:-0}" -gt "$max" ] && max=$now && echo "$max" > "$work/rss"
    [ "${anon:-0}" -gt "$max_anon" ] && max_anon=$anon && echo "$max_anon" > "$work/anon"
    sleep 0.2
  done
}

run() { # $1 = label, $2 = lua script
  local out; out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$2" "http://127.0.0.1:$PORT/graphql")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  printf '| %s | %s | %s | %s | %s | %s |\n' "$N" "$1" "$rps" "$p50" "$p99" "${errors:-0}" >> "$work/results"
}

start_wharf() { # $1 = response cache TTL in ms
  WHARF_DATA_DIR=$work/data WHARF_DATABASE_URL=$DB_URL WHARF_PORT=$PORT WHARF_RESPONSE_CACHE_TTL_MS=$1 WHARF_WORKERS=2 \
  WHARF_RATE_LIMIT_ANONYMOUS_PER_MINUTE=0 WHARF_DATABASE_MAX_CONNECTIONS=8 RUST_LOG=error \
    "$WHARF" serve > "$work/wharf.log" 2>&1 &
  WPID=$!
  echo 0 > "$work/rss"; echo 0 > "$work/anon"
  sample_rss "$WPID" &
  wait_up /healthz
}
stop() { kill "$1"; wait "$1" 2>/dev/null || true; }

echo "| articles | request | requests/s | p50 | p99 | non-2xx |" > "$work/results"
echo "|---|---|---|---|---|---|" >> "$work/results"
: > "$work/rss-results"
for N in "${@:-1000 100000}"; do
  rm -rf "$work/data"
  if [ -n "${BENCH_POSTGRES:-}" ]; then
    psql -q "$BENCH_POSTGRES/postgres" -c 'DROP DATABASE IF EXISTS wharf_bench' -c 'CREATE DATABASE wharf_bench'
    DB_URL=$BENCH_POSTGRES/wharf_bench; SEED_TARGET=$DB_URL
  else
    DB_URL=; SEED_TARGET=$work/data/wharf.db
  fi
  WHARF_DATA_DIR=$work/data WHARF_DATABASE_URL=$DB_URL RUST_LOG=error "$WHARF" migrate >/dev/null
  python3 "$ROOT/scripts/seed_bench.py" "$SEED_TARGET" "$N" "$DOMAIN" ${PRODUCTS:+--products}
  # Statistics as autovacuum would have them a minute later (the rows were just copied in).
  [ -n "${BENCH_POSTGRES:-}" ] && psql -q "$DB_URL" -c 'ANALYZE'
  WHARF_DATA_DIR=$work/data WHARF_DATABASE_URL=$DB_URL RUST_LOG=error "$WHARF" reindex >/dev/null
  start_wharf 0
  curl -sf "http://127.0.0.1:$PORT/graphql" -H 'content-type: application/json' -d @"$work/SLUG.json" >/dev/null
  run "wharf list (cache miss)" "$work/LIST.lua"
  if [ -n "${PRODUCTS:-}" ]; then
    curl -sf "http://127.0.0.1:$PORT/graphql" -H 'content-type: application/json' -d @"$work/PLIST.json" \
      | python3 -c 'import json, sys; d = json.load(sys.stdin); assert "errors" not in d and len(d["data"]["products"]["edges"][0]["node"]["specs"]) == 10, d' \
      || { echo "the product list query failed"; exit 1; }
    run "wharf product list (cache miss)" "$work/PLIST.lua"
  fi
  run "wharf article by slug (cache miss)" "$work/SLUG.lua"
  run "wharf search (cache miss)" "$work/SEARCH.lua"
  stop "$WPID"; sleep 0.3
  echo "| $N | wharf, cache off (list, slug, search) | $(( $(cat "$work/rss") / 1024 )) MiB | $(( $(cat "$work/anon") / 1024 )) MiB |" >> "$work/rss-results"
  start_wharf 5000
  run "wharf list (cached)" "$work/LIST.lua"
  stop "$WPID"; sleep 0.3
  echo "| $N | wharf, cache on | $(( $(cat "$work/rss") / 1024 )) MiB | $(( $(cat "$work/anon") / 1024 )) MiB |" >> "$work/rss-results"
  start_wharf 0
  run "wharf search with highlights (cache miss)" "$work/SEARCH_HL.lua"
  stop "$WPID"; sleep 0.3
  echo "| $N | wharf, cache off, search with highlights | $(( $(cat "$work/rss") / 1024 )) MiB | $(( $(cat "$work/anon") / 1024 )) MiB |" >> "$work/rss-results"
  [ -x "$CEILING" ] || continue
  "$CEILING" "${DB_URL:-$work/data/wharf.db}" "$PORT" "$DOMAIN" > "$work/ceiling.log" 2>&1 &
  CPID=$!
  sleep 0.5
  run "ceiling list (actix-web + sqlx)" "$work/LIST.lua"
  stop "$CPID"
done
echo; cat "$work/results"
echo; echo "| articles | server | peak RSS (VmRSS) | peak anonymous RSS (RssAnon) |"; echo "|---|---|---|---|"; cat "$work/rss-results"
