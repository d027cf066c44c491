#!/usr/bin/env bash
# Cached reads of two builds of wharf, run alternately on the same data (A B A B ...), to tell
# whether a change to the response cache or to what every request records made them slower.
#
#   scripts/loadtest-cached-ab.sh OLD_WHARF NEW_WHARF [ROUNDS]     (default 2 rounds)
#
# Seeds N articles (env N, default 1000) once, with OLD's `migrate` and scripts/seed_bench.py.
# Each run starts the binary with the response cache on (WHARF_RESPONSE_CACHE_TTL_MS=5000), runs
# wrk on the article list and then on one article by slug (both answered from the cache after
# the first request), and reads VmRSS / RssAnon right after the load. Environment: DURATION (8s),
# CONNECTIONS (16), THREADS (2). Only 127.0.0.1 is used. Needs wrk and python3.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OLD=${1:?old wharf binary}
NEW=${2:?new wharf binary}
ROUNDS=${3:-2}
N=${N:-1000}
DURATION=${DURATION:-8s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
PORT=18201
DOMAIN=bench.example.com
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)"; exit 2; }

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

post_script() { # $1 = JSON body file → a wrk Lua script posting it
  printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nlocal f = io.open("%s")\nwrk.body = f:read("*a")\nf:close()\n' "$1"
}
LIST='{"query":"{ articles(first: 20, filter: {site: \"'$DOMAIN'\"}) { edges { node { id title slug publishedAt tags { name slug } } } } }"}'
SLUG='{"query":"{ article(site: \"'$DOMAIN'\", slug: \"article-500\") { title html tags { name slug } } }"}'
for name in LIST SLUG; do
  printf '%s' "${!name}" > "$work/$name.json"
  post_script "$work/$name.json" > "$work/$name.lua"
done

WHARF_DATA_DIR=$work/data RUST_LOG=error "$OLD" migrate >/dev/null
python3 "$ROOT/scripts/seed_bench.py" "$work/data/wharf.db" "$N" "$DOMAIN"
WHARF_DATA_DIR=$work/data RUST_LOG=error "$OLD" reindex >/dev/null

wait_up() { for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return 0; sleep 0.1; done; echo "server did not start"; exit 1; }

load() { # $1 = lua script → "requests/s p99"
  local out; out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$1" "http://127.0.0.1:$PORT/graphql")
  grep -q 'Non-2xx' <<<"$out" && { echo "non-2xx answers:"; echo "$out"; exit 1; }
  printf '%s | %s' "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")"
}

echo "| run | binary | list requests/s | list p99 | slug requests/s | slug p99 | VmRSS / RssAnon after |"
echo "|---|---|---|---|---|---|---|"
for round in $(seq 1 "$ROUNDS"); do
  for which in old new; do
    bin=$OLD; [ "$which" = new ] && bin=$NEW
    WHARF_DATA_DIR=$work/data WHARF_PORT=$PORT WHARF_RESPONSE_CACHE_TTL_MS=5000 WHARF_WORKERS=2 \
    WHARF_RATE_LIMIT_ANONYMOUS_PER_MINUTE=0 WHARF_DATABASE_MAX_CONNECTIONS=8 RUST_LOG=error \
      "$bin" serve > "$work/wharf.log" 2>&1 &
    pid=$!
    wait_up
    list=$(load "$work/LIST.lua")
    slug=$(load "$work/SLUG.lua")
    rss=$(awk '/^VmRSS/ {r=$2} /^RssAnon/ {a=$2} END {printf "%d / %d MiB", r/1024, a/1024}' "/proc/$pid/status")
    echo "| $round | $which | $list | $slug | $rss |"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    sleep 0.5
  done
done
