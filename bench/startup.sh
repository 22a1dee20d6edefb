#!/usr/bin/env bash
# Time from launching `bin/idx-auth serve` to its first 200 on /health/ready, on a store that
# already holds its signing key (the usual restart), over RUNS runs (default 5).
#   bench/startup.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${RUNS:-5}"
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
export IDX_AUTH_KEK="$(head -c 32 /dev/urandom | base64)"
port=$(( 20000 + RANDOM % 40000 ))

"$root/bin/idx-auth" jdk >/dev/null # builds nothing, but fails early without a JDK
once() {
  local start end pid
  start=$(date +%s%N)
  "$root/bin/idx-auth" serve --data "$data" --host 127.0.0.1 --port "$port" >"$data/serve.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { cat "$data/serve.log" >&2; exit 1; }
    sleep 0.01
  done
  end=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo $(( (end - start) / 1000000 ))
}
once >/dev/null # first start: builds if needed, creates the key and the class-data archive
times=()
for _ in $(seq 1 "$runs"); do times+=("$(once)"); done
printf 'serve ready after (ms): %s\n' "${times[*]}"
printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "median %d ms, max %d ms over %d runs\n", a[int((NR + 1) / 2)], a[NR], NR }'
