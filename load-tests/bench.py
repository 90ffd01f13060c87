#!/usr/bin/env python3
"""asockio load tests: every system under test pinned to CPU 0, the load generator on CPU 1,
systems interleaved point by point, a warm-up before each point, the reference point repeated
three times (start, middle, end) to show the noise. Writes results/<run>/results.json,
summary.md and PNG charts, and copies them to results/latest/.

Run through run.sh, which installs and builds what this needs.
"""
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
JAR = os.path.join(ROOT, "target", "asockio.jar")
CLASSES = os.path.join(HERE, "target", "classes")
LIB = os.path.join(HERE, "target", "lib", "*")
CP = ":".join([CLASSES, JAR, LIB])
sys.path.insert(0, os.path.join(ROOT, "examples", "python"))
from echo_client import read_frame, send_frame  # noqa: E402  the project's own framing in Python
PY = "/usr/bin/python3"
SERVER_CPU = "0"
LOAD_CPU = "1"
JVM_SERVER = ["java", "-XX:ActiveProcessorCount=1", "-Xms512m", "-Xmx512m", "-XX:+UseParallelGC"]
JVM_LOAD = ["java", "-XX:ActiveProcessorCount=1", "-Xmx1g"]

QUICK = "--quick" in sys.argv
ONLY = next((a.split("=", 1)[1].split(",") for a in sys.argv if a.startswith("--only=")), None)
RECHECK_DIR = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--recheck=")), None)
SYSTEMS = next((a.split("=", 1)[1].split(",") for a in sys.argv if a.startswith("--systems=")), None)
# --fi-dir DIR: the original FI-ASockIOCore's HTTP server (from a checkout in DIR) joins the HTTP systems.
FI_DIR = next((sys.argv[i + 1] for i, a in enumerate(sys.argv[:-1]) if a == "--fi-dir"),
              next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--fi-dir=")), None))
# --metrics: the framed echo also runs asockio with Vert.x's Micrometer metrics and the admin API on ("asockio-metrics").
METRICS = "--metrics" in sys.argv
# A run of some scenarios or systems is kept in its own folder; results/latest stays the last whole run.
PARTIAL = ONLY is not None or SYSTEMS is not None or METRICS
# Points below this ratio to raw Netty are measured again, RECHECK_ROUNDS times interleaved.
GOAL = 0.9
RECHECK_ROUNDS = 3 if QUICK else 5
RECHECK_LIMIT = 3 if QUICK and not RECHECK_DIR else 1000  # --recheck=DIR measures every point under the goal
# --recheck=DIR --only=latency: only the latency goal's points are measured again; the other re-checks stay.
LATENCY_ONLY = RECHECK_DIR is not None and ONLY == ["latency"]

# Many named clients: 100,000 (the goal), or as many as this machine's open-files limit lets both the server and the
# client process hold (run.sh raises the soft limit to the hard one), less room for the JVMs' own files.
MANY = min(100000, resource.getrlimit(resource.RLIMIT_NOFILE)[0] - 1000)
# Where MANY falls short of 100,000: as many clustered nodes on one machine, sharing one port (SO_REUSEPORT), as
# hold 100,000 with room for the kernel's uneven spread, and as many client processes as their limit needs.
MANY_CLUSTER = 100000 if MANY < 100000 else 0
# Its nodes and client processes share both cores (a node's heap holds its part of Hazelcast's maps and backups); the
# sender through the bus keeps at most BUS_WINDOW requests unanswered: 100,000 at once filled a 512 MiB heap.
JVM_CLUSTER_NODE = ["java", "-XX:ActiveProcessorCount=1", "-Xms256m", "-Xmx1g", "-XX:+UseParallelGC"]
BUS_WINDOW = 1000
MANY_CLUSTER_LIMIT_S = 1800  # about 7 minutes here; its children are killed after this long

if QUICK:
    WARM, SECS = 1, 3
    HTTP_SIZES = [1, 1024, 10240, 102400, 1048576, 11680000]
    HTTP_CONC_SIZES = [1024]
    HTTP_CONCS = [1, 10, 200, 1000]
    FRAMED_SIZES = [64, 1024, 65536, 1048576]
    HUGE = 1 << 30
    BUS_MESSAGES = 100000
else:
    WARM, SECS = 2, 6
    HTTP_SIZES = [1, 100, 1024, 4096, 10240, 65536, 102400, 1048576, 5242880, 8760000, 11680000]
    HTTP_CONC_SIZES = [100, 1024, 10240, 1048576]
    HTTP_CONCS = [1, 2, 10, 50, 100, 200, 500, 1000]
    FRAMED_SIZES = [64, 1024, 65536, 1048576]
    HUGE = 5 << 30
    BUS_MESSAGES = 300000

REFERENCE = ("http", 1024, 200)
# The huge message: alternating rounds per server.
# The latency goal of #16 (asockio's p99 within 1.2x raw Netty's at 1 KiB with 1, 10 and 200 connections): one pass
# cannot tell a tail from the machine's stalls, so every run with HTTP points measures these again, in rounds.
LATENCY_POINTS = [(1024, 1), (1024, 10), (1024, 200)]
LATENCY_ROUNDS = 5 if QUICK else 9
# At ~10k requests/s a 6 s round holds ~600 requests over its p99, too few against the machine's 1-5 ms stalls that
# every server here meets: the latency rounds are longer (20 s: ~2,000 over the p99 per round, ~18,000 pooled).
LATENCY_SECS = SECS if QUICK else 20
# A JVM server compiles for minutes (asockio carries Vert.x's code and its own: 8.6 s of JIT by 15 s into its load,
# raw Netty 4.0 s), and its compiler threads share the server's one core: a round with 0.3 s of JIT read twice the p99
# of a quiet one. Before the latency rounds each server runs the point until two SECS-long runs in a row compile for
# at most SETTLE_JIT_S each (1 % of a run), at most SETTLE_RUNS times: the tail of a server that has finished compiling.
SETTLE_JIT_S = 0.01 * SECS
SETTLE_RUNS = 15
HUGE_ROUNDS = 3
BUS_ROUNDS = 3 if QUICK else 5
# UDP echo: (datagram size, peers, datagrams in flight per peer); each point alternates the systems UDP_ROUNDS times.
UDP_POINTS = [(64, 8, 8), (1024, 8, 8), (8192, 8, 4)]
UDP_ROUNDS = 3 if QUICK else 5
# epoll against io_uring (the same asockio jar), framed echo: (size, connections, in flight); alternated rounds.
TRANSPORT_POINTS = [(1024, 1, 64), (1024, 200, 1), (65536, 1, 64)]
TRANSPORT_ROUNDS = 3
# Connection churn: every request on a new connection (wrk sends "Connection: close"), so what a server spends per
# connection (accept, set-up, close) decides. (size, connections); alternated rounds; the servers that honour the header.
CHURN = (1024, 50)
CHURN_ROUNDS = 3
QUIET = "asockio-inline-quiet"
CHURN_SYSTEMS = ["asockio-inline", "asockio-plain", "raw-netty", "vertx-http", "go-net-http", "asyncio-httptools",
                 "uvloop-httptools"]
# Process links (for the record): (message size, messages in flight) through a child `cat`.
PROCESS_POINTS = [(1024, 64), (1 << 20, 4)]


def log(*a):
    print(*a, file=sys.stderr, flush=True)


class Progress:
    def __init__(self, total):
        self.total, self.done, self.t0 = total, 0, time.time()

    def step(self, label):
        self.done += 1
        elapsed = time.time() - self.t0
        eta = elapsed / self.done * (self.total - self.done) if self.done else 0
        width = 30
        filled = int(width * self.done / max(1, self.total))
        sys.stderr.write("\r[%s%s] %d/%d  elapsed %s  ETA %s  %-48s" % (
            "#" * filled, "." * (width - filled), self.done, self.total, mmss(elapsed), mmss(eta), label[:48]))
        sys.stderr.flush()


def mmss(s):
    return "%d:%02d" % (int(s) // 60, int(s) % 60)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_udp(port, timeout=90):
    """A UDP echo is up when a datagram gets an answer (its first one is taken as a keyword and answered OK)."""
    deadline = time.time() + timeout
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.2)
        s.connect(("127.0.0.1", port))
        while time.time() < deadline:
            try:
                s.send(b"probe")
                s.recv(2048)
                return True
            except OSError:
                time.sleep(0.1)
    return False


def wait_port(port, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.1)
    return False


class Server:
    def __init__(self, name, argv, cpu=SERVER_CPU, env=None, udp=False):
        self.name, self.argv, self.port = name, argv, None
        self.cpu, self.env, self.proc, self.udp = cpu, env, None, udp

    def start(self):
        self.port = free_port()
        argv = [a.replace("{port}", str(self.port)) for a in self.argv]
        if self.cpu is not None:
            argv = ["taskset", "-c", self.cpu] + argv
        env = dict(os.environ)
        env.update(self.env or {})
        self.proc = subprocess.Popen(argv, cwd=HERE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        if not (wait_udp(self.port) if self.udp else wait_port(self.port)):
            raise RuntimeError("%s did not start" % self.name)
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def fi_http_server():
    """The original's HTTP server (inline worker), patched at run time only where it must be: the
    address it binds (its port is fixed in the file; here it is the harness's) and the listen
    backlog argument that its own library no longer takes. Written under target/, never kept."""
    src = os.path.join(FI_DIR, "Examples And Benchmarks", "HTTP over Raw Connection", "SERVERS",
                       "http_server__http_tools__inline_worker.py")
    with open(src) as f:
        code = f.read()
    patched = code.replace("SERVER_ADDRESS = ('localhost', 25000)", "SERVER_ADDRESS = ('127.0.0.1', int(__import__('sys').argv[1]))")
    patched = patched.replace("asock_io_core_connect(http_server, True, listen_num=1000)", "asock_io_core_connect(http_server, True)")
    if "int(__import__('sys').argv[1])" not in patched:
        sys.exit("--fi-dir: %s does not look like FI-ASockIOCore's HTTP server (its address line changed)" % src)
    out = os.path.join(HERE, "target", "fi_http_server.py")
    with open(out, "w") as f:
        f.write(patched)
    return out


def http_servers():
    every = [
        Server("asockio-inline", JVM_SERVER + ["-cp", CP, "HttpServer", "inline", "{port}"]),
        Server("asockio-plain", JVM_SERVER + ["-cp", CP, "HttpServer", "plain", "{port}"]),
        Server("raw-netty", JVM_SERVER + ["-cp", CP, "bench.RawNettyHttp", "{port}"]),
        Server("vertx-http", JVM_SERVER + ["-cp", CP, "bench.VertxHttp", "{port}"]),
        Server("go-net-http", [os.path.join(HERE, "target", "go-httpserver"), "{port}"], env={"GOMAXPROCS": "1"}),
        Server("asyncio-httptools", [PY, "python/httpserver.py", "{port}"]),
        Server("uvloop-httptools", [PY, "python/httpserver.py", "{port}", "--uvloop"]),
    ]
    if FI_DIR:
        every.append(Server("fi-asockiocore", [PY, fi_http_server(), "{port}"],
                            env={"PYTHONPATH": os.path.join(os.path.abspath(FI_DIR), "Add_This_Folder_To_PYTHONPATH")}))
    if SYSTEMS is None:
        return every
    unknown = set(SYSTEMS) - {s.name for s in every}
    if unknown:
        sys.exit("--systems: unknown %s; the HTTP systems are %s" % (sorted(unknown), ", ".join(s.name for s in every)))
    return [s for s in every if s.name in SYSTEMS]


def parse_size(text):
    m = re.match(r"([\d.]+)([KMG]?B)", text)
    if not m:
        return 0.0
    return float(m.group(1)) * {"B": 1, "KB": 1024, "MB": 1 << 20, "GB": 1 << 30}[m.group(2)]


def parse_latency_us(text):
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    return float(m.group(1)) * {"us": 1, "ms": 1000, "s": 1e6}[m.group(2)] if m else None


def wrk(port, size, conns, secs, close=False):
    """close: every request asks the server to close after its answer (a new connection per request)."""
    cmd = ["taskset", "-c", LOAD_CPU, "wrk", "-t1", "-c%d" % conns, "-d%ds" % secs, "--timeout", "10s", "--latency",
           "-s", os.path.join(HERE, "latency.lua")] + (["-H", "Connection: close"] if close else []) + [
           "http://127.0.0.1:%d/%d" % (port, size)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=secs + 60).stdout
    result = {"requests_per_s": 0.0, "mib_per_s": 0.0, "errors": 0}
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if m:
        result["requests_per_s"] = float(m.group(1))
    m = re.search(r"Transfer/sec:\s+(\S+)", out)
    if m:
        result["mib_per_s"] = parse_size(m.group(1)) / (1 << 20)
    for pct, key in (("50%", "p50_us"), ("99%", "p99_us")):
        m = re.search(r"\s%s\s+(\S+)" % re.escape(pct), out)
        result[key] = parse_latency_us(m.group(1)) if m else None
    m = re.search(r"p999_us (\d+)", out)
    result["p999_us"] = float(m.group(1)) if m else None
    m = re.search(r"^requests (\d+)$", out, re.M)
    result["requests"] = int(m.group(1)) if m else None
    m = re.search(r"^tail_us (.+)$", out, re.M)
    result["tail_us"] = [[float(p), float(v)] for p, v in (x.split(":") for x in m.group(1).split())] if m else None
    m = re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", out)
    result["max_us"] = parse_latency_us(m.group(1)) if m else None
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        # wrk counts the server's close after each answer as a read error: expected when asked for.
        result["errors"] += sum(int(x) for i, x in enumerate(m.groups()) if not (close and i == 1))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        result["errors"] += int(m.group(1))
    return result


def warmed_wrk(port, size, conns, secs, close=False):
    """A point as measured everywhere here: a WARM-second run, then the measured one."""
    wrk(port, size, conns, WARM, close)
    return wrk(port, size, conns, secs, close)


def jstat(server, option):
    """The first row of `jstat <option>` for a JVM server, by column name, or None (not a JVM, or gone)."""
    try:
        out = subprocess.run(["jstat", option, str(server.proc.pid)], capture_output=True, text=True, timeout=30).stdout
        names, values = (line.split() for line in out.splitlines()[:2])
        return dict(zip(names, values))
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None


def jit_state(server):
    """(methods compiled, seconds spent compiling) of a JVM server so far (jstat -compiler), or None."""
    row = jstat(server, "-compiler")
    try:
        return int(row["Compiled"]), float(row["Time"])
    except (TypeError, KeyError, ValueError):
        return None


def steal_ms():
    """Time the hypervisor took from the server's and the load's CPU so far (/proc/stat's steal, 10 ms ticks), or None."""
    try:
        with open("/proc/stat") as f:
            cpus = {l.split()[0]: l.split() for l in f if l.startswith("cpu")}
        tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
        return tuple(int(cpus["cpu" + c][8]) * tick_ms for c in (SERVER_CPU, LOAD_CPU))
    except (OSError, KeyError, IndexError, ValueError):
        return None


def gc_state(server):
    """(collections, seconds spent collecting) of a JVM server so far (jstat -gc), or None."""
    row = jstat(server, "-gc")
    try:
        return int(row["YGC"]) + int(row["FGC"]), float(row["GCT"])
    except (TypeError, KeyError, ValueError):
        return None


def jit_wrk(server, size, conns, secs):
    """warmed_wrk, with what the server's JIT compiled during the measured run (jit_methods, jit_s), its collections
    (gcs, gc_ms) and the time the hypervisor stole from the server's and the load's core meanwhile (steal_ms,
    load_steal_ms)."""
    wrk(server.port, size, conns, WARM)
    before, gc_before, stolen_before = jit_state(server), gc_state(server), steal_ms()
    r = wrk(server.port, size, conns, secs)
    after, gc_after, stolen_after = jit_state(server), gc_state(server), steal_ms()
    if before and after:
        r["jit_methods"], r["jit_s"] = after[0] - before[0], round(after[1] - before[1], 3)
    if gc_before and gc_after:
        r["gcs"], r["gc_ms"] = gc_after[0] - gc_before[0], round((gc_after[1] - gc_before[1]) * 1000, 1)
    if stolen_before and stolen_after:
        r["steal_ms"], r["load_steal_ms"] = (round(a - b) for a, b in zip(stolen_after, stolen_before))
    return r


def settle(server, size, conns):
    """Runs the point (SECS each) until two runs in a row compile for at most SETTLE_JIT_S each (one quiet run
    can fall between two compilations), at most SETTLE_RUNS times; returns (runs, settled). Not a JVM (no jstat
    answer): two runs."""
    quiet = 0
    for run in range(1, SETTLE_RUNS + 1):
        r = jit_wrk(server, size, conns, SECS)
        quiet = quiet + 1 if r.get("jit_s", 0.0) <= SETTLE_JIT_S else 0
        if quiet == 2:
            return run, True
    return SETTLE_RUNS, False


def java_load(args, timeout):
    cmd = ["taskset", "-c", LOAD_CPU] + JVM_LOAD + ["-cp", CP] + args
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    for line in reversed(out.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError("no result from %s: %s %s" % (args[0], out.stdout[-500:], out.stderr[-2000:]))


def read_json_line(proc, deadline):
    """The next line of a child's standard output that is JSON (or "ready"), or an error once deadline passed."""
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("a child ended early (exit %s)" % proc.poll())
        line = line.strip()
        if line == "ready":
            return line
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError("no answer in time")


def rss_bytes(pid):
    """A process's resident set (VmRSS) in bytes."""
    with open("/proc/%d/status" % pid) as f:
        return int(f.read().split("VmRSS:")[1].split()[0]) * 1024


def reach_each(shares, send, label):
    """Every client share (ClientShare, UdpClientShare) waits for one more message per client; send() sends them and
    returns what reads the sender's answer. (clients reached, seconds from the send to the last arrival, answer)."""
    for p in shares:
        p.stdin.write("expect\n")
        p.stdin.flush()
    for p in shares:
        if read_json_line(p, time.time() + 60) != "ready":
            raise RuntimeError("a client share is not ready")
    t0 = time.monotonic_ns()
    answer = send()
    done = [read_json_line(p, time.time() + 300) for p in shares]
    result = sum(d["reached"] for d in done), (max(d["done_ns"] for d in done) - t0) / 1e9, answer()
    log("%s: reached %d in %.2f s (%s)" % ((label,) + result))
    return result


def udp_receive_buffer_cap():
    """What one UDP socket may ask for here (net.core.rmem_max, within the key's 1 GiB), or 0 where unknown."""
    try:
        with open("/proc/sys/net/core/rmem_max") as f:
            return min(int(f.read()), 1 << 30)
    except (OSError, ValueError):
        return 0


def many_clients_udp(total, per_process, receive_buffer=None):
    """total named clients on ONE node, over its framed UDP gate: the node keeps one socket for them all, so its
    open-files limit does not cap them as it caps TCP clients (MANY). The clients come from UdpClientShare
    processes on the load core (each under the limit, one 127.0.0.x source address each); the time until all got OK,
    the node's heap after a GC and RSS, the directory's size, then one message by name to each through the direct
    API and one through the bus (requests, BUS_WINDOW unanswered at most), from the control client's commands.
    The gate's socket asks for receive_buffer bytes (its receiveBufferBytes; None: as much as this machine allows,
    0: the system's default): its peers' keywords arrive in bursts."""
    shares_n = -(-total // max(500, per_process - 500))
    receive_buffer = udp_receive_buffer_cap() if receive_buffer is None else receive_buffer
    # The clients' state on one heap: 1 GiB leaves room beyond the goal's 4 KiB a client (400 MiB).
    server = Server("asockio", ["java", "-XX:ActiveProcessorCount=1", "-Xmx1g", "-XX:+UseParallelGC", "-cp", CP,
                                "bench.BenchServer", "{port}"], env={"ASOCKIO_BENCH_UDP_RECEIVE_BUFFER": str(receive_buffer)})
    shares = []
    control = None

    def kill_all():
        for p in shares + ([server.proc] if server.proc else []):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
    watchdog = threading.Timer(MANY_CLUSTER_LIMIT_S, kill_all)
    watchdog.start()
    try:
        port = server.start().port
        control = socket.create_connection(("127.0.0.1", port), timeout=300)
        send_frame(control, b"bench-control")
        read_frame(control)  # OK

        def command(text, answer_prefix):
            """Sends a control command; returns what reads its answer (the first frame starting with answer_prefix)."""
            send_frame(control, text.encode())

            def answer():
                while True:
                    frame = read_frame(control).decode()
                    if frame.startswith(answer_prefix):
                        return frame
            return answer

        def ask(text, answer_prefix):
            return command(text, answer_prefix)()

        def stats():
            f = ask("stats", "heap ").split()
            return dict(heap=int(f[1]), clients=int(f[3]), directory=int(f[9]), fds=int(f[7]), rss=rss_bytes(server.proc.pid))
        before = stats()
        per_share = -(-total // shares_n)
        for i in range(shares_n):
            count = min(per_share, total - i * per_share)
            shares.append(subprocess.Popen(["taskset", "-c", LOAD_CPU] + JVM_LOAD + ["-cp", CP, "bench.UdpClientShare",
                                           str(port), "u-", str(i * per_share), str(count), "127.0.0.%d" % (10 + i)],
                                           cwd=HERE, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                           stderr=subprocess.DEVNULL, text=True, start_new_session=True))
        connected = [read_json_line(p, time.time() + 300) for p in shares]
        log("many clients over UDP: %d got OK" % sum(c["connected"] for c in connected))
        after = stats()

        reached, by_name_s, _ = reach_each(shares, lambda: command("broadcast u- %d" % total, "sent "),
                                           "many clients over UDP")
        reached_bus, by_bus_s, bus_answer = reach_each(
            shares, lambda: command("busbroadcast u- %d %d" % (total, BUS_WINDOW), "bus "), "many clients over UDP")
        heap = after["heap"] - before["heap"]
        return dict(clients=total, transport="udp", nodes=1, client_processes=shares_n, gate_receive_buffer_bytes=receive_buffer,
                    all_connected=all(c["all_ok"] for c in connected) and sum(c["connected"] for c in connected) == total,
                    connect_s=(max(c["ok_ns"] for c in connected) - min(c["start_ns"] for c in connected)) / 1e9,
                    keywords_sent=sum(c["keywords_sent"] for c in connected),
                    clients_on_node=after["clients"], directory_size=after["directory"], server_fds=after["fds"],
                    heap_mib=after["heap"] / 2**20, heap_baseline_mib=before["heap"] / 2**20,
                    heap_kib_per_client=after["heap"] / 1024 / total, heap_kib_per_client_beyond_baseline=heap / 1024 / total,
                    rss_mib=after["rss"] / 2**20, rss_baseline_mib=before["rss"] / 2**20,
                    all_reached_by_name=reached == total, reached=reached, by_name_s=by_name_s,
                    all_reached_by_bus=reached_bus == total, reached_by_bus=reached_bus, by_bus_s=by_bus_s,
                    bus_replies_ok=int(bus_answer.split()[3]))
    finally:
        watchdog.cancel()
        if control:
            control.close()
        for p in shares:
            try:
                p.stdin.close()
            except OSError:
                pass
            os.killpg(p.pid, signal.SIGTERM)
        for p in shares:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        server.stop()


def many_clients_clustered(total, per_process):
    """total named clients on clustered BenchServer nodes of this machine sharing one port, from ClientShare
    processes (both cores, no pinning): the time until all got OK and until the directory held every name, each
    node's heap after a GC and RSS, and one message by name to each: through every node's direct API (each sends to
    the names it holds), then through the bus from the one node the control client reached (most cross nodes)."""
    nodes_n = -(-total * 100 // (per_process * 85))  # SO_REUSEPORT spreads by a hash: 15 % of room per node
    shares_n = -(-total // (per_process - 500))
    port = free_port()
    hz_ports = [free_port() for _ in range(nodes_n)]
    env = dict(os.environ, ASOCKIO_BENCH_CLUSTER="asockio-many-%d" % os.getpid(),
               ASOCKIO_BENCH_CLUSTER_MEMBERS=",".join("127.0.0.1:%d" % p for p in hz_ports))
    nodes, shares = [], []
    t_start = time.time()

    def kill_all():
        for p in shares + nodes:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
    # Bounded: a child that hangs is killed, and the read waiting for it ends with an error.
    watchdog = threading.Timer(MANY_CLUSTER_LIMIT_S, kill_all)
    watchdog.start()
    try:
        for hz in hz_ports:  # one after another: each joins the cluster the first ones formed
            node = subprocess.Popen(JVM_CLUSTER_NODE + ["-cp", CP, "bench.BenchServer", str(port),
                                    "1", "reuseport"], cwd=HERE, env=dict(env, ASOCKIO_BENCH_CLUSTER_PORT=str(hz)),
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                    start_new_session=True)
            nodes.append(node)
            deadline = time.time() + 180
            while True:
                line = node.stdout.readline()
                if not line or time.time() > deadline:
                    raise RuntimeError("a clustered node did not start")
                if line.startswith("bench server listening"):
                    break
        log("many clients: %d clustered nodes up in %.1f s" % (nodes_n, time.time() - t_start))
        per_share = -(-total // shares_n)
        for i in range(shares_n):
            count = min(per_share, total - i * per_share)
            shares.append(subprocess.Popen(JVM_LOAD + ["-cp", CP, "bench.ClientShare",
                                           str(port), "m-", str(i * per_share), str(count), "127.0.0.%d" % (10 + i)],
                                           cwd=HERE, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                           stderr=subprocess.DEVNULL, text=True, start_new_session=True))
        connected = [read_json_line(p, time.time() + 300) for p in shares]
        log("many clients, clustered: %d connected" % sum(c["connected"] for c in connected))

        def ask(node, command, answer_prefix):
            if command:
                node.stdin.write(command + "\n")
                node.stdin.flush()
            while True:
                line = node.stdout.readline()
                if not line:
                    raise RuntimeError("a clustered node ended")
                if line.startswith(answer_prefix):
                    return line.split()

        # A record is published once its client's bus address is registered cluster-wide: after the client's OK.
        deadline = time.time() + 600
        while True:
            listed = int(ask(nodes[0], "directory", "directory ")[1])
            if listed >= total or time.time() > deadline:
                break
            time.sleep(0.5)
        directory_ns = time.monotonic_ns()
        log("many clients, clustered: %d names in the directory" % listed)
        stats = []
        for node in nodes:
            f = ask(node, "stats", "heap ")
            stats.append(dict(heap=int(f[1]), clients=int(f[3]), directory=int(f[9]),
                              rss=rss_bytes(node.pid)))
        control = socket.create_connection(("127.0.0.1", port), timeout=300)
        send_frame(control, b"bench-control")
        read_frame(control)  # OK

        def direct():  # every node sends to the names it holds: the direct API without forwarding
            for node in nodes:
                node.stdin.write("broadcast m- %d\n" % total)
                node.stdin.flush()
            return lambda: sum(int(ask(node, "", "sent ")[1]) for node in nodes)  # names each node held

        def bus():  # from the one node the control client reached: most requests cross to another node
            send_frame(control, b"busbroadcast m- %d %d" % (total, BUS_WINDOW))

            def replies_ok():
                while True:
                    answer = read_frame(control).decode()
                    if answer.startswith("bus "):
                        return int(answer.split()[3])
            return replies_ok

        reached, by_name_s, held = reach_each(shares, direct, "many clients, clustered")
        reached_bus, by_bus_s, bus_replies_ok = reach_each(shares, bus, "many clients, clustered")
        control.close()
        heap = sum(s["heap"] for s in stats)
        return dict(clients=total, nodes=nodes_n, client_processes=shares_n,
                    all_connected=all(c["all_ok"] for c in connected) and sum(c["connected"] for c in connected) == total,
                    connect_s=(max(c["ok_ns"] for c in connected) - min(c["start_ns"] for c in connected)) / 1e9,
                    directory_complete=listed >= total,
                    directory_complete_s=(directory_ns - min(c["start_ns"] for c in connected)) / 1e9,
                    clients_per_node=[s["clients"] for s in stats], directory_size=stats[0]["directory"],
                    heap_mib=heap / 2**20, heap_kib_per_client=heap / 1024 / total,
                    rss_mib=sum(s["rss"] for s in stats) / 2**20, rss_per_node_mib=[round(s["rss"] / 2**20) for s in stats],
                    all_reached_by_name=reached == total, reached=reached, by_name_s=by_name_s, names_held=held,
                    all_reached_by_bus=reached_bus == total, reached_by_bus=reached_bus, by_bus_s=by_bus_s,
                    bus_replies_ok=bus_replies_ok)
    finally:
        watchdog.cancel()
        for p in shares + nodes:
            try:
                p.stdin.close()
            except OSError:
                pass
            os.killpg(p.pid, signal.SIGTERM)
        for p in shares + nodes:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    def version(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip().splitlines()[0]
        except Exception:
            return None
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.strip().splitlines()[0]
    return {"cpu": cpu, "cores": os.cpu_count(), "mem_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "kernel": platform.release(), "java": java, "wrk": version(["wrk", "-v"]), "go": version(["go", "version"]),
            "python": version([PY, "--version"]), "vertx": "5.0.7", "netty": "4.2.9.Final",
            "mode": "quick" if QUICK else "full", "partial": PARTIAL, "only": ONLY, "systems": SYSTEMS, "pinning": "servers on CPU %s, load on CPU %s" % (SERVER_CPU, LOAD_CPU)}


def main():
    run = time.strftime("%Y%m%d-%H%M%S")
    out_dir = os.path.join(HERE, "results", run)
    os.makedirs(out_dir, exist_ok=True)
    results = {"machine": machine(), "points": []}
    want = lambda s: ONLY is None or s in ONLY

    servers = http_servers() if want("http") or want("churn") else []
    # Connection counts first: after the multi-megabyte points a server may still be busy for a while.
    http_points = [("concurrency", s, c) for s in HTTP_CONC_SIZES for c in HTTP_CONCS] + [("size", s, 200) for s in HTTP_SIZES]
    framed_systems = ["asockio", "raw-netty"] + (["asockio-metrics"] if METRICS else [])
    # (1 KiB, 1 x 1): one message in flight, the latency-bound path (a round trip per message).
    framed_points = [(s, c, w) for s in FRAMED_SIZES for (c, w) in ((1, 64), (200, 1))] + [(1024, 1, 1)]
    if not want("http"):
        http_points = []
    churn_servers = {s.name: s for s in servers if s.name in CHURN_SYSTEMS} if want("churn") else {}
    # Churn is where per-connection costs decide: beside the inline server, the same with announce off (no bus
    # address, directory record or events per connection), started for churn only.
    churn_only = [Server(QUIET, JVM_SERVER + ["-cp", CP, "HttpServer", "inline", "{port}", "1", "quiet"])] \
        if "asockio-inline" in churn_servers else []
    churn_servers.update({s.name: s for s in churn_only})
    total = (len(http_points) * len(servers) + (3 * len(servers) if http_points else 0) + len(churn_servers) * CHURN_ROUNDS + (len(framed_points) * len(framed_systems) if want("framed") else 0)
             + (3 if want("sharing") else 0) + ((3 if MANY_CLUSTER else 2) if want("many") else 0) + (2 * HUGE_ROUNDS if want("huge") else 0) + (2 * BUS_ROUNDS + 1 if want("bus") else 0)
             + (len(UDP_POINTS) * UDP_ROUNDS * 2 if want("udp") else 0) + (len(PROCESS_POINTS) if want("process") else 0)
             + (len(TRANSPORT_POINTS) * TRANSPORT_ROUNDS * 3 if want("transport") else 0))
    progress = Progress(total)

    record = recorder(results, out_dir)

    # 1. HTTP over a raw connection, every server started once, interleaved point by point.
    if servers:
        for s in servers + churn_only:
            s.start()
        try:
            # JIT: a JVM's first seconds are not its steady state; warm every server up first.
            for s in servers + churn_only:
                wrk(s.port, REFERENCE[1], REFERENCE[2], 4 * WARM + 2)
            def reference(tag):
                for s in servers:
                    r = warmed_wrk(s.port, REFERENCE[1], REFERENCE[2], SECS)
                    record(dict(r, scenario="http-reference", system=s.name, size=REFERENCE[1], connections=REFERENCE[2], repeat=tag))
                    progress.step("reference %s %s" % (tag, s.name))
            if http_points:
                reference("start")
            for i, (pack, size, conns) in enumerate(http_points):
                if i == len(http_points) // 2:
                    reference("middle")
                # Multi-megabyte bodies at 200 connections need longer for every connection to finish a response.
                secs = SECS * 3 if size >= (4 << 20) else SECS
                for s in servers:
                    restarted = s.proc.poll() is not None  # it crashed: reported, and started again for the next points
                    if restarted:
                        log("%s exited (code %s); starting it again" % (s.name, s.proc.returncode))
                        s.start()
                    r = warmed_wrk(s.port, size, conns, secs)
                    record(dict(r, scenario="http-" + pack, system=s.name, size=size, connections=conns,
                                restarted_after_crash=restarted))
                    progress.step("http %s %dB x%d" % (s.name, size, conns))
            for s in churn_servers.values():  # the accept and close paths have their own code to compile
                wrk(s.port, CHURN[0], CHURN[1], 4 * WARM + 2, close=True)
            churn = lambda server: warmed_wrk(server.port, CHURN[0], CHURN[1], SECS, close=True)
            for name, rounds in alternating(churn_servers, CHURN_ROUNDS, churn, progress, "churn %s").items():
                record(dict(median_round(rounds, "requests_per_s"), scenario="http-churn", system=name, size=CHURN[0],
                            connections=CHURN[1], values=[r["requests_per_s"] for r in rounds]))
            if http_points:
                reference("end")
        finally:
            for s in servers + churn_only:
                s.stop()

    # 2. Framed echo: asockio's demo echo against a hand-written Netty echo of the same framing.
    if want("framed"):
        framed = {"asockio": Server("asockio", JVM_SERVER + ["-cp", CP, "bench.BenchServer", "{port}"]).start(),
                  "raw-netty": Server("raw-netty", JVM_SERVER + ["-cp", CP, "bench.RawNettyEcho", "{port}"]).start()}
        if METRICS:
            framed["asockio-metrics"] = Server("asockio-metrics", JVM_SERVER + ["-cp", CP, "bench.BenchServer", "{port}"],
                                               env={"ASOCKIO_BENCH_METRICS": "1"}).start()
        try:
            for size, conns, window in framed_points:
                for name in framed_systems:
                    r = java_load(["bench.FramedLoad", "127.0.0.1", str(framed[name].port), str(conns), str(window), str(size),
                                   str(SECS), str(WARM)], SECS + WARM + 120)
                    record(dict(r, scenario="framed", system=name))
                    progress.step("framed %s %dB %dx%d" % (name, size, conns, window))
        finally:
            for s in framed.values():
                s.stop()

    # 2b. UDP echo: asockio's UDP gate (the demo echo) against a hand-written Netty UDP echo; loss counted.
    if want("udp"):
        udp = {"asockio": Server("asockio", JVM_SERVER + ["-cp", CP, "bench.BenchServer", "{port}"], udp=True).start(),
               "raw-netty": Server("raw-netty", JVM_SERVER + ["-cp", CP, "bench.RawNettyUdpEcho", "{port}"], udp=True).start()}
        try:
            # JIT: asockio has more code to compile than the reference; every server gets the same warm-up first.
            for server in udp.values():
                java_load(["bench.UdpLoad", "127.0.0.1", str(server.port), "8", "8", "1024", str(4 * WARM + 2), "1"], 4 * WARM + 120)
            for size, peers, window in UDP_POINTS:
                rounds = alternating(udp, UDP_ROUNDS, lambda server: java_load(
                    ["bench.UdpLoad", "127.0.0.1", str(server.port), str(peers), str(window), str(size), str(SECS),
                     str(WARM)], SECS + WARM + 120), progress, "udp %%s %dB %dx%d" % (size, peers, window))
                for name, rs in rounds.items():
                    record(dict(median_round(rs, "messages_per_s"), scenario="udp-echo", system=name,
                                values=[r["messages_per_s"] for r in rs], losses=[r["loss"] for r in rs]))
        finally:
            for s in udp.values():
                s.stop()

    # 2c. Process links: messages through a child process's stdin and stdout (cat echoes them), both cores.
    if want("process"):
        for size, window in PROCESS_POINTS:
            cmd = ["java", "-Xmx1g", "-cp", CP, "bench.ProcessLinkBench", str(size), str(window), str(SECS), str(WARM)]
            out = subprocess.run(cmd, cwd=HERE, capture_output=True, text=True, timeout=SECS + WARM + 120).stdout
            r = json.loads([l for l in out.splitlines() if l.startswith("{")][-1])
            record(dict(r, scenario="process-link", system="asockio"))
            progress.step("process link %dB x%d" % (size, window))

    # 2d. The transport: asockio on epoll and on io_uring, raw Netty (epoll) beside them; framed echo.
    if want("transport"):
        servers = {"asockio": Server("asockio", JVM_SERVER + ["-cp", CP, "bench.BenchServer", "{port}"]).start(),
                   "asockio-io_uring": Server("asockio-io_uring", JVM_SERVER + ["-cp", CP, "bench.BenchServer", "{port}"],
                                              env={"ASOCKIO_BENCH_TRANSPORT": "io_uring"}).start(),
                   "raw-netty": Server("raw-netty", JVM_SERVER + ["-cp", CP, "bench.RawNettyEcho", "{port}"]).start()}
        try:
            for size, conns, window in TRANSPORT_POINTS:
                rounds = alternating(servers, TRANSPORT_ROUNDS, lambda server: java_load(
                    ["bench.FramedLoad", "127.0.0.1", str(server.port), str(conns), str(window), str(size), str(SECS),
                     str(WARM)], SECS + WARM + 120), progress, "transport %%s %dB %dx%d" % (size, conns, window))
                for name, rs in rounds.items():
                    record(dict(median_round(rs, "frames_per_s"), scenario="transport", system=name,
                                values=[r["frames_per_s"] for r in rs]))
        finally:
            for s in servers.values():
                s.stop()

    # 3. Port sharing (both cores, no pinning): 1 instance, 2 instances, 2 processes with SO_REUSEPORT.
    if want("sharing"):
        for label, argv_list in (("1 instance", [["{port}", "1"]]), ("2 instances", [["{port}", "2"]]),
                                 ("2 processes (reusePort)", [["{port}", "1", "reuseport"], ["{port}", "1", "reuseport"]])):
            port = free_port()
            procs = []
            for args in argv_list:
                argv = ["java", "-Xmx512m", "-cp", CP, "bench.BenchServer"] + [a.replace("{port}", str(port)) for a in args]
                procs.append(subprocess.Popen(argv, cwd=HERE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
                wait_port(port)
            time.sleep(1)
            try:
                cmd = ["java", "-Xmx1g", "-cp", CP, "bench.FramedLoad", "127.0.0.1", str(port), "200", "1", "1024", str(SECS), str(WARM)]
                out = subprocess.run(cmd, capture_output=True, text=True, timeout=SECS + WARM + 120).stdout
                r = json.loads([l for l in out.splitlines() if l.startswith("{")][-1])
                record(dict(r, scenario="port-sharing", system="asockio", setup=label))
            finally:
                for p in procs:
                    os.killpg(p.pid, signal.SIGTERM)
                    p.wait(15)
            progress.step("sharing " + label)

    # 4. Many named clients.
    if want("many"):
        s = Server("asockio", JVM_SERVER + ["-cp", CP, "bench.BenchServer", "{port}"]).start()
        try:
            r = java_load(["bench.ManyClients", str(s.port), str(MANY), str(s.proc.pid)], 420)  # its waits: 60 s each at most
            record(dict(r, scenario="many-clients", system="asockio"))
        finally:
            s.stop()
        progress.step("many clients")
        if MANY_CLUSTER:
            record(dict(many_clients_clustered(MANY_CLUSTER, MANY), scenario="many-clients-cluster", system="asockio"))
            progress.step("many clients, clustered nodes")
        # One node past its open-files limit: UDP peers share the gate's one socket.
        record(dict(many_clients_udp(100000, MANY), scenario="many-clients-udp", system="asockio"))
        progress.step("many clients over UDP, one node")

    # 5a. One huge message through the server and back, -Xmx256m on the server; rounds alternate the two
    # servers (one pass of a few seconds is at the mercy of the machine's noise), the median counts.
    if want("huge"):
        for rnd in range(HUGE_ROUNDS):
            for name, main_class in (("asockio", "bench.BenchServer"), ("raw-netty", "bench.RawNettyEcho")):
                s = Server(name, ["java", "-XX:ActiveProcessorCount=1", "-Xmx256m", "-cp", CP, main_class, "{port}"]).start()
                try:
                    r = java_load(["bench.HugeMessage", str(s.port), str(HUGE), str(s.proc.pid)], 1800)
                    record(dict(r, scenario="huge-message", system=name, server_xmx_mib=256, round=rnd + 1))
                finally:
                    s.stop()
                progress.step("huge message %s, round %d" % (name, rnd + 1))

    # 5b. Send by name: direct API vs event bus on one node, and across two cluster nodes.
    if want("bus"):
        # Alternating rounds: one pair of single runs was within the machine's drift of the 0.8 goal either way.
        rounds = alternating({"direct": "direct", "bus": "bus"}, BUS_ROUNDS,
                             lambda mode: java_load(["bench.BusBench", mode, str(BUS_MESSAGES), "1024"], 600),
                             progress, "send by name %s")
        for mode, results_of_mode in rounds.items():
            for i, r in enumerate(results_of_mode):
                record(dict(r, scenario="send-by-name", system="asockio", round=i + 1))
        cluster = "asockio-bench-%d" % os.getpid()
        port = free_port()
        conf = os.path.join(HERE, "target", "cluster-node.json")  # scratch, not a result
        with open(conf, "w") as f:
            json.dump({"gates": [{"name": "tcp", "port": port}], "cluster": {"enabled": True, "name": cluster}}, f)
        node = subprocess.Popen(["taskset", "-c", SERVER_CPU, "java", "-XX:ActiveProcessorCount=1", "-jar", JAR, conf],
                                cwd=HERE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            wait_port(port)
            r = java_load(["bench.BusBench", "cluster", str(BUS_MESSAGES), "1024", str(port), cluster], 600)
            record(dict(r, scenario="send-by-name", system="asockio", mode="cluster (two nodes)"))
        finally:
            os.killpg(node.pid, signal.SIGTERM)
            node.wait(30)
        progress.step("send by name across nodes")

    sys.stderr.write("\n")
    recheck(results, record)
    publish(results, out_dir)


def recorder(results, out_dir):
    """Adds a point to the results and saves them at once, so that an interrupted run keeps what it measured."""
    def record(point):
        point["at"] = time.strftime("%H:%M:%S")
        results["points"].append(point)
        with open(os.path.join(out_dir, "results.json"), "w") as f:
            json.dump(results, f, indent=1)
    return record


def publish(results, out_dir):
    import report
    report.write(results, out_dir)
    latest = os.path.join(HERE, "results", "latest")
    if results["machine"].get("partial"):
        log("results in", out_dir, "(a partial run: results/latest is left as it was)")
    elif os.path.abspath(out_dir) != os.path.abspath(latest):
        shutil.rmtree(latest, ignore_errors=True)
        shutil.copytree(out_dir, latest)
        log("results in", out_dir, "and", latest)


def alternating(servers, rounds, measure, progress, label):
    """Measures each server `rounds` times, the servers taking turns (the machine's drift hits all alike);
    returns every server's results in order. `label` has a %s for the server's name."""
    results = {name: [] for name in servers}
    for _ in range(rounds):
        for name, server in servers.items():
            results[name].append(measure(server))
            progress.step(label % name)
    return results


def pooled_percentile(rounds, pct=99.0):
    """The pct-th percentile latency over every request of several wrk runs, from each run's request count and
    percentile grid (tail_us): the value v at which the runs' requests slower than v, summed, are (100 - pct) %
    of all, each run's share read by linear interpolation of its grid. A median of per-run p99s moves with where
    the machine's stalls landed; this is the p99 of the requests measured. None without grids."""
    runs = [r for r in rounds if r.get("tail_us") and r.get("requests")]
    if not runs:
        return None

    def slower(grid, v):  # the fraction of a run's requests slower than v
        if v < grid[0][1]:
            return 1 - grid[0][0] / 100
        for (p1, v1), (p2, v2) in zip(grid, grid[1:]):
            if v1 <= v < v2:
                return 1 - (p1 + (p2 - p1) * (v - v1) / (v2 - v1)) / 100
        return 0.0
    total = sum(r["requests"] for r in runs)
    target = (100 - pct) / 100 * total
    lo, hi = 0.0, max(r["tail_us"][-1][1] for r in runs)
    for _ in range(60):
        mid = (lo + hi) / 2
        if sum(r["requests"] * slower(r["tail_us"], mid) for r in runs) > target:
            lo = mid
        else:
            hi = mid
    return round(hi, 1)


def median_round(results, field):
    """The round whose `field` is the median (the whole result, so its latencies stay with its rate)."""
    return sorted(results, key=lambda r: r[field])[len(results) // 2]


def median(values):
    v = sorted(values)
    return v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2


def below_goal(points, scenarios, key, ours, field):
    """The conditions where asockio measured under GOAL x raw Netty in this run (in any pack that has them)."""
    by = {}
    for p in points:
        if p["scenario"] in scenarios:
            by.setdefault((key(p), p["scenario"]), {})[p["system"]] = p[field]
    ratios = {}
    for (condition, _), v in by.items():
        if v.get(ours) and v.get("raw-netty"):
            ratios[condition] = min(ratios.get(condition, GOAL), v[ours] / v["raw-netty"])
    under = sorted((r, c) for c, r in ratios.items() if r < GOAL)
    # --quick stays near ten minutes: only its worst points are measured again.
    return [c for _, c in under][:RECHECK_LIMIT]


def recheck(results, record):
    """One measurement per point cannot tell a real gap from the machine's noise: every point
    under the goal is measured again, asockio and raw Netty alternating RECHECK_ROUNDS times,
    and reported as medians with every value."""
    points = results["points"]
    http_key = lambda p: (p["size"], p["connections"])
    # Both styles: each point measures the style(s) under the goal there, alternating with raw Netty.
    styles = {}
    for style in ("asockio-inline", "asockio-plain"):
        for c in below_goal(points, ("http-size", "http-concurrency"), http_key, style, "requests_per_s"):
            styles.setdefault(c, []).append(style)
    if any(p["scenario"] in ("http-size", "http-concurrency") for p in points):
        # Both styles' tails, where the pass measured them.
        measured_styles = {p["system"] for p in points if p["scenario"] in ("http-size", "http-concurrency")}
        for c in LATENCY_POINTS:
            for style in ("asockio-inline", "asockio-plain"):
                if style in measured_styles and style not in styles.setdefault(c, []):
                    styles[c].append(style)
    # The latency points last, the most connections first: settled there, a server has compiled the others' code too.
    http = sorted(styles, key=lambda c: (c in LATENCY_POINTS, -c[1] if c in LATENCY_POINTS else 0))
    framed_key = lambda p: (p["size"], p["connections"], p["window"])
    framed = below_goal(points, ("framed",), framed_key, "asockio", "frames_per_s")
    if METRICS:  # a point where only the metered server fell short is measured again too
        framed += [c for c in below_goal(points, ("framed",), framed_key, "asockio-metrics", "frames_per_s") if c not in framed]
    if LATENCY_ONLY:
        styles = {c: v for c, v in styles.items() if c in LATENCY_POINTS}
        http, framed = [c for c in http if c in styles], []
    total = sum((len(v) + 1) * (LATENCY_ROUNDS + 1 if c in LATENCY_POINTS else RECHECK_ROUNDS) for c, v in styles.items()) \
        + len(framed) * (3 if METRICS else 2) * RECHECK_ROUNDS
    if not total:
        return
    if LATENCY_ONLY:
        log("measuring the %d latency points again, each server settled first" % len(http))
    else:
        log("re-checking %d HTTP and %d framed points under %.1fx raw Netty" % (len(http), len(framed), GOAL))
    progress = Progress(total)
    if http:
        wanted = {"raw-netty"} | {style for v in styles.values() for style in v}
        servers = [s for s in http_servers() if s.name in wanted]
        for s in servers:
            s.start()
        try:
            for s in servers:
                wrk(s.port, REFERENCE[1], REFERENCE[2], 4 * WARM + 2)
            for size, conns in http:
                measured = {s.name: s for s in servers if s.name == "raw-netty" or s.name in styles[(size, conns)]}
                latency = (size, conns) in LATENCY_POINTS
                settled = {}
                if latency:  # the goal is about a server's tail once it has compiled, measured only then
                    for name, s in measured.items():
                        settled[name] = settle(s, size, conns)
                        progress.step("settle %s %dB x%d (%d runs)" % (name, size, conns, settled[name][0]))
                secs = LATENCY_SECS if latency else SECS
                rounds = alternating(measured, LATENCY_ROUNDS if latency else RECHECK_ROUNDS,
                                     lambda s: jit_wrk(s, size, conns, secs), progress, "recheck http %%s %dB x%d" % (size, conns))
                for name, rs in rounds.items():
                    v = [r["requests_per_s"] for r in rs]
                    p99 = [r["p99_us"] for r in rs]
                    tails = [x for x in p99 if x is not None]
                    point = {"scenario": "http-recheck", "system": name, "size": size, "connections": conns,
                             "requests_per_s": median(v), "values": v,
                             "p99_us": median(tails) if tails else None, "p99_values": p99,
                             "p99_pooled_us": pooled_percentile(rs),
                             **{k + "_values": [r.get(k) for r in rs] for k in ("jit_s", "steal_ms", "load_steal_ms", "gcs", "gc_ms")}}
                    if latency:
                        point["round_s"] = secs
                    if name in settled:
                        point["settle_runs"], point["settled"] = settled[name]
                    record(point)
        finally:
            for s in servers:
                s.stop()
    if framed:
        servers = {"asockio": Server("asockio", JVM_SERVER + ["-cp", CP, "bench.BenchServer", "{port}"]).start(),
                   "raw-netty": Server("raw-netty", JVM_SERVER + ["-cp", CP, "bench.RawNettyEcho", "{port}"]).start()}
        if METRICS:
            servers["asockio-metrics"] = Server("asockio-metrics", JVM_SERVER + ["-cp", CP, "bench.BenchServer", "{port}"],
                                                env={"ASOCKIO_BENCH_METRICS": "1"}).start()
        try:
            for size, conns, window in framed:
                rounds = alternating(servers, RECHECK_ROUNDS, lambda s: java_load(
                    ["bench.FramedLoad", "127.0.0.1", str(s.port), str(conns), str(window), str(size), str(SECS), str(WARM)],
                    SECS + WARM + 120), progress, "recheck framed %%s %dB %dx%d" % (size, conns, window))
                for name, rs in rounds.items():
                    v = [r["frames_per_s"] for r in rs]
                    record({"scenario": "framed-recheck", "system": name, "size": size, "connections": conns,
                            "window": window, "frames_per_s": median(v), "values": v})
        finally:
            for s in servers.values():
                s.stop()
    sys.stderr.write("\n")


def recheck_run(run_dir):
    """--recheck=DIR: re-checks the points of an earlier run under the goal, adds them to its results."""
    path = os.path.join(run_dir, "results.json")
    with open(path) as f:
        results = json.load(f)
    if LATENCY_ONLY:
        latency = lambda p: p["scenario"] == "http-recheck" and (p["size"], p["connections"]) in LATENCY_POINTS
        results["points"] = [p for p in results["points"] if not latency(p)]
        results["machine"]["mode"] += "; the latency points measured again (settled) at %s" % time.strftime("%H:%M")
    else:
        results["points"] = [p for p in results["points"] if not p["scenario"].endswith("-recheck")]
        results["machine"]["mode"] += "; points under the goal re-checked at %s" % time.strftime("%H:%M")

    recheck(results, recorder(results, run_dir))
    publish(results, run_dir)


if __name__ == "__main__":
    if RECHECK_DIR:
        recheck_run(RECHECK_DIR)
    else:
        main()
