#!/usr/bin/env bash
# The reference the throughput target is expressed in: OpenSSL's RSA-2048 private-key operations
# (signs) per second on this machine, with 2 processes (openssl speed -multi 2 rsa2048) and with 1.
# The target for idx-auth is ~70% of the 2-core figure in scoped tokens/s (>= 5,000 tokens/s).
#   bench/openssl-speed.sh            # 4 measurements (sign, verify x 1 and 2 processes) of 5 s: ~20 s
#   MULTI=4 bench/openssl-speed.sh    # another number of processes
#   SECONDS_PER_RUN=3 bench/openssl-speed.sh
set -euo pipefail

multi="${MULTI:-2}"
secs="${SECONDS_PER_RUN:-5}"

command -v openssl >/dev/null || { echo "openssl-speed: openssl is not installed" >&2; exit 3; }

echo "# $(openssl version)"
echo "# nproc: $(nproc); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"

run() { # $1 = processes; prints "sign/s verify/s" of rsa2048 from openssl's own table
  local args=(speed -seconds "$secs")
  (( $1 > 1 )) && args+=(-multi "$1")
  # the table row is:  rsa 2048 bits 0.000104s 0.000009s   9628.0 116296.0
  openssl "${args[@]}" rsa2048 2>/dev/null | awk '$1 == "rsa" && $2 == 2048 && $3 == "bits" { print $6, $7 }' | tail -1
}

read -r sign1 verify1 < <(run 1)
read -r signN verifyN < <(run "$multi")
printf 'rsa2048, 1 process : %10s sign/s %10s verify/s\n' "$sign1" "$verify1"
printf 'rsa2048, %s processes (openssl speed -multi %s rsa2048): %10s sign/s %10s verify/s\n' \
  "$multi" "$multi" "$signN" "$verifyN"
awk -v s="$signN" 'BEGIN { printf "70%% of the %s-process sign/s: %.0f tokens/s\n", ARGV[1], 0.7 * s }' "$multi"
