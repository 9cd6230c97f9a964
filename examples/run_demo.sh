#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main example end to end:
# starts examples/http_service, signs up a few users (each answered 202 at
# once while the welcome email is still being "sent"), shows the registry,
# calls a task by name through the admin endpoint, sends SIGTERM while emails
# are in flight, and shows the outbox and the shutdown report.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/cmake/install_debian_deps.sh"
build="$root/build-demo"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBG_BUILD_TESTS=OFF > /dev/null
cmake --build "$build" -j 2 --target http_service

work="$(mktemp -d)"
log="$work/service.log"
echo
echo "=== starting http_service (emails take 1.5 s; shutdown grace 3 s)"
BG_ADMIN_TOKEN=demo-token "$build/examples/http_service/http_service" --email-delay-ms 1500 --grace-ms 3000 \
  --workers 2 --outbox "$work/outbox.txt" --audit "$work/audit.log" > "$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q '^listening on' "$log" && break; sleep 0.05; done
url=$(sed -n 's/^listening on \(.*\)$/\1/p' "$log")
echo "$(head -1 "$log")"

show() { echo; echo "\$ $*"; "$@"; echo; }
for who in "ada:Ada Lovelace" "alan:Alan Turing" "grace:Grace Hopper"; do
  show curl -s -w ' (HTTP %{http_code} in %{time_total} s)' -X POST "$url/signup" \
       -H 'Content-Type: application/json' -d "{\"email\": \"${who%%:*}@example.com\", \"name\": \"${who#*:}\"}"
done
show curl -s -w ' (HTTP %{http_code})' -X POST "$url/signup" -H 'Content-Type: application/json' -d '{"email": "x@example.com"}'
show curl -s "$url/tasks"
show curl -s -w ' (HTTP %{http_code})' -X POST "$url/tasks/record_audit" -H 'Authorization: Bearer demo-token' \
     -d '{"event": "manual", "email": "ops@example.com"}'
show curl -s -w ' (HTTP %{http_code})' -X POST "$url/tasks/record_audit" -H 'Authorization: Bearer demo-token' \
     -d '["only one argument"]'

echo "=== outbox right after the requests (emails still in flight):"
cat "$work/outbox.txt" 2>/dev/null || echo "(empty)"
echo
echo "=== sending SIGTERM"
kill -TERM "$pid"
wait "$pid" || true
echo "=== service output:"
cat "$log"
echo "=== outbox after shutdown:"
cat "$work/outbox.txt" 2>/dev/null || echo "(empty)"
echo "=== audit log:"
cat "$work/audit.log" 2>/dev/null || echo "(empty)"
