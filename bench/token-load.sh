#!/usr/bin/env bash
# Load test of POST /oauth2/token (client_credentials, client_secret_post) with wrk.
#
# Starts its own idx-auth demo (fresh temp data dir, a free loopback port, in the background),
# waits for /health/ready, runs WARMUP_RUNS warm-up runs, then one measured run, prints tokens/s,
# p50/p90/p99 latency and the error count, and stops the service. Exits 1 when the measured run saw
# any non-200 response or socket error.
#
#   bench/token-load.sh
#   DURATION=60 CONNECTIONS=32 bench/token-load.sh
#   SCOPE= bench/token-load.sh                  # unscoped tokens
#   JFR=/tmp/token.jfr bench/token-load.sh      # also record a JFR profile of the measured run
#
# Environment:
#   CONNECTIONS (16)  THREADS (2)  DURATION (30, seconds of the measured run, at least 20 advised)
#   WARMUP_RUNS (3)   WARMUP_SECONDS (15)   SCOPE ("pqd mtrd"; empty for unscoped tokens)
#   CLIENT_ID (retailer01-app)   TIMEOUT (2s, wrk's per-request timeout)
#   JFR (unset; a file name: record the service's measured run with JFR into it)
#   IDX_AUTH_JAVA_OPTS (passed on to bin/idx-auth: extra JVM flags for the service)
#   KEEP_DATA (unset; 1 keeps the temp data dir and the service log)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

connections="${CONNECTIONS:-16}"
threads="${THREADS:-2}"
duration="${DURATION:-30}"
warmup_runs="${WARMUP_RUNS:-3}"
warmup_seconds="${WARMUP_SECONDS:-15}"
client_id="${CLIENT_ID:-retailer01-app}"
timeout="${TIMEOUT:-2s}"
if [[ -v SCOPE ]]; then scope="$SCOPE"; else scope="pqd mtrd"; fi
host=127.0.0.1 # only ever loopback

log() { echo "token-load: $*" >&2; }

# --- wrk ----------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
  log "installing wrk with apt-get"
  sudo=""
  (( EUID != 0 )) && sudo="sudo"
  apt_log="$(mktemp)"
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk; } \
      >"$apt_log" 2>&1; then
    cat "$apt_log" >&2; rm -f "$apt_log"; log "could not install wrk"; exit 3
  fi
  rm -f "$apt_log"
fi

# --- a free loopback port -----------------------------------------------------------------------
free_port() {
  local port used
  used="$(ss -Hltn 2>/dev/null | awk '{ n = split($4, a, ":"); print a[n] }')"
  for _ in $(seq 1 100); do
    port=$(( 20000 + RANDOM % 40000 ))
    if ! grep -qx "$port" <<<"$used"; then echo "$port"; return; fi
  done
  log "no free port found"; exit 3
}
port="$(free_port)"
base="http://$host:$port"

# --- the service --------------------------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/idx-auth-bench.XXXXXX")"
service_pid=""
cleanup() {
  local rc=$?
  if [[ -n "$service_pid" ]] && kill -0 "$service_pid" 2>/dev/null; then
    kill "$service_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$service_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$service_pid" 2>/dev/null || true
    wait "$service_pid" 2>/dev/null || true
  fi
  if [[ "${KEEP_DATA:-}" == 1 ]]; then log "kept $work"; else rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "starting idx-auth demo on $base (data $work/data)"
# bin/idx-auth execs java, so $! ends up as the JVM's pid (after a build, if sources changed).
"$root/bin/idx-auth" demo --data "$work/data" --host "$host" --port "$port" \
  >"$work/service.log" 2>&1 &
service_pid=$!

ready=""
for _ in $(seq 1 600); do # up to ~5 min: the first use may build the project
  if ! kill -0 "$service_pid" 2>/dev/null; then
    log "the service exited before it was ready; its log:"; cat "$work/service.log" >&2; exit 3
  fi
  if [[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/health/ready" || true)" == 200 ]]; then
    ready=1; break
  fi
  sleep 0.5
done
[[ -n "$ready" ]] || { log "the service is not ready after 5 minutes"; cat "$work/service.log" >&2; exit 3; }
grep -E 'SigningProvider|serving on' "$work/service.log" | sed 's/^/service: /' >&2 || true

secret="$(grep -E "^${client_id//./\\.}=" "$work/data/demo-secrets.properties" | head -1 | cut -d= -f2-)"
[[ -n "$secret" ]] || { log "no secret for $client_id in $work/data/demo-secrets.properties"; exit 3; }

# One request by hand first, so a broken setup fails loudly rather than as 100% errors.
check="$(curl -s -w '\n%{http_code}' "$base/oauth2/token" -d grant_type=client_credentials \
  -d "client_id=$client_id" --data-urlencode "client_secret=$secret" \
  ${scope:+--data-urlencode "scope=$scope"})"
if [[ "${check##*$'\n'}" != 200 ]]; then
  log "a single token request failed: $check"; exit 3
fi

export CLIENT_ID="$client_id" CLIENT_SECRET="$secret" SCOPE="$scope"
wrk_args=(--latency -c "$connections" -t "$threads" --timeout "$timeout" -s "$here/token.lua")

# --- warm-up ------------------------------------------------------------------------------------
for i in $(seq 1 "$warmup_runs"); do
  line="$(wrk "${wrk_args[@]}" -d "${warmup_seconds}s" "$base/oauth2/token" | grep '^RESULT')"
  log "warm-up $i/$warmup_runs (${warmup_seconds}s): ${line#RESULT }"
done

# --- measured run -------------------------------------------------------------------------------
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }     # utime + stime of a process
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; } # user nice sys irq softirq
hz="$(getconf CLK_TCK)"

if [[ -n "${JFR:-}" ]]; then
  jcmd="$(dirname "$(readlink -f "/proc/$service_pid/exe")")/jcmd"
  jfr_args=(JFR.start name=token-load settings=profile duration="${duration}s"
    filename="$(readlink -f "$(dirname "$JFR")")/$(basename "$JFR")")
  # JDK 25+: also sample by CPU time (JEP 509), which sees native code such as ACCP's RSA.
  "$jcmd" "$service_pid" "${jfr_args[@]}" jdk.CPUTimeSample#enabled=true \
      jdk.CPUTimeSample#throttle=2ms >/dev/null 2>&1 ||
    "$jcmd" "$service_pid" "${jfr_args[@]}" >/dev/null
fi

echo "== measured run: POST $base/oauth2/token, scope='${scope}', client $client_id"
echo "== wrk ${wrk_args[*]} -d ${duration}s   (keep-alive; $(nproc) CPUs shared by wrk and the service)"
svc0="$(cpu_ticks "$service_pid")"; all0="$(busy_ticks)"; t0="$(date +%s.%N)"
TIMEFORMAT='%U %S' # bash's time: user and system CPU seconds of wrk
{ time wrk "${wrk_args[@]}" -d "${duration}s" "$base/oauth2/token" >"$work/wrk.out" 2>&1; } \
  2>"$work/wrk.time"
svc1="$(cpu_ticks "$service_pid")"; all1="$(busy_ticks)"; t1="$(date +%s.%N)"
out="$(cat "$work/wrk.out")"
echo "$out"

if [[ -n "${JFR:-}" ]]; then
  sleep 2 # the recording stops by itself after DURATION and is then written
  log "JFR recording: $JFR (try: jfr summary $JFR; jfr print --events jdk.CPUTimeSample --stack-depth 64 $JFR)"
fi

result="$(grep '^RESULT' <<<"$out")"
get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$result"; }
non200="$(get non200)"; socket_errors="$(get socket_errors)"
read -r wrk_user wrk_sys <"$work/wrk.time"
cpu="$(awk -v s0="$svc0" -v s1="$svc1" -v a0="$all0" -v a1="$all1" -v t0="$t0" -v t1="$t1" \
  -v hz="$hz" -v wu="$wrk_user" -v ws="$wrk_sys" -v n="$(nproc)" \
  'BEGIN { el = t1 - t0; svc = (s1 - s0) / hz / el; all = (a1 - a0) / hz / el; w = (wu + ws) / el;
           o = all - svc - w; if (o < 0) o = 0;
           printf "service %.2f, wrk %.2f, other processes %.2f, idle %.2f (of %d CPUs)", svc, w, o, n - all, n }')"
others="$(sed 's/.*other processes \([0-9.]*\).*/\1/' <<<"$cpu")"

echo
echo "== summary (measured run, ${duration}s, $connections connections, $threads threads, scope='${scope}')"
echo "tokens/s:      $(get tokens_per_s)"
echo "latency:       p50 $(get p50_ms) ms, p90 $(get p90_ms) ms, p99 $(get p99_ms) ms (max $(get max_ms) ms)"
echo "requests:      $(get requests) ($(get ok) with status 200)"
echo "errors:        $non200 non-200 responses, $socket_errors socket errors"
echo "CPU use:       $cpu"
echo "service CPU:   $(awk -v s0="$svc0" -v s1="$svc1" -v hz="$hz" -v r="$(get ok)" \
  'BEGIN { if (r > 0) printf "%.3f ms per token", (s1 - s0) / hz / r * 1000 }')"
if awk -v o="$others" 'BEGIN { exit !(o > 0.1) }'; then
  log "WARNING: other processes used $others CPUs during the measured run: the figures are low"
fi

if [[ "$non200" != 0 || "$socket_errors" != 0 ]]; then
  log "FAILED: the measured run had $non200 non-200 responses and $socket_errors socket errors"
  exit 1
fi
