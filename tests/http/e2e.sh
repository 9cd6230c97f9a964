#!/usr/bin/env bash
# End-to-end test of examples/http_service: real processes, real HTTP over
# loopback, curl as the client.
#   tests/http/e2e.sh HTTP_SERVICE_BINARY WORK_DIR
# Checks, in order:
#   1. POST /signup answers 202 well before the simulated email delay, and
#      malformed or incomplete bodies get 400 with nothing submitted;
#   2. GET /tasks lists the registry and the live stats;
#   3. the admin endpoint: 403 when no token is configured, then 401 (no or
#      wrong token), 404 (unknown task), 422 (bad argument, named), 200;
#   4. SIGTERM (SIGINT for the admin service) with emails still in flight: exit 0, and every accepted signup
#      is in the outbox exactly once or its task is named in the report;
#   5. the same with a grace period shorter than the email delay, so that
#      the report must name the stopped tasks;
#   6. the welcome email is a coroutine task: 200 signups with 1 s emails on
#      one I/O thread (and 2 workers, which would need 100 s for them one
#      after another) are all delivered about 1 s after the last signup, and
#      SIGTERM right after it drains every one of them;
#   7. GET /metrics: the real promtool accepts the exposition, and the
#      counters match the signups made, retries (a 451 bounce) and final
#      failures (a 550) included; GET /tasks shows the policies;
#   8. options: --help, and bad values named with what to write;
#   9. bodies are checked before they are read: 50 MB bodies without the
#      admin token (eight at once) get 401, too large ones 413, chunked ones
#      411, and the service's peak RSS stays within a bound;
#  10. a flood of signups against a small --max-tasks gets some 503s with
#      Retry-After, and every signup answered 202 is emailed and audited;
#  11. without --outbox and --audit, nothing is written to the working
#      directory (the lines go to standard output).
set -euo pipefail
service="$(realpath "$1")"  # absolute: one check runs it from another directory
work="$2"
rm -rf "$work"
mkdir -p "$work"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok:   $*"; }

# Starts the service with the given flags; sets pid, port, log.
start() {
  local name=$1; shift
  log="$work/$name.log"
  "$service" "$@" > "$log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do
    if grep -q '^listening on http://127.0.0.1:' "$log"; then break; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "service died:" >&2; cat "$log" >&2; exit 1; fi
    sleep 0.05
  done
  port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\)$|\1|p' "$log")
  [[ -n "$port" ]] || { echo "no 'listening on' line:" >&2; cat "$log" >&2; exit 1; }
}

# Sends SIGTERM (or the signal given) and waits (at most 30 s) for exit;
# sets status.
stop() {
  kill -"${1:-TERM}" "$pid"
  for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fail "service did not exit within 30 s of SIGTERM"; fi
  set +e; wait "$pid"; status=$?; set -e
}

# request METHOD PATH [BODY] [CURL ARGS...] -> prints "STATUS SECONDS BODY"
request() {
  local method=$1 path=$2 body=${3:-}; shift 3 || shift $#
  curl -s -o "$work/body" -w '%{http_code} %{time_total}' -X "$method" \
       -H 'Content-Type: application/json' ${body:+--data "$body"} "$@" "http://127.0.0.1:$port$path"
  printf ' %s' "$(tr -d '\n' < "$work/body")"
}

expect_status() {  # expected what response
  local got=${3%% *}
  if [[ "$got" == "$1" ]]; then pass "$2 -> $1"; else fail "$2: expected $1, got: $3"; fi
}

# --- 1-3: one service without an admin token ---------------------------------
start plain --email-delay-ms 800 --grace-ms 5000 --outbox "$work/plain.outbox" --audit "$work/plain.audit"
r=$(request POST /signup '{"email": "fast@example.com", "name": "Fast"}')
expect_status 202 "POST /signup" "$r"
seconds=$(echo "$r" | cut -d' ' -f2)
if awk -v s="$seconds" 'BEGIN { exit !(s < 0.4) }'; then pass "202 after ${seconds}s, the email takes 0.8s"
else fail "202 took ${seconds}s; it must not wait for the 0.8s email"; fi
[[ ! -s "$work/plain.outbox" ]] && pass "the email is still in flight when the 202 arrives" \
  || fail "the outbox was written before the response"

expect_status 400 "malformed JSON" "$(request POST /signup '{"email": ')"
expect_status 400 "missing name" "$(request POST /signup '{"email": "x@example.com"}')"
r=$(request POST /signup '{"email": 5, "name": "x"}')
expect_status 400 "email not a string" "$r"
[[ "$r" == *"email"* ]] && pass "the 400 names the field" || fail "400 does not name the field: $r"

r=$(request GET /tasks "")
expect_status 200 "GET /tasks" "$r"
for want in '"name":"send_welcome_email"' '"name":"record_audit"' '"stats":' '"submitted":2'; do
  [[ "$r" == *"$want"* ]] && pass "GET /tasks has $want" || fail "GET /tasks lacks $want: $r"
done

r=$(request POST /tasks/record_audit '["x", "y"]' -H 'Authorization: Bearer anything')
expect_status 403 "admin endpoint without BG_ADMIN_TOKEN" "$r"
stop
[[ $status -eq 0 ]] && pass "exit 0 after SIGTERM" || fail "exit status $status after SIGTERM"
lines=$(grep -c . "$work/plain.outbox" || true)
[[ "$lines" == 1 ]] && pass "the one accepted email was sent once" || fail "outbox has $lines lines, want 1"

# --- 3: the admin endpoint with a token ---------------------------------------
BG_ADMIN_TOKEN=s3cret start admin --email-delay-ms 10 --outbox "$work/admin.outbox" --audit "$work/admin.audit"
expect_status 401 "admin without a token" "$(request POST /tasks/record_audit '["a", "b"]')"
expect_status 401 "admin with a wrong token" \
  "$(request POST /tasks/record_audit '["a", "b"]' -H 'Authorization: Bearer wrong')"
for wrong in s3cres s3cret2 s3cre 'S3CRET' ''; do  # right length, longer, a prefix, the case, none
  expect_status 401 "admin with the token '$wrong'" \
    "$(request POST /tasks/record_audit '["a", "b"]' -H "Authorization: Bearer $wrong")"
done
# The scheme is case-insensitive (RFC 7235): a 422 (wrong arity) shows the
# request got past the token check, without running anything.
expect_status 422 "admin, 'authorization: bearer TOKEN'" \
  "$(request POST /tasks/record_audit '["x"]' -H 'authorization: bearer s3cret')"
expect_status 422 "admin, 'Authorization: BEARER  TOKEN'" \
  "$(request POST /tasks/record_audit '["x"]' -H 'Authorization: BEARER  s3cret')"
auth=(-H 'Authorization: Bearer s3cret')
expect_status 404 "admin, unknown task" "$(request POST /tasks/no_such_task '[]' "${auth[@]}")"
r=$(request POST /tasks/send_welcome_email '{"email": "a@example.com", "name": 7}' "${auth[@]}")
expect_status 422 "admin, wrong argument type" "$r"
[[ "$r" == *'"parameter":"name"'* ]] && pass "the 422 names the parameter" || fail "422 without the parameter: $r"
expect_status 422 "admin, wrong arity" "$(request POST /tasks/record_audit '["only one"]' "${auth[@]}")"
r=$(request POST /tasks/send_welcome_email '{"email": "admin@example.com", "name": "Admin"}' "${auth[@]}")
expect_status 200 "admin, valid call" "$r"

# --- 9: bodies are checked before they are read ---------------------------------
# Unauthenticated 50 MB bodies, four at once twice, then too large ones with the
# token: each is answered unread, so the peak RSS stays near the idle one
# (before this check the service read each body whole: 492 MB peak here).
hwm() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$pid/status"; }
idle_kb=$(hwm)
head -c 50000000 /dev/zero > "$work/50MB"
big() {  # curl args...: prints the HTTP status
  curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary @"$work/50MB" \
    "$@" 2>/dev/null || true
}
# Four ask first (Expect: 100-continue, curl's default for large bodies) and
# get 401 before sending; four send at once (Expect:), and the connection
# closed on their unread bodies may reset before the 401 arrives (000).
statuses=$(for _ in 1 2 3 4; do big "http://127.0.0.1:$port/tasks/record_audit" & done; wait)
[[ "$statuses" == 401401401401 ]] && pass "4 unauthenticated 50 MB admin requests at once -> 401" \
  || fail "4 unauthenticated 50 MB admin requests: $statuses"
statuses=$(for _ in 1 2 3 4; do big -H 'Expect:' "http://127.0.0.1:$port/tasks/record_audit" & done; wait)
[[ "$statuses" =~ ^((401|000)){4}$ ]] \
  && pass "4 more sent without waiting for 100-continue -> 401 (or a reset): $statuses" \
  || fail "4 unauthenticated 50 MB admin requests without Expect: $statuses"
[[ "$(big "${auth[@]}" "http://127.0.0.1:$port/tasks/record_audit")" == 413 ]] \
  && pass "an authenticated 50 MB admin request -> 413" || fail "an authenticated 50 MB admin request is not 413"
[[ "$(big "http://127.0.0.1:$port/signup")" == 413 ]] && pass "a 50 MB signup -> 413" || fail "a 50 MB signup is not 413"
expect_status 413 "a 64 KiB + 1 signup" "$(request POST /signup "$(head -c 65537 /dev/zero | tr '\0' ' ')")"
expect_status 411 "a chunked signup" "$(request POST /signup '{}' -H 'Transfer-Encoding: chunked')"
rm -f "$work/50MB"
peak_kb=$(hwm) bound_kb=$((idle_kb + 16384))
((peak_kb < bound_kb)) && pass "peak RSS ${peak_kb} kB (idle ${idle_kb} kB, bound ${bound_kb} kB; one body read whole is 48828 kB)" \
  || fail "peak RSS ${peak_kb} kB, over the bound ${bound_kb} kB (idle ${idle_kb} kB): a body was read"
stop INT
[[ $status -eq 0 ]] && pass "exit 0 after SIGINT" || fail "admin service exit status $status after SIGINT"
grep -q "received SIGINT" "$log" && pass "SIGINT shuts down like SIGTERM" || fail "no SIGINT line: $(cat "$log")"
[[ "$(cat "$work/admin.outbox" 2>/dev/null)" == $'admin@example.com\tAdmin' ]] \
  && pass "only the valid admin call ran" || fail "admin outbox: $(cat "$work/admin.outbox" 2>/dev/null)"
[[ ! -s "$work/admin.audit" ]] && pass "refused admin calls ran nothing" || fail "audit log: $(cat "$work/admin.audit")"

# --- 4 and 5: SIGTERM with emails in flight -----------------------------------
# Accepted signups must each be in the outbox exactly once, or have their
# email task named in the shutdown report.
check_drain() {  # name count
  local name=$1 count=$2 accepted=0 sent=0 reported=0
  for i in $(seq "$count"); do
    r=$(request POST /signup "{\"email\": \"user$i@example.com\", \"name\": \"User $i\"}")
    [[ "${r%% *}" == 202 ]] || { fail "$name: signup $i got $r"; continue; }
    id=$(echo "$r" | sed -n 's/.*"email_task":\([0-9]*\).*/\1/p')
    echo "$i $id" >> "$work/$name.accepted"
    accepted=$((accepted + 1))
  done
  stop
  [[ $status -eq 0 ]] && pass "$name: exit 0 after SIGTERM" || fail "$name: exit status $status"
  grep -q "shutdown report:" "$log" && pass "$name: report printed" || fail "$name: no report in the log"
  while read -r i id; do
    n=$(grep -c "^user$i@example.com	" "$work/$name.outbox" 2>/dev/null || true)
    n=${n:-0}
    if [[ "$n" == 1 ]]; then sent=$((sent + 1))
    elif [[ "$n" == 0 ]] && grep -q "task 'send_welcome_email' (id $id)" "$log"; then reported=$((reported + 1))
    else fail "$name: user$i (task $id) is in the outbox $n times and not in the report"; fi
  done < "$work/$name.accepted"
  pass "$name: $accepted accepted = $sent sent + $reported named in the report"
  last_sent=$sent last_reported=$reported
}

start drain --workers 4 --email-delay-ms 300 --grace-ms 10000 --outbox "$work/drain.outbox" --audit "$work/drain.audit"
check_drain drain 20
[[ $last_sent == 20 ]] && pass "drain: a long grace period sends every email" || fail "drain: only $last_sent of 20 sent"

start cut --workers 2 --email-delay-ms 3000 --grace-ms 200 --outbox "$work/cut.outbox" --audit "$work/cut.audit"
check_drain cut 6
[[ $last_reported -gt 0 ]] && pass "cut: the report names the $last_reported emails cut off" \
  || fail "cut: a 200 ms grace with 3 s emails must leave some in the report"

# --- 6: 200 coroutine emails at once ------------------------------------------
start many --workers 2 --io-threads 1 --email-delay-ms 1000 --grace-ms 10000 \
  --outbox "$work/many.outbox" --audit "$work/many.audit"
signup_one() {  # i: prints the HTTP status
  curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' \
       --data "{\"email\": \"bulk$1@example.com\", \"name\": \"Bulk $1\"}" "http://127.0.0.1:$port/signup"
}
export -f signup_one
export port
first=$(date +%s.%N)
accepted=$(seq 200 | xargs -P 16 -I{} bash -c 'signup_one {}' | grep -c '^202$' || true)
last=$(date +%s.%N)
[[ "$accepted" == 200 ]] && pass "many: 200 signups accepted in $(awk -v a="$first" -v b="$last" 'BEGIN { printf "%.2f", b - a }') s" \
  || fail "many: only $accepted of 200 signups accepted"
r=$(request GET /tasks "")
[[ "$r" == *'"name":"send_welcome_email"'*'"kind":"coroutine"'* || "$r" == *'"kind":"coroutine"'*'"name":"send_welcome_email"'* ]] \
  && pass "GET /tasks says send_welcome_email is a coroutine task" || fail "GET /tasks lacks the kind: $r"
stop
ended=$(date +%s.%N)
drain=$(awk -v a="$last" -v b="$ended" 'BEGIN { printf "%.2f", b - a }')
[[ $status -eq 0 ]] && pass "many: exit 0 after SIGTERM" || fail "many: exit status $status"
lines=$(sort -u "$work/many.outbox" 2>/dev/null | grep -c '^bulk' || true)
[[ "$lines" == 200 ]] && pass "many: all 200 emails delivered once" || fail "many: $lines of 200 emails delivered"
[[ "$(grep -c . "$work/many.outbox")" == 200 ]] || fail "many: the outbox has duplicate lines"
if awk -v d="$drain" 'BEGIN { exit !(d >= 0.5 && d < 4.0) }'; then
  pass "many: SIGTERM drained them ${drain} s after the last signup (1 s emails, waiting together)"
else
  fail "many: the drain took ${drain} s after the last signup; 200 concurrent 1 s emails should take about 1 s"
fi
grep -q "failed=0 cancelled=0 abandoned=0 rejected=0" "$log" && pass "many: nothing failed, cancelled or abandoned" \
  || fail "many: the report counts losses: $(grep 'shutdown complete' "$log")"
if grep -q "task 'send_welcome_email'" "$log"; then fail "many: the report names an email task: $(cat "$log")"
else pass "many: the report names no email task"; fi

# --- 7: metrics, validated by promtool -----------------------------------------
start metrics --workers 2 --email-delay-ms 50 --grace-ms 5000 --outbox "$work/metrics.outbox" \
  --audit "$work/metrics.audit"
for i in $(seq 10); do request POST /signup "{\"email\": \"ok$i@example.com\", \"name\": \"Ok $i\"}" > /dev/null; done
for i in 1 2 3; do request POST /signup "{\"email\": \"b$i@bounce.example\", \"name\": \"B $i\"}" > /dev/null; done
request POST /signup '{"email": "nobody@invalid.example", "name": "Nobody"}' > /dev/null
for _ in $(seq 200); do
  [[ "$(grep -c . "$work/metrics.outbox" 2>/dev/null || true)" == 13 && \
     "$(grep -c . "$work/metrics.audit" 2>/dev/null || true)" == 14 ]] && break
  sleep 0.05
done
[[ "$(grep -c . "$work/metrics.outbox")" == 13 ]] && pass "metrics: 13 emails sent (3 after a retry), 1 refused for good" \
  || fail "metrics: the outbox has $(grep -c . "$work/metrics.outbox") lines, expected 13"
# The last attempt's counters are written as its run settles, just after
# the outbox line: poll /metrics until they show.
for _ in $(seq 100); do
  curl -s "http://127.0.0.1:$port/metrics" > "$work/metrics.txt"
  grep -q '^bgtasks_tasks_total{task="send_welcome_email",outcome="completed"} 13$' "$work/metrics.txt" && break
  sleep 0.05
done
if promtool check metrics < "$work/metrics.txt" > "$work/promtool.out" 2>&1; then
  pass "metrics: promtool check metrics accepts GET /metrics"
else
  fail "metrics: promtool rejects GET /metrics: $(cat "$work/promtool.out")"
fi
expect_metric() {  # line
  if grep -qxF "$1" "$work/metrics.txt"; then pass "metrics: $1"; else fail "metrics: no line '$1' in $work/metrics.txt"; fi
}
expect_metric 'bgtasks_tasks_submitted_total{task="send_welcome_email"} 14'
expect_metric 'bgtasks_tasks_total{task="send_welcome_email",outcome="completed"} 13'
expect_metric 'bgtasks_tasks_total{task="send_welcome_email",outcome="retried"} 3'
expect_metric 'bgtasks_tasks_total{task="send_welcome_email",outcome="failed"} 1'
expect_metric 'bgtasks_task_run_seconds_count{task="send_welcome_email"} 17'
expect_metric 'bgtasks_tasks_total{task="record_audit",outcome="completed"} 14'
expect_metric 'bgtasks_tasks_running{task="record_audit"} 0'
expect_metric 'bgtasks_tasks_queued{task="record_audit"} 0'
r=$(request GET /tasks "")
[[ "$r" == *'"policy":{"backoff_base_ms":100,"backoff_cap_ms":2000,"retries":3,"timeout_ms":30000}'* ]] \
  && pass "GET /tasks shows the email's retry and time limit" || fail "GET /tasks lacks the email's policy: $r"
[[ "$r" == *'"policy":{"concurrency":1}'* ]] && pass "GET /tasks shows the audit's concurrency limit" \
  || fail "GET /tasks lacks the audit's policy: $r"
stop
[[ $status -eq 0 ]] && pass "metrics: exit 0 after SIGTERM" || fail "metrics: exit status $status"

# --- 8: options ------------------------------------------------------------------
"$service" --help > "$work/help.txt" 2>&1 && grep -q -- '--max-tasks N' "$work/help.txt" \
  && pass "--help: exit 0 with the options" || fail "--help: $(cat "$work/help.txt")"
for bad in "--queue-capacity lots:--queue-capacity takes a whole number from 1 to" \
           "--max-body-bytes 0:--max-body-bytes takes a whole number from 2 to" \
           "--bogus 1:unknown flag '--bogus'" "--outbox:--outbox needs a value"; do
  set +e; "$service" ${bad%%:*} > "$work/bad.txt" 2>&1; code=$?; set -e
  [[ $code == 2 ]] && grep -qF -- "${bad#*:}" "$work/bad.txt" && pass "'${bad%%:*}': exit 2, '${bad#*:}'" \
    || fail "'${bad%%:*}': exit $code: $(head -1 "$work/bad.txt")"
done

# --- 10: a flood of signups against a small bound ---------------------------------
start flood --workers 1 --email-delay-ms 1000 --max-tasks 10 --queue-capacity 4 --grace-ms 10000 \
  --outbox "$work/flood.outbox" --audit "$work/flood.audit"
flood_one() {  # i: writes flood.i.body, and flood.i.status: the HTTP status, and retry-after if that header came
  curl -s -D "$work/flood.$1.headers" -o "$work/flood.$1.body" -X POST -H 'Content-Type: application/json' \
    --data "{\"email\": \"flood$1@example.com\", \"name\": \"Flood $1\"}" "http://127.0.0.1:$port/signup"
  { sed -n 's/^HTTP\/1.1 \([0-9]*\).*/\1/p; s/^Retry-After: [0-9].*/retry-after/p' "$work/flood.$1.headers" \
      | tr '\n' ' '; echo; } > "$work/flood.$1.status"
}
export -f flood_one
export port work
seq 40 | xargs -P 16 -I{} bash -c 'flood_one {}'
ok=$(cat "$work"/flood.*.status | grep -c '^202 $' || true)
busy=$(cat "$work"/flood.*.status | grep -c '^503 retry-after $' || true)
((busy > 0 && ok > 0 && ok + busy == 40)) && pass "flood: 40 signups at once, 10 tasks at most: $ok got 202, $busy got 503 with Retry-After" \
  || fail "flood: $ok got 202, $busy 503 with Retry-After, of 40: $(cat "$work"/flood.*.status | sort | uniq -c)"
busy_body=$(grep -l 'try again later' "$work"/flood.*.body 2>/dev/null | head -1 || true)
[[ -n "$busy_body" ]] && ! grep -qiE 'bg:|capacity|queue_|task ' "$busy_body" \
  && pass "flood: the 503 says only what the client needs: $(cat "$busy_body")" \
  || fail "flood: the 503 body: $(cat "${busy_body:-/dev/null}")"
stop
[[ $status -eq 0 ]] && pass "flood: exit 0 after SIGTERM" || fail "flood: exit status $status"
sent=$(grep -c . "$work/flood.outbox" || true) audited=$(grep -c . "$work/flood.audit" || true)
[[ "$sent" == "$ok" && "$audited" == "$ok" ]] && pass "flood: every 202 ran: $sent emails sent, $audited audited" \
  || fail "flood: $ok accepted, $sent emails sent, $audited audited"

# --- 11: nothing written to the working directory ----------------------------------
mkdir "$work/cwd"
chmod 555 "$work/cwd"  # read-only (root may still write: the listing below is the check)
pushd "$work/cwd" > /dev/null
start cwd --email-delay-ms 10
popd > /dev/null
expect_status 202 "cwd: a signup with neither --outbox nor --audit" \
  "$(request POST /signup '{"email": "cwd@example.com", "name": "Cwd"}')"
stop
[[ -z "$(ls -A "$work/cwd")" ]] && pass "cwd: nothing written to the working directory" \
  || fail "cwd: the service wrote $(ls -A "$work/cwd") to its working directory"
grep -q $'^sent: cwd@example.com\tCwd$' "$log" && grep -q $'^audit: signup\tcwd@example.com$' "$log" \
  && pass "cwd: the email and the audit record went to standard output" || fail "cwd: output: $(cat "$log")"

if ((failures)); then echo "$failures check(s) failed; logs in $work" >&2; exit 1; fi
echo "all end-to-end checks passed"
