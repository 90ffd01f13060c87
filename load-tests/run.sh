#!/usr/bin/env bash
# asockio load tests. Installs what they need (Debian packages), builds asockio and the peers,
# then runs bench.py. Usage: load-tests/run.sh [--quick] [--only=http,churn,framed,udp,process,transport,sharing,many,huge,bus] [--systems=...] [--metrics]
#   --quick  a pass of about ten minutes; without it, the full packs (about an hour)
#   --fi-dir DIR  the original FI-ASockIOCore's HTTP server from a checkout in DIR joins the HTTP systems
#   --recheck=results/<run>  only measure again the points of that run under 0.9x raw Netty
#   --systems=asockio-plain,raw-netty  only these HTTP servers (a partial run, like --only,
#            stays in results/<run> and leaves results/latest alone)
# All traffic goes to 127.0.0.1; every load is bounded in time.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v go >/dev/null || missing+=(golang-go)
command -v taskset >/dev/null || missing+=(util-linux)
/usr/bin/python3 -c 'import httptools' 2>/dev/null || missing+=(python3-httptools)
/usr/bin/python3 -c 'import uvloop' 2>/dev/null || missing+=(python3-uvloop)
/usr/bin/python3 -c 'import matplotlib' 2>/dev/null || missing+=(python3-matplotlib)
/usr/bin/python3 -c 'import requests' 2>/dev/null || missing+=(python3-requests)  # the original's library (--fi-dir) imports it
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

# 10,000 clients need as many descriptors on both sides.
ulimit -n "$(ulimit -Hn)" || true

(cd "$root" && mvn -B -q package -DskipTests)
mkdir -p "$here/target/classes" "$here/target/lib"
(cd "$root" && mvn -B -q dependency:copy -Dartifact=org.hdrhistogram:HdrHistogram:2.2.2 -DoutputDirectory="$here/target/lib")
# io_uring for the transport comparison (--only=transport), at the Netty version the jar was built with.
netty="$(unzip -p "$root/target/asockio.jar" META-INF/io.netty.versions.properties | sed -n 's/^netty-common.version=//p')"
for a in "netty-transport-classes-io_uring:$netty" "netty-transport-native-io_uring:$netty:jar:linux-x86_64"; do
  (cd "$root" && mvn -B -q dependency:copy -Dartifact="io.netty:$a" -DoutputDirectory="$here/target/lib")
done
javac -nowarn -d "$here/target/classes" -cp "$root/target/asockio.jar:$here/target/lib/*" \
  "$here"/src/bench/*.java "$root/examples/HttpServer.java"
(cd "$here/go" && GOFLAGS=-mod=mod GOPATH="$here/target/gopath" GOCACHE="$here/target/gocache" \
  go build -o "$here/target/go-httpserver" httpserver.go)

cd "$here"
exec /usr/bin/python3 bench.py "$@"
