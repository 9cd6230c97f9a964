#!/usr/bin/env bash
# End-to-end test of the HTTP service in durable mode: real redis-server,
# real processes, curl as the client.
#   tests/http/durable_e2e.sh HTTP_SERVICE MAIL_WORKER BG_QUEUE WORK_DIR
# It starts redis-server on a free loopback port, `http_service --redis`,
# and two mail_worker processes; makes 30 signups (two bounce once and are
# retried through Redis, one is refused for good); SIGKILLs one worker while
# it holds entries mid-task; and checks that every email was sent at least
# once and none was lost, that the refused one is a dead letter bg-queue
# shows and can requeue, that the queue ends empty, and that SIGTERM stops
# the survivors with exit 0. Then it pauses redis-server (SIGSTOP) for longer
# than the service's socket_timeout: the signup made meanwhile gets a 503
# that names neither the server nor the internal error and says honestly
# that it may have been queued (it was: the email is sent once Redis
# resumes); with Redis gone, a signup gets 503 "nothing was queued" with
# Retry-After. Every process it starts is stopped by its pid.
set -euo pipefail
service="$1" worker="$2" bgq="$3" work="$4"
rm -rf "$work"
mkdir -p "$work/redis"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok:   $*"; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# --- redis-server on a free loopback port (never 6379) -------------------------
for _ in 1 2 3 4 5; do
  rport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  [[ "$rport" == 6379 ]] && continue
  redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --dir "$work/redis" \
    > "$work/redis.log" 2>&1 &
  redis_pid=$!
  pids+=("$redis_pid")
  for _ in $(seq 100); do redis-cli -p "$rport" ping 2>/dev/null | grep -q PONG && break; sleep 0.05; done
  redis-cli -p "$rport" ping 2>/dev/null | grep -q PONG && break
  kill "$redis_pid" 2>/dev/null || true
done
url="redis://127.0.0.1:$rport"
redis-cli -p "$rport" ping | grep -q PONG && pass "redis-server (pid $redis_pid) on port $rport" || { fail "no redis-server"; exit 1; }
export BG_REDIS_URL="$url"

# --- the service and two workers -----------------------------------------------
# socket_timeout (seconds, redis-py's name): a stalled server fails a signup after 0.5 s.
"$service" --redis "$url/0?socket_timeout=0.5" --grace-ms 5000 > "$work/service.log" 2>&1 &
service_pid=$!
pids+=("$service_pid")
for _ in $(seq 100); do grep -q '^listening on' "$work/service.log" && break; sleep 0.05; done
port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\)$|\1|p' "$work/service.log")
[[ -n "$port" ]] || { cat "$work/service.log" >&2; fail "the service did not start"; exit 1; }

start_worker() {  # name -> sets wpid; worker b takes its URL from BG_REDIS_URL, not the command line
  local address=(--redis "$url")
  [[ "$1" == b ]] && address=()
  BG_REDIS_URL="$url" "$worker" "${address[@]}" --workers 2 --max-in-flight 8 --email-delay-ms 1000 \
    --claim-idle-ms 1000 --grace-ms 5000 --outbox "$work/outbox" --audit "$work/audit" > "$work/$1.log" 2>&1 &
  wpid=$!
  pids+=("$wpid")
  for _ in $(seq 100); do grep -q 'reading queue' "$work/$1.log" && return; sleep 0.05; done
  cat "$work/$1.log" >&2; fail "worker $1 did not start"; exit 1
}
start_worker a; a_pid=$wpid; a_name=$(sed -n "s/^mail_worker \([^:]*:[0-9]*\): .*/\1/p" "$work/a.log")
start_worker b; b_pid=$wpid
pass "http_service on port $port, workers a ($a_name) and b"

# --- signups -------------------------------------------------------------------
signup() {  # email name -> HTTP status
  curl -s -o "$work/body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data "{\"email\": \"$1\", \"name\": \"$2\"}" "http://127.0.0.1:$port/signup"
}
expected=()
for i in $(seq 27); do
  [[ "$(signup "user$i@example.com" "User $i")" == 202 ]] || fail "signup $i refused: $(cat "$work/body")"
  expected+=("user$i@example.com")
done
for i in 1 2; do
  [[ "$(signup "busy$i@bounce.example" "Busy $i")" == 202 ]] || fail "bounce signup $i refused"
  expected+=("busy$i@bounce.example")
done
[[ "$(signup "nobody@invalid.example" "Nobody")" == 202 ]] || fail "invalid signup refused"
grep -q '"email_entry":"[0-9]*-[0-9]*"' "$work/body" && pass "202 with the stream entry ids" \
  || fail "no entry ids in the 202: $(cat "$work/body")"

# --- SIGKILL worker a while it holds entries mid-task ---------------------------
held=0
for _ in $(seq 200); do
  held=$("$bgq" status mail | sed -n "s/^  worker $a_name: pending \([0-9]*\),.*/\1/p")
  [[ "${held:-0}" -gt 0 ]] && break
  sleep 0.02
done
kill -KILL "$a_pid"
wait "$a_pid" 2>/dev/null || true
[[ "${held:-0}" -gt 0 ]] && pass "killed worker a (SIGKILL) holding $held entries mid-task" \
  || fail "worker a never held an entry"

# --- every email sent at least once, none lost -----------------------------------
for _ in $(seq 300); do
  sent=$(cut -f1 "$work/outbox" 2>/dev/null | sort -u | grep -c . || true)
  [[ "$sent" -ge ${#expected[@]} ]] && break
  sleep 0.1
done
lost=0
for email in "${expected[@]}"; do
  grep -q "^$email	" "$work/outbox" || { lost=$((lost + 1)); fail "lost: $email"; }
done
total=$(grep -c . "$work/outbox" || true)
((lost == 0)) && pass "all ${#expected[@]} emails sent ($total lines: $((total - ${#expected[@]})) sent twice, at least once is the promise)"
grep -q "^nobody@invalid.example" "$work/outbox" && fail "the refused address was sent"
audits=$(cut -f2 "$work/audit" | sort -u | grep -c . || true)
[[ "$audits" == 30 ]] && pass "30 signups audited" || fail "$audits of 30 signups audited"

# --- what an operator sees ----------------------------------------------------------
for _ in $(seq 100); do
  "$bgq" status mail > "$work/status.txt"
  grep -q "^queue mail: ready 0, pending 0, delayed 0, dead 1$" "$work/status.txt" && break
  sleep 0.1
done
grep -q "^queue mail: ready 0, pending 0, delayed 0, dead 1$" "$work/status.txt" \
  && pass "bg-queue status: nothing ready, pending or delayed; one dead letter" \
  || fail "bg-queue status: $(cat "$work/status.txt")"
"$bgq" dead mail > "$work/dead.txt"
grep -q 'send_welcome_email \["nobody@invalid.example","Nobody"\]' "$work/dead.txt" \
  && grep -q 'bg::NoRetry: final): 550 5.1.1 nobody@invalid.example: no such user' "$work/dead.txt" \
  && pass "bg-queue dead shows the refused email with its error" || fail "bg-queue dead: $(cat "$work/dead.txt")"
grep -q "^worker b: read .*retried 2" "$work/b.log" 2>/dev/null || true  # printed at exit; checked below
dead_id=$(head -1 "$work/dead.txt" | cut -d' ' -f1)
[[ "$("$bgq" requeue mail "$dead_id")" == "requeued 1" ]] && pass "bg-queue requeue $dead_id" || fail "requeue failed"
for _ in $(seq 100); do
  "$bgq" dead mail > "$work/dead2.txt"
  [[ -s "$work/dead2.txt" && "$(head -1 "$work/dead2.txt" | cut -d' ' -f1)" != "$dead_id" ]] && break
  sleep 0.1
done
[[ "$(head -1 "$work/dead2.txt" | cut -d' ' -f1)" != "$dead_id" && "$(grep -c NoRetry "$work/dead2.txt")" == 1 ]] \
  && pass "the requeued entry ran again and, refused again, is one new dead letter" \
  || fail "after requeue: $(cat "$work/dead2.txt")"
r=$("$bgq" requeue mail 1-1 2>&1 || true)
[[ "$r" == *"has no dead letter 1-1"* ]] && pass "requeue of an unknown id says so" || fail "requeue 1-1: $r"
r=$("$bgq" --redis "redis://127.0.0.1:99999" status mail 2>&1 || true)
[[ "$r" == *"99999"* ]] && pass "a bad --redis URL is named" || fail "bad URL: $r"

# --- Redis stalls: an honest 503 that leaks nothing ---------------------------------
kill -STOP "$redis_pid"
code=$(signup "stalled@example.com" "Stalled")
kill -CONT "$redis_pid"
body=$(cat "$work/body")
[[ "$code" == 503 && "$body" == *"may have been queued"* ]] \
  && pass "Redis paused past socket_timeout: 503, the signup may have been queued: $body" \
  || fail "Redis paused: $code $body"
detail=$(sed -n 's/^http_service: POST \/signup: //p' "$work/service.log" | tail -1)
[[ -n "$detail" ]] && pass "the service's log has the detail: $detail" || fail "no detail in the service's log"
[[ "$body" != *"redis://"* && "$body" != *"$rport"* && "$body" != *"127.0.0.1"* && "$body" != *"$detail"* ]] \
  && pass "the 503 names neither the server nor the internal error" || fail "the 503 leaks: $body"
for _ in $(seq 100); do grep -q "^stalled@example.com	" "$work/outbox" && break; sleep 0.05; done
grep -q "^stalled@example.com	" "$work/outbox" && pass "...and it had been queued: sent once Redis resumed" \
  || fail "the stalled signup was never sent (then 'may have been queued' was right, but check the worker)"
[[ "$(signup "after@example.com" "After")" == 202 ]] && pass "Redis resumed: the next signup gets 202" \
  || fail "after SIGCONT: $(cat "$work/body")"

# --- graceful stop ------------------------------------------------------------------
kill -TERM "$b_pid"; set +e; wait "$b_pid"; b_status=$?; set -e
[[ $b_status == 0 ]] && pass "worker b: exit 0 after SIGTERM" || fail "worker b exit status $b_status"
grep -q "taken over [1-9]" "$work/b.log" && pass "worker b took over the killed worker's entries: $(grep '^entries:' "$work/b.log")" \
  || fail "worker b took nothing over: $(tail -3 "$work/b.log")"
kill -TERM "$redis_pid"; wait "$redis_pid" 2>/dev/null || true
for i in 1 2; do  # the first may find the old connection closed under it
  code=$(curl -s -D "$work/headers" -o "$work/body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data '{"email": "gone@example.com", "name": "Gone"}' "http://127.0.0.1:$port/signup")
done
body=$(cat "$work/body")
[[ "$code" == 503 && "$body" == *"nothing was queued"* ]] && grep -q '^Retry-After: ' "$work/headers" \
  && [[ "$body" != *"$rport"* && "$body" != *"redis://"* ]] \
  && pass "Redis gone: 503 with Retry-After, nothing was queued: $body" || fail "Redis gone: $code $body"
kill -TERM "$service_pid"; set +e; wait "$service_pid"; s_status=$?; set -e
[[ $s_status == 0 ]] && pass "service: exit 0 after SIGTERM" || fail "service exit status $s_status"

if ((failures)); then echo "$failures check(s) failed; logs in $work" >&2; exit 1; fi
echo "all durable end-to-end checks passed"
