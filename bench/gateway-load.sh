#!/usr/bin/env bash
# What idx-auth gateway adds to a call, measured with wrk against targets that all end at the same
# trivial upstream:
#   direct    the upstream itself;
#   gateway   `idx-auth gateway` with a valid token: the full check (token from the validator's
#             cache, IDX headers, entity/operation/participant grant), then the Jetty proxy;
#   nginx     nginx `proxy_pass` with upstream keep-alive: the reference;
#   decision  nginx with auth_request to /_idx/decision of a second gateway, as configured by
#             docs/nginx/idx-auth-decision.conf (only its ports changed): the same checks with nginx
#             proxying;
#   jetty     bench/JettyProxyBaseline.java: Jetty's ProxyHandler with the gateway's Jetty settings
#             and no checks (what the proxy stack costs by itself).
# The upstream is nginx answering a small static JSON body with `return 200` (no disk, no
# application): the most neutral upstream, the same for all.
#
# Starts everything itself on free loopback ports in a temp dir: three nginx (the upstream, the
# proxy_pass one, the auth_request one), the token service (`bin/idx-auth demo`, as token-load.sh
# does) to issue the token and publish its keys, the gateway (`bin/idx-auth gateway`), a second
# gateway for the decision target, and the Jetty baseline. Then WARMUP_RUNS warm-up runs per target,
# ROUNDS rounds of loaded runs (CONNECTIONS connections) that take the targets in turn, so that
# drift on a shared machine hits all alike, and one serial run (one connection: the latency a call
# pays when nothing queues) per target. Prints
# requests/s, p50/p90/p99 and the proxy's CPU per request for each run, the median per target, and
# what the gateway adds at p50 and its throughput as a share of nginx's. Exits 1 when a measured
# run saw a non-2xx answer or a socket error, 3 when setup failed.
#
#   bench/gateway-load.sh
#   ROUNDS=5 DURATION=20 CONNECTIONS=64 bench/gateway-load.sh
#   TARGETS="direct gateway nginx" bench/gateway-load.sh
#
# Environment:
#   CONNECTIONS (32)  THREADS (2)  ROUNDS (3)  DURATION (10, seconds of each loaded run)
#   SERIAL_DURATION (10, seconds of each one-connection run)
#   WARMUP_RUNS (2)  WARMUP_SECONDS (10, per target; the JVMs' JIT needs them)
#   TARGETS ("direct gateway nginx decision jetty")   TIMEOUT (2s, wrk's per-request timeout)
#   RATE_LIMIT (unset; e.g. 100000000/second adds a rate limit to the gateway's route)
#   IDX_AUTH_JAVA_OPTS (passed on to bin/idx-auth: extra JVM flags for the service and the gateway)
#   IDX_AUTH_LAUNCHER (bin/idx-auth; another command taking the same arguments, e.g. a wrapper that
#                      runs a prebuilt jar)
#   IDX_AUTH_LIB (cli/target/lib: the jars JettyProxyBaseline.java runs with)
#   KEEP_DATA (unset; 1 keeps the temp dir and the logs)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

connections="${CONNECTIONS:-32}"
threads="${THREADS:-2}"
rounds="${ROUNDS:-3}"
duration="${DURATION:-10}"
serial_duration="${SERIAL_DURATION:-10}"
warmup_runs="${WARMUP_RUNS:-2}"
warmup_seconds="${WARMUP_SECONDS:-10}"
timeout="${TIMEOUT:-2s}"
read -r -a targets <<<"${TARGETS:-direct gateway nginx decision jetty}"
launcher="${IDX_AUTH_LAUNCHER:-$root/bin/idx-auth}"
lib="${IDX_AUTH_LIB:-$root/cli/target/lib}"
host=127.0.0.1 # only ever loopback
path=/pqd/v1/readings

log() { echo "gateway-load: $*" >&2; }
wants() { [[ " ${targets[*]} " == *" $1 "* ]]; }
for t in gateway nginx; do
  wants "$t" || { log "TARGETS must include gateway and nginx"; exit 3; }
done

# --- wrk and nginx ------------------------------------------------------------------------------
nginx_bin="$(command -v nginx || true)"
[[ -z "$nginx_bin" && -x /usr/sbin/nginx ]] && nginx_bin=/usr/sbin/nginx
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
[[ -n "$nginx_bin" ]] || missing+=(nginx)
if (( ${#missing[@]} > 0 )); then
  log "installing ${missing[*]} with apt-get"
  sudo=""
  (( EUID != 0 )) && sudo="sudo"
  apt_log="$(mktemp)"
  if ! { $sudo apt-get update -qq &&
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } \
      >"$apt_log" 2>&1; then
    cat "$apt_log" >&2; rm -f "$apt_log"; log "could not install ${missing[*]}"; exit 3
  fi
  rm -f "$apt_log"
  nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
fi

# --- free loopback ports, distinct --------------------------------------------------------------
taken=""
free_port() { # sets $port to a free port not yet taken
  local used
  used="$(ss -Hltn 2>/dev/null | awk '{ n = split($4, a, ":"); print a[n] }')"
  for _ in $(seq 1 100); do
    port=$(( 20000 + RANDOM % 40000 ))
    if ! grep -qx "$port" <<<"$used" && [[ " $taken " != *" $port "* ]]; then
      taken="$taken $port"; return
    fi
  done
  log "no free port found"; exit 3
}
free_port; up_port=$port
free_port; proxy_port=$port
free_port; decision_port=$port
free_port; service_port=$port
free_port; gateway_port=$port
free_port; jetty_port=$port
free_port; decision_gateway_port=$port

# --- processes and cleanup ----------------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/idx-auth-gateway-bench.XXXXXX")"
pids=()
stop_pid() {
  local pid=$1
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
}
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do stop_pid "$pid"; done
  if [[ "${KEEP_DATA:-}" == 1 ]]; then log "kept $work"; else rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for() { # url expected-status what pid log
  for _ in $(seq 1 600); do # up to ~5 min: the first use may build the project
    if ! kill -0 "$4" 2>/dev/null; then
      log "$3 exited before it was ready; its log:"; cat "$5" >&2; exit 3
    fi
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)" == "$2" ]]; then return; fi
    sleep 0.5
  done
  log "$3 is not ready after 5 minutes"; cat "$5" >&2; exit 3
}

# --- nginx: the upstream, the proxy_pass reference, the auth_request one ------------------------
# As root, nginx's workers would drop to nobody, who cannot enter the temp dir.
user_line=""
(( EUID == 0 )) && user_line="user root;"
start_nginx() { # name http-block-content; sets $started
  local dir="$work/$1"
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<EOF
$user_line
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $dir/client_body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
$2
}
EOF
  "$nginx_bin" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g 'daemon off;' \
    >"$dir/stdout.log" 2>&1 &
  started=$!
  pids+=("$started")
}

body='{"participantId":"RETAILER01","readings":[{"at":"2026-11-30T00:00:00Z","v":231.4}]}'
start_nginx upstream "
  server {
    listen $host:$up_port;
    location / { default_type application/json; return 200 '$body'; }
  }"
up_pid=$started
start_nginx proxy "
  upstream api { server $host:$up_port; keepalive 64; keepalive_requests 1000000; }
  server {
    listen $host:$proxy_port;
    location / {
      proxy_pass http://api;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
    }
  }"
proxy_pid=$started
wait_for "http://$host:$up_port$path" 200 "the upstream nginx" "$up_pid" "$work/upstream/error.log"
wait_for "http://$host:$proxy_port$path" 200 "the proxy nginx" "$proxy_pid" "$work/proxy/error.log"

# --- the token service and the gateway ----------------------------------------------------------
issuer="http://$host:$service_port"
log "starting idx-auth demo on $issuer (data $work/data)"
# bin/idx-auth execs java, so $! ends up as the JVM's pid (after a build, if sources changed).
"$launcher" demo --data "$work/data" --host "$host" --port "$service_port" --issuer "$issuer" \
  >"$work/service.log" 2>&1 &
service_pid=$!; pids+=("$service_pid")
wait_for "$issuer/health/ready" 200 "the token service" "$service_pid" "$work/service.log"

secret="$(grep -E '^retailer01-app=' "$work/data/demo-secrets.properties" | head -1 | cut -d= -f2-)"
[[ -n "$secret" ]] || { log "no secret for retailer01-app in demo-secrets.properties"; exit 3; }
token="$(curl -s "$issuer/oauth2/token" -d grant_type=client_credentials -d client_id=retailer01-app \
  --data-urlencode "client_secret=$secret" -d scope=pqd |
  sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')"
[[ -n "$token" ]] || { log "could not get a token from $issuer"; exit 3; }

limits=""
[[ -n "${RATE_LIMIT:-}" ]] && limits=", rateLimits: [\"$RATE_LIMIT\"]"
cat >"$work/routes.yaml" <<EOF
routes:
  - {path: /pqd/v1/**, upstream: "http://$host:$up_port", entity: pqd$limits}
EOF
log "starting idx-auth gateway on http://$host:$gateway_port"
"$launcher" gateway --routes "$work/routes.yaml" --host "$host" --port "$gateway_port" \
  --issuer "$issuer" >"$work/gateway.log" 2>&1 &
gateway_pid=$!; pids+=("$gateway_pid")
wait_for "http://$host:$gateway_port/_idx/health" 200 "the gateway" "$gateway_pid" "$work/gateway.log"

decision_pid=""
decision_gateway_pid=""
if wants decision; then
  # A gateway of its own: decision traffic would otherwise shape the JIT of the proxying one.
  "$launcher" gateway --routes "$work/routes.yaml" --host "$host" --port "$decision_gateway_port" \
    --issuer "$issuer" >"$work/decision-gateway.log" 2>&1 &
  decision_gateway_pid=$!; pids+=("$decision_gateway_pid")
  wait_for "http://$host:$decision_gateway_port/_idx/health" 200 "the decision gateway" \
    "$decision_gateway_pid" "$work/decision-gateway.log"
  sed -e "s/127\.0\.0\.1:8081/$host:$decision_gateway_port/; s/127\.0\.0\.1:9001/$host:$up_port/" \
    -e "s/127\.0\.0\.1:8080/$host:$up_port/; s/listen 127\.0\.0\.1:8443/listen $host:$decision_port/" \
    "$root/docs/nginx/idx-auth-decision.conf" >"$work/idx-auth-decision.conf"
  start_nginx decision "  include $work/idx-auth-decision.conf;"
  decision_pid=$started
  wait_for "http://$host:$decision_port$path" 401 "the auth_request nginx" "$decision_pid" \
    "$work/decision/error.log"
fi

jetty_pid=""
if wants jetty; then
  # The JDK the gateway runs on: JAVA_HOME, else the one bin/idx-auth picks, else java on the PATH.
  java="${JAVA_HOME:-$("$root/bin/idx-auth" jdk 2>/dev/null || true)}/bin/java"
  [[ -x "$java" ]] || java="$(command -v java)"
  [[ -d "$lib" ]] || { log "no $lib for the Jetty baseline (build first, or set IDX_AUTH_LIB)"; exit 3; }
  printf '<configuration><root level="WARN"/></configuration>\n' >"$work/logback-quiet.xml"
  "$java" -XX:+UseParallelGC -Dlogback.configurationFile="$work/logback-quiet.xml" \
    ${IDX_AUTH_JAVA_OPTS:-} -cp "$lib/*" "$here/JettyProxyBaseline.java" "$jetty_port" \
    "http://$host:$up_port" >"$work/jetty.log" 2>&1 &
  jetty_pid=$!; pids+=("$jetty_pid")
  wait_for "http://$host:$jetty_port$path" 200 "the Jetty baseline" "$jetty_pid" "$work/jetty.log"
fi

declare -A url=(
  [direct]="http://$host:$up_port$path"
  [gateway]="http://$host:$gateway_port$path"
  [nginx]="http://$host:$proxy_port$path"
  [decision]="http://$host:$decision_port$path"
  [jetty]="http://$host:$jetty_port$path"
)
declare -A label=(
  [direct]="upstream direct" [gateway]="idx-auth gateway" [nginx]="nginx proxy_pass"
  [decision]="nginx+decision" [jetty]="Jetty, no checks"
)

# One request by hand first, so a broken setup fails loudly rather than as 100% errors.
for t in "${targets[@]}"; do
  status="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
    -H 'x-initiatingParticipantId: RETAILER01' -H 'x-market: NEM' "${url[$t]}")"
  [[ "$status" == 200 ]] || { log "${label[$t]}: a single request got $status"; exit 3; }
done

export TOKEN="$token"

# --- measuring ----------------------------------------------------------------------------------
cpu_ticks() { # utime + stime of the given processes
  local total=0 pid
  for pid in "$@"; do
    [[ -r "/proc/$pid/stat" ]] || continue
    total=$(( total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat") ))
  done
  echo "$total"
}
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
hz="$(getconf CLK_TCK)"
with_workers() { echo "$1" $(pgrep -P "$1" || true); }
proxy_pids() { # the processes doing the proxying of a target
  case "$1" in
    direct) ;;
    gateway) echo "$gateway_pid" ;;
    nginx) with_workers "$proxy_pid" ;;
    decision) echo "$decision_gateway_pid" $(with_workers "$decision_pid") ;;
    jetty) echo "$jetty_pid" ;;
  esac
}

failed=0
declare -A result
run() { # key target connections threads seconds
  local key=$1 t=$2 c=$3 th=$4 secs=$5
  local ppids upids p0 u0 a0 t0 p1 u1 a1 t1 line wu ws
  ppids="$(proxy_pids "$t")"; upids="$(with_workers "$up_pid")"
  p0="$(cpu_ticks $ppids)"; u0="$(cpu_ticks $upids)"; a0="$(busy_ticks)"; t0="$(date +%s.%N)"
  TIMEFORMAT='%U %S'
  { time wrk --latency -c "$c" -t "$th" -d "${secs}s" --timeout "$timeout" -s "$here/gateway.lua" \
      "${url[$t]}" >"$work/wrk.out" 2>&1; } 2>"$work/wrk.time"
  p1="$(cpu_ticks $ppids)"; u1="$(cpu_ticks $upids)"; a1="$(busy_ticks)"; t1="$(date +%s.%N)"
  line="$(grep '^RESULT' "$work/wrk.out" || true)"
  [[ -n "$line" ]] || { cat "$work/wrk.out" >&2; log "wrk failed"; exit 3; }
  read -r wu ws <"$work/wrk.time"
  # the proxy's CPU per request (µs), and the CPUs used by: proxy, upstream, wrk, everything else
  line="$line $(awk -v p0="$p0" -v p1="$p1" -v u0="$u0" -v u1="$u1" -v a0="$a0" -v a1="$a1" \
    -v t0="$t0" -v t1="$t1" -v hz="$hz" -v wu="$wu" -v ws="$ws" \
    -v n="$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<<"$line")" \
    'BEGIN { el = t1 - t0; p = (p1 - p0) / hz; u = (u1 - u0) / hz; w = wu + ws; a = (a1 - a0) / hz;
             o = (a - p - u - w) / el; if (o < 0) o = 0;
             printf "proxy_us=%.1f proxy_cpu=%.2f upstream_cpu=%.2f wrk_cpu=%.2f other_cpu=%.2f",
               (n > 0 ? p / n * 1e6 : 0), p / el, u / el, w / el, o }')"
  result[$key]="$line"
  local non2xx errors other
  non2xx="$(field "$key" non2xx)"; errors="$(field "$key" socket_errors)"; other="$(field "$key" other_cpu)"
  if [[ "$non2xx" != 0 || "$errors" != 0 ]]; then
    log "${label[$t]} ($key): $non2xx non-2xx answers, $errors socket errors"
    sed -n '1,20p' "$work/wrk.out" >&2
    failed=1
  fi
  if awk -v o="$other" 'BEGIN { exit !(o > 0.1) }'; then
    log "WARNING: other processes used $other CPUs during ${label[$t]} ($key): the figures are low"
  fi
}
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"${result[$1]}"; }

for i in $(seq 1 "$warmup_runs"); do
  for t in "${targets[@]}"; do
    log "warm-up $i/$warmup_runs: ${label[$t]} (${warmup_seconds}s)"
    wrk -c "$connections" -t "$threads" -d "${warmup_seconds}s" --timeout "$timeout" \
      -s "$here/gateway.lua" "${url[$t]}" >/dev/null 2>&1
  done
done
for r in $(seq 1 "$rounds"); do
  for t in "${targets[@]}"; do
    log "loaded, round $r/$rounds: ${label[$t]} (${connections} connections, ${duration}s)"
    run "loaded.$r.$t" "$t" "$connections" "$threads" "$duration"
  done
done
for t in "${targets[@]}"; do
  log "serial: ${label[$t]} (1 connection, ${serial_duration}s)"
  run "serial.$t" "$t" 1 1 "$serial_duration"
done

# The median round of a target, by requests/s.
median_key() {
  local t=$1 r
  for r in $(seq 1 "$rounds"); do echo "$(field "loaded.$r.$t" rps) loaded.$r.$t"; done |
    sort -n | awk '{ k[NR] = $2 } END { print k[int((NR + 1) / 2)] }'
}
declare -A med
for t in "${targets[@]}"; do med[$t]="$(median_key "$t")"; done

row() { # label key
  local cpu="-"
  [[ "$(field "$2" proxy_us)" != "0.0" ]] && cpu="$(field "$2" proxy_us) µs/req"
  printf '%-24s %10s %6s ms %6s ms %6s ms %13s   %s, %s, %s, %s\n' "$1" \
    "$(field "$2" rps)" "$(field "$2" p50_ms)" "$(field "$2" p90_ms)" "$(field "$2" p99_ms)" \
    "$cpu" "$(field "$2" proxy_cpu)" "$(field "$2" upstream_cpu)" "$(field "$2" wrk_cpu)" \
    "$(field "$2" other_cpu)"
}
header() {
  printf '%-24s %10s %9s %9s %9s %13s   %s\n' target "req/s" p50 p90 p99 "proxy CPU" \
    "CPUs: proxy, upstream, wrk, other"
}
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }

echo
echo "== loaded: wrk -c $connections -t $threads -d ${duration}s, $rounds rounds (keep-alive; $(nproc) CPUs shared by wrk, the upstream and the proxy)"
header
for r in $(seq 1 "$rounds"); do
  for t in "${targets[@]}"; do row "${label[$t]} #$r" "loaded.$r.$t"; done
done
echo "-- median round per target"
header
for t in "${targets[@]}"; do row "${label[$t]}" "${med[$t]}"; done
echo
echo "== serial: wrk -c 1 -t 1 -d ${serial_duration}s"
header
for t in "${targets[@]}"; do row "${label[$t]}" "serial.$t"; done

gw="${med[gateway]}"; ng="${med[nginx]}"
share="$(awk -v g="$(field "$gw" rps)" -v n="$(field "$ng" rps)" 'BEGIN { printf "%.0f", g / n * 100 }')"
echo
echo "== what the gateway adds (medians)"
if wants direct; then
  added="$(minus "$(field serial.gateway p50_ms)" "$(field serial.direct p50_ms)")"
  echo "p50, serial:  gateway +$added ms, nginx +$(minus "$(field serial.nginx p50_ms)" "$(field serial.direct p50_ms)") ms over the upstream direct (target: gateway under 0.3 ms)"
  echo "p50, loaded:  gateway +$(minus "$(field "$gw" p50_ms)" "$(field "${med[direct]}" p50_ms)") ms, nginx +$(minus "$(field "$ng" p50_ms)" "$(field "${med[direct]}" p50_ms)") ms"
fi
echo "throughput:   gateway $(field "$gw" rps) req/s = ${share}% of nginx's $(field "$ng" rps) req/s (target: at least 70%)"
if wants decision; then
  echo "              nginx+decision $(field "${med[decision]}" rps) req/s = $(awk -v g="$(field "${med[decision]}" rps)" -v n="$(field "$ng" rps)" 'BEGIN { printf "%.0f", g / n * 100 }')% of nginx's"
fi
if wants jetty; then
  echo "              Jetty, no checks $(field "${med[jetty]}" rps) req/s = $(awk -v g="$(field "${med[jetty]}" rps)" -v n="$(field "$ng" rps)" 'BEGIN { printf "%.0f", g / n * 100 }')% of nginx's"
fi
if wants direct; then
  if awk -v a="$added" 'BEGIN { exit !(a < 0.3) }'; then p50_ok=met; else p50_ok=MISSED; fi
  echo "targets:      p50 added $p50_ok; throughput share $( (( share >= 70 )) && echo met || echo MISSED)"
fi

if (( failed )); then
  log "FAILED: a measured run had non-2xx answers or socket errors"
  exit 1
fi
