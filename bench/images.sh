#!/usr/bin/env bash
# Serving image variants (issue 18, "Measured"), against a release server on this machine:
#   1. the time to make each of 4 variants of a large JPEG on its first request;
#   2. variants served per second once cached, against the original, over loopback (wrk);
#   3. the server's peak RSS while 4 different variants are made at once, and its RSS after.
# Usage: bench/images.sh PHOTO.jpg   (a large photo, e.g. 6000x4000: with Debian's imagemagick,
#        `convert -size 6000x4000 plasma: -quality 90 photo.jpg`). Needs curl, jq, wrk.
# Decoding and encoding alone (no server): `cargo bench -p wharf --bench images`.
set -euo pipefail
PHOTO=${1:?usage: bench/images.sh PHOTO.jpg}
PORT=${PORT:-18480}
DATA=$(mktemp -d)
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$DATA"' EXIT
cargo build --release --bin wharf
BIN=${CARGO_TARGET_DIR:-target}/release/wharf
WHARF_DATA_DIR=$DATA WHARF_PORT=$PORT WHARF_MEDIA_MAX_BYTES=$((64 * 1024 * 1024)) \
  WHARF_MAX_MULTIPART_BYTES=$((80 * 1024 * 1024)) WHARF_RATE_LIMIT_ANONYMOUS_PER_MINUTE=0 \
  WHARF_LOG_FORMAT=json "$BIN" serve >"$DATA/server.log" 2>&1 &
SERVER=$!
BASE=http://127.0.0.1:$PORT
until curl -sf "$BASE/healthz" >/dev/null; do sleep 0.5; done
rss() { awk '/^(VmRSS|VmHWM)/ { printf "%s %d MiB  ", $1, $2 / 1024 }' "/proc/$SERVER/status"; echo; }
gql() { curl -sS "$BASE/graphql" -H 'content-type: application/json' ${TOKEN:+-H "authorization: Bearer $TOKEN"} -d "$1"; }
TOKEN=$(gql '{"query":"mutation { register(input: {email: \"bench@example.com\", password: \"correct horse battery staple\", displayName: \"Bench\"}) { accessToken } }"}' | jq -r .data.register.accessToken)
gql '{"query":"mutation { createSite(input: {name: \"Bench\", domain: \"bench.example.com\", defaultLocale: \"en\", locales: []}) { id } }"}' >/dev/null
ID=$(curl -sS "$BASE/graphql" -H "authorization: Bearer $TOKEN" \
  -F operations='{"query":"mutation($file: Upload!) { uploadMedia(site: \"bench.example.com\", file: $file) { id } }","variables":{"file":null}}' \
  -F map='{"0":["variables.file"]}' -F 0=@"$PHOTO" | jq -r .data.uploadMedia.id)
gql '{"query":"mutation { setMediaPublic(id: \"'"$ID"'\", public: true) { id } }"}' >/dev/null
LINKS=$(gql '{"query":"{ media(id: \"'"$ID"'\") { original: url webp: url(width: 1280, format: WEBP) avif: url(width: 1280, format: AVIF) jpeg: url(width: 1280, format: JPEG) small: url(width: 640, format: WEBP) } }"}')
link() { jq -r ".data.media.$1" <<<"$LINKS"; }
echo "idle:             $(rss)"

echo "== 1. first request of each 1280-wide variant (one at a time)"
for f in webp avif jpeg; do
  curl -s -o /dev/null -w "$f: %{time_total} s, %{size_download} bytes\n" "$(link $f)"
done

echo "== 3. four new variants at once (960 wide), peak RSS"
PIDS=()
for f in WEBP AVIF JPEG PNG; do
  URL=$(gql '{"query":"{ media(id: \"'"$ID"'\") { url(width: 960, format: '"$f"') } }"}' | jq -r .data.media.url)
  curl -s -o /dev/null "$URL" &
  PIDS+=($!)
done
wait "${PIDS[@]}"
echo "after 4 at once:  $(rss)"
sleep 5
echo "5 s later:        $(rss)"

echo "== 2. served per second once cached (wrk, 2 threads, 32 connections, 10 s)"
for name in original small webp; do
  echo "-- $name"
  wrk -t2 -c32 -d10s "$(link $name)" | grep -E "Requests/sec|Transfer/sec|Latency"
done
