#!/usr/bin/env bash
# How much of a p99 is the machine's: one server process, the same wrk point measured in
# consecutive rounds, each round's rate and p99 (and the steal time /proc/stat reports).
# A server whose p99 moves by orders of magnitude between identical rounds shows a tail that
# no server-side change can judge. Run load-tests/run.sh once first (it builds what this uses).
# Usage: load-tests/tails.sh [raw-netty|asockio-inline|asockio-plain|go] [ROUNDS] [BODY] [CONNS]
#   defaults: raw-netty 10 1024 10; 4-second rounds after a 6-second warm-up, all on 127.0.0.1.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
system="${1:-raw-netty}" rounds="${2:-10}" body="${3:-1024}" conns="${4:-10}"
if [ ! -f "$root/target/asockio.jar" ] || [ ! -d "$here/target/classes/bench" ]; then
  echo "nothing built yet: run load-tests/run.sh once (it builds the jar, the peers and the Go server)" >&2
  exit 2
fi
cp="$root/target/asockio.jar:$here/target/classes:$here/target/lib/*"
jvm=(java -XX:ActiveProcessorCount=1 -Xms512m -Xmx512m -XX:+UseParallelGC -cp "$cp")
port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
case "$system" in
  raw-netty) cmd=("${jvm[@]}" bench.RawNettyHttp "$port") ;;
  asockio-inline) cmd=("${jvm[@]}" HttpServer inline "$port") ;;
  asockio-plain) cmd=("${jvm[@]}" HttpServer plain "$port") ;;
  go) cmd=(env GOMAXPROCS=1 "$here/target/go-httpserver" "$port") ;;
  *) echo "unknown system: $system (raw-netty, asockio-inline, asockio-plain, go)" >&2; exit 2 ;;
esac
# The same pinning as run.sh: the server on CPU 0, wrk on CPU 1.
taskset -c 0 "${cmd[@]}" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$port/1" && break
  kill -0 $server 2>/dev/null || { echo "$system did not start" >&2; exit 1; }
  sleep 0.1
done
url="http://127.0.0.1:$port/$body"
taskset -c 1 wrk -t1 -c"$conns" -d6s "$url" >/dev/null
steal() { awk '/^cpu /{print $9}' /proc/stat; }
echo "system $system, $body B x $conns connections, $rounds rounds of 4 s"
for r in $(seq "$rounds"); do
  before="$(steal)"
  out="$(taskset -c 1 wrk -t1 -c"$conns" -d4s --latency "$url")"
  echo "round $r: $(awk '/Requests\/sec/{print $2}' <<<"$out") requests/s, p99 $(awk '$1=="99%"{print $2}' <<<"$out"), steal $(( $(steal) - before )) ticks"
done
