#!/usr/bin/env bash
# JMH benchmarks of token minting alone (no HTTP): builds bench/jmh and runs it.
#   bench/mint-jmh.sh                       # all benchmarks, short settings (~4 min)
#   bench/mint-jmh.sh MintBenchmark         # a regex of benchmarks, as JMH takes it
#   bench/mint-jmh.sh MintBenchmark -p provider=accp -wi 5 -i 10 -r 5s   # any JMH options
#   JMH_OPTS='-prof gc' bench/mint-jmh.sh
# Without arguments JMH runs with: -wi 3 -i 5 -f 1 -w 2s -r 3s. Arguments replace these.
#
# idx-auth-core is taken from the local Maven repository (~/.m2); it is (re)installed from ../core
# first when missing or older than the core sources (set SKIP_CORE_INSTALL=1 to use it as it is).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
log() { echo "mint-jmh: $*" >&2; }

java_major() {
  "$1" -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}
# A JDK 21+ (javac needed): JAVA_HOME if it is one, else the newest under /usr/lib/jvm.
if [[ -z "${JAVA_HOME:-}" || ! -x "$JAVA_HOME/bin/javac" || "$(java_major "$JAVA_HOME/bin/java")" -lt 21 ]]; then
  best="" best_major=0
  for d in /usr/lib/jvm/*/; do
    d="${d%/}"
    [[ -x "$d/bin/javac" ]] || continue
    m="$(java_major "$d/bin/java")"
    [[ "$m" =~ ^[0-9]+$ ]] && (( m >= 21 && m > best_major )) && { best="$d"; best_major="$m"; }
  done
  [[ -n "$best" ]] || { log "no JDK 21 or newer found; set JAVA_HOME"; exit 3; }
  export JAVA_HOME="$best"
fi
major="$(java_major "$JAVA_HOME/bin/java")"
(( major >= 24 )) && export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
mvn=(mvn -q -B -Dstyle.color=never)
quiet() { # runs a build quietly; shows its output only when it fails
  local out rc=0
  out="$("$@" 2>&1)" || rc=$?
  (( rc == 0 )) || { printf '%s\n' "$out" >&2; log "build failed: $*"; exit "$rc"; }
}

core_jar="$HOME/.m2/repository/io/idxauth/idx-auth-core/0.1.0-SNAPSHOT/idx-auth-core-0.1.0-SNAPSHOT.jar"
if [[ "${SKIP_CORE_INSTALL:-}" != 1 ]]; then
  if [[ ! -f "$core_jar" ]] || [[ -n "$(find "$root/core/src/main" "$root/core/pom.xml" "$root/pom.xml" \
        -newer "$core_jar" -print -quit)" ]]; then
    log "installing idx-auth-core into ~/.m2 (missing or older than its sources)"
    (cd "$root" && quiet "${mvn[@]}" -DskipTests -Dspotless.check.skip=true -pl core -am install)
  fi
fi

log "building bench/jmh with $JAVA_HOME"
(cd "$here/jmh" && quiet "${mvn[@]}" package)

if (( $# == 0 )); then set -- -wi 3 -i 5 -f 1 -w 2s -r 3s; fi
# Forked JVMs get the same flags: ACCP loads a native library.
jvm_args="--enable-native-access=ALL-UNNAMED -XX:+UseParallelGC"
# JMH 1.37 uses sun.misc.Unsafe, which JDK 24+ warns about in every fork.
(( major >= 24 )) && jvm_args+=" --sun-misc-unsafe-memory-access=allow"
echo "# $("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 2p); nproc $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "# core: $(cd "$root" && git log -1 --format='%h %s' 2>/dev/null || echo unknown)"
set -x
exec "$JAVA_HOME/bin/java" $jvm_args -jar "$here/jmh/target/benchmarks.jar" \
  -jvmArgs "$jvm_args" ${JMH_OPTS:-} "$@"
