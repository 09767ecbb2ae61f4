#!/usr/bin/env bash
# Load test of `waspada serve` (issue 5): a store of 100,000 synthetic articles, the
# signals API and the main pages (signals, map and its GeoJSON, an event, search) hit by
# wrk from a second process on loopback at a steady rate, 60 s per endpoint. Prints p50,
# p99, throughput and errors per endpoint. Not part of the test suite (no timed tests).
#
#   scripts/loadtest.sh [DATA_DIR]
#
# DATA_DIR (default $TARGET/loadtest-data) is built on the first run with
# `waspada bench ingest --keep` (about 3 minutes on 2 cores) and reused afterwards.
# wrk paces each connection with a fixed pause of CONNECTIONS/RATE seconds between its
# requests, so a connection's own latency lowers the rate it offers: 8 connections keep the
# offered rate above 200 req/s up to about 10 ms per request.
# Environment: ARTICLES (100000), RATE (requests/s per endpoint, 250), CONNECTIONS (8),
# DURATION (60s), PORT (18480), WASPADA (the binary; built with --release if missing).
# Needs wrk (Debian: apt-get install wrk) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
WASPADA=${WASPADA:-$TARGET/release/waspada}
DATA=${1:-$TARGET/loadtest-data}
ARTICLES=${ARTICLES:-100000}
RATE=${RATE:-250}
CONNECTIONS=${CONNECTIONS:-8}
DURATION=${DURATION:-60s}
PORT=${PORT:-18480}
BASE="http://127.0.0.1:$PORT"

command -v wrk >/dev/null || { echo "wrk is not installed (Debian: apt-get install wrk)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 is needed to read the API's JSON" >&2; exit 1; }
if [ ! -x "$WASPADA" ]; then
  cargo build --release --locked -p waspada
fi
if [ ! -f "$DATA/waspada.sqlite" ]; then
  echo "building a store of $ARTICLES articles in $DATA"
  "$WASPADA" bench ingest --articles "$ARTICLES" --queries 100 --keep "$DATA"
  # Detection over the whole store (an ingest of nothing runs it).
  empty=$(mktemp --suffix=.jsonl)
  "$WASPADA" ingest --data "$DATA" "$empty"
  rm -f "$empty"
fi

# Every route needs a login: a viewer's API token, new at each run.
TOKEN=$("$WASPADA" token add "loadtest-$(date +%s)" --role viewer --data "$DATA")
AUTH="Bearer $TOKEN"

"$WASPADA" serve --data "$DATA" --addr "127.0.0.1:$PORT" >/dev/null &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  curl -fs -o /dev/null "$BASE/api/openapi.json" && break
  sleep 0.1
done

json() { curl -fs -H "Authorization: $AUTH" "$BASE$1" | python3 -c "import json,sys; d=json.load(sys.stdin); $2"; }
echo "store: $(json /api/signals?limit=1 'print(d["total"], "signals")'), \
$(json /api/events?limit=1 'print(d["total"], "events")')"
EVENTS=$(json "/api/events?limit=20" 'print(" ".join("/events/%d" % e["id"] for e in d["items"]))')
SIGNAL=$(json "/api/signals?limit=1" 'print(d["items"][0]["id"] if d["items"] else "")')
# What the map page asks for by default: the 90 days before the latest event.
LATEST=$(json "/api/events?limit=1" 'print(d["items"][0]["last_date"])')
SINCE=$(date -d "$LATEST -90 days" +%F)
SEARCHES="/search?q=demam+berdarah /search?q=campak+Bekasi /search?q=rabies /search?q=keracunan+sekolah \
/search?q=cholera+outbreak /search?q=flu+burung&outbreak=true /search?q=difteri&place=32"

# name|paths (space-separated; rotated)
ENDPOINTS=(
  "api/signals|/api/signals /api/signals?status=new /api/signals?limit=50&offset=50"
  "api/signals/{id}|/api/signals/$SIGNAL"
  "page signals|/signals /signals?lang=en"
  "page map|/map"
  "api/events.geojson (map data)|/api/events.geojson?since=$SINCE"
  "api/events.geojson (all)|/api/events.geojson"
  "page event|$EVENTS"
  "page search|$SEARCHES"
)
delay=$(( 1000 * CONNECTIONS / RATE ))
printf "\n%-30s %10s %10s %10s %8s  (%s per endpoint, %d connections, target %d req/s)\n" \
  endpoint "p50 ms" "p99 ms" "req/s" errors "$DURATION" "$CONNECTIONS" "$RATE"
out=$(mktemp)
for e in "${ENDPOINTS[@]}"; do
  name=${e%%|*}
  paths=${e#*|}
  WRK_PATHS="$paths" WRK_DELAY_MS=$delay WRK_AUTH="$AUTH" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency \
    -s scripts/loadtest.lua "$BASE" >"$out"
  # wrk prints latencies with their own unit (us, ms, s).
  to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}'; }
  p50=$(awk '$1=="50%"{print $2}' "$out" | to_ms)
  p99=$(awk '$1=="99%"{print $2}' "$out" | to_ms)
  rps=$(awk '/^Requests\/sec/{printf "%.0f", $2}' "$out")
  non2xx=$(awk '/Non-2xx/{print $NF}' "$out")
  sockerr=$(awk '/Socket errors/{gsub(",",""); print $4+$6+$8+$10}' "$out")
  printf "%-30s %10s %10s %10s %8s\n" "$name" "$p50" "$p99" "$rps" "$(( ${non2xx:-0} + ${sockerr:-0} ))"
done
rm -f "$out"
