#!/usr/bin/env bash
# The churn soak (outside CI): a BenchServer (the demo echo) and bench.Soak against it.
# STEADY clients stay connected while CYCLES connect/handshake/echo/disconnect cycles run
# (every tenth takes over a shared name); once a second the server's heap after GC, direct
# memory, descriptors and client count go to soak.csv, and a chart to soak.png.
# Usage: load-tests/soak.sh [CYCLES] [STEADY] [MAX_SECONDS]     (defaults: 100000 1000 900)
# Bounded: the workers stop at MAX_SECONDS; all traffic goes to 127.0.0.1.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cycles="${1:-100000}"
steady="${2:-1000}"
max_seconds="${3:-900}"

/usr/bin/python3 -c 'import matplotlib' 2>/dev/null || {
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-matplotlib
}
ulimit -n "$(ulimit -Hn)" || true

(cd "$root" && mvn -B -q package -DskipTests)
mkdir -p "$here/target/classes"
javac -nowarn -d "$here/target/classes" -cp "$root/target/asockio.jar" "$here/src/bench/BenchServer.java" "$here/src/bench/Soak.java"
cp="$here/target/classes:$root/target/asockio.jar"

out="$here/results/soak-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$out"
port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

java -Xmx512m -XX:+UseParallelGC -cp "$cp" bench.BenchServer "$port" > "$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  grep -q "listening" "$out/server.log" && break
  sleep 0.2
done

timeout $((max_seconds + 120)) java -Xmx1g -cp "$cp" bench.Soak "$port" "$cycles" "$steady" 8 "$out/soak.csv" "$max_seconds" \
  | tee "$out/summary.json"

/usr/bin/python3 - "$out" <<'EOF'
import csv, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
out = sys.argv[1]
rows = list(csv.DictReader(open(out + "/soak.csv")))
t = [float(r["seconds"]) for r in rows]
fig, axes = plt.subplots(4, 1, figsize=(8, 9), sharex=True)
for ax, key, label, scale in [
    (axes[0], "cycles", "cycles done", 1),
    (axes[1], "heap_bytes", "server heap after GC (MiB)", 1 / 1048576),
    (axes[2], "direct_bytes", "server direct memory (MiB)", 1 / 1048576),
    (axes[3], "fds", "server descriptors", 1)]:
    ax.plot(t, [float(r[key]) * scale for r in rows])
    ax.set_ylabel(label, fontsize=8)
    ax.grid(alpha=0.3)
axes[3].plot(t, [float(r["clients"]) for r in rows], label="clients")
axes[3].legend(fontsize=8)
axes[3].set_xlabel("seconds")
fig.suptitle("asockio churn soak: connect/handshake/echo/disconnect while steady clients stay")
fig.tight_layout()
fig.savefig(out + "/soak.png", dpi=90)
EOF
echo "soak results in $out"
