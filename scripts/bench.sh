#!/usr/bin/env bash
# Throughput of the gateway on loopback, measured with wrk. Prints figures; asserts nothing.
#
#   scripts/bench.sh [--debug] [seconds]
#
# Builds anongate (release unless --debug), starts it on 127.0.0.1:8181 with a throw-away data
# and keys folder and a copy of Config/gateway.yaml whose rate limit is lifted, then runs wrk
# against the slot listing, the service list and booking creation. Needs `wrk` (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=release
if [ "${1:-}" = "--debug" ]; then mode=debug; shift; fi
seconds="${1:-10}"
command -v wrk >/dev/null || { echo "bench: install wrk first (apt-get install -y wrk)"; exit 1; }

swift build -c "$mode" --product anongate >/dev/null
binary=".build/$mode/anongate"
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
sed -e 's/bookingsPerClientPerHour: .*/bookingsPerClientPerHour: 10000/' \
    -e 's/bookingsPerClientPerDay: .*/bookingsPerClientPerDay: 100000/' Config/gateway.yaml > "$work/gateway.yaml"
mkdir -p "$work/keys" && "$binary" keys init --keys "$work/keys" >/dev/null
echo "bench password 1234" | "$binary" staff add --username bench --provider uturn --role counsellor \
    --config "$work/gateway.yaml" --data "$work/data" --keys "$work/keys" >/dev/null
LOG_LEVEL=warning "$binary" serve --port 8181 --config "$work/gateway.yaml" --data "$work/data" --keys "$work/keys" 2>"$work/serve.log" &
server=$!
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:8181/healthz >/dev/null && break; sleep 0.2; done

# Real slot ids from the running gateway, so the booking run works on any date.
slots=$(curl -sf "http://127.0.0.1:8181/api/v1/services/pas/slots?days=14" | python3 -c 'import json,sys; print(",".join(chr(34)+s["id"]+chr(34) for s in json.load(sys.stdin)["slots"]))')
cat > "$work/book.lua" <<LUA
-- Each request books the next PAS slot in turn; once every place is taken, 409s follow.
local slots = {${slots}}
local n = 0
request = function()
  n = n + 1
  local body = '{"serviceId":"pas","slotId":"' .. slots[n % #slots + 1] .. '","ageBand":"25-plus","substances":["cannabis"],"receivesOtherSocialSupport":false,"message":"benchmark"}'
  return wrk.format("POST", "/api/v1/bookings", {["Content-Type"] = "application/json"}, body)
end
done = function(summary, latency, requests)
  io.write(string.format("  latency p50 %.2f ms, p99 %.2f ms\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
LUA

echo "anongate $mode build, $(nproc) cores, ${seconds}s per run, 2 threads, 16 connections"
for target in "/api/v1/services" "/api/v1/services/pas/slots?days=14" "/"; do
  echo "GET $target"
  wrk -t2 -c16 -d"${seconds}s" --latency "http://127.0.0.1:8181$target" | grep -E "Requests/sec|50%|99%|Non-2xx"
done
echo "POST /api/v1/bookings (booking until slots are full, then 409)"
wrk -t2 -c16 -d"${seconds}s" -s "$work/book.lua" http://127.0.0.1:8181 | grep -E "Requests/sec|Non-2xx|latency"
echo "POST /api/v1/staff/sessions (scrypt N=2^15, r=8, p=1), 20 sequential sign-ins"
start=$(date +%s.%N)
for _ in $(seq 1 20); do
  curl -sf -o /dev/null -H 'Content-Type: application/json' -d '{"username":"bench","password":"bench password 1234"}' http://127.0.0.1:8181/api/v1/staff/sessions
done
end=$(date +%s.%N)
python3 -c "print(f'  {($end - $start) / 20 * 1000:.0f} ms per sign-in')"
echo "bookings stored: $(sqlite3 "$work/data/anonymous.sqlite" 'SELECT count(*) FROM booking' 2>/dev/null || echo '?')"
