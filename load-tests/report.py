"""Turns a run's results.json into summary.md and PNG charts (matplotlib, Agg backend)."""
import json
import os
import sys
import statistics
from collections import defaultdict

PEERS = ["raw-netty", "vertx-http", "go-net-http", "asyncio-httptools", "uvloop-httptools", "fi-asockiocore"]
ASOCKIO = ["asockio-inline", "asockio-plain"]


def human(n):
    for unit, div in (("MiB", 1 << 20), ("KiB", 1024)):
        if n >= div and n % div == 0:
            return "%d %s" % (n // div, unit)
    if n >= 1000000:
        return "%.2f MB" % (n / 1e6)
    return "%d B" % n


def fmt(x):
    if x is None:
        return "-"
    if x >= 100:
        return "{:,.0f}".format(x)
    return "%.2f" % x


def charts(points, out_dir):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    made = []

    def chart(name, title, xlabel, ylabel, series, ylog):
        """series: (label, bold, [(x, y), ...]); points with y <= 0 are left out (log scales)."""
        fig, ax = plt.subplots(figsize=(9, 5))
        for label, bold, pts in series:
            pts = sorted((x, y) for x, y in pts if y > 0)
            if pts:
                ax.plot([x for x, _ in pts], [y for _, y in pts], marker="o", label=label, linewidth=2.5 if bold else 1.2)
        ax.set_xscale("log")
        if ylog:
            ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(out_dir, name), dpi=90)
        plt.close(fig)
        made.append(name)

    size_pts = [p for p in points if p["scenario"] == "http-size"]
    if size_pts:
        chart("http_by_size.png", "HTTP over a raw connection, 200 connections, server on one core",
              "response body (bytes)", "requests/s",
              [(s, s in ASOCKIO, [(p["size"], p["requests_per_s"]) for p in size_pts if p["system"] == s])
               for s in ASOCKIO + PEERS], True)
    conc = [p for p in points if p["scenario"] == "http-concurrency"]
    for size in sorted({p["size"] for p in conc}):
        chart("http_by_connections_%d.png" % size, "HTTP over a raw connection, %s bodies" % human(size),
              "connections", "requests/s",
              [(s, s in ASOCKIO, [(p["connections"], p["requests_per_s"]) for p in conc
                                  if p["system"] == s and p["size"] == size]) for s in ASOCKIO + PEERS], False)
    framed = [p for p in points if p["scenario"] == "framed"]
    if framed:
        chart("framed_echo.png", "Framed echo, server on one core", "message size (bytes)", "MiB/s echoed",
              [("%s, %d conn x %d in flight" % (s, c, w), s == "asockio",
                [(p["size"], p["mib_per_s"]) for p in framed if p["system"] == s and p["connections"] == c and p["window"] == w])
               for s in ("asockio", "raw-netty") for c, w in ((1, 64), (200, 1))], True)
    return made


def write(results, out_dir):
    points = results["points"]
    lines = ["# asockio load-test summary", ""]
    m = results["machine"]
    lines += ["Machine: %s, %s cores, %s GiB, kernel %s; %s; %s; mode %s. %s." % (
        m["cpu"], m["cores"], m["mem_gib"], m["kernel"], m["java"], m["wrk"], m["mode"], m["pinning"]), ""]
    if m.get("partial"):
        lines += ["A partial run: scenarios %s; HTTP systems %s." % (
            ", ".join(m["only"]) if m.get("only") else "all", ", ".join(m["systems"]) if m.get("systems") else "all"), ""]

    http = [p for p in points if p["scenario"] in ("http-size", "http-concurrency")]
    if http:
        lines += ["## HTTP over a raw connection (wrk, requests/s)", "",
                  "Ratio columns: asockio (inline style) / peer, and the plain style / raw Netty. "
                  "Goal: >= 0.9 against raw Netty.", ""]
        systems = [s for s in ASOCKIO + PEERS if any(p["system"] == s for p in http)]
        # Ratio columns only for the systems this run measured (a partial run may leave peers out).
        ratio_peers = [(peer, short) for peer, short in (("raw-netty", "netty"), ("vertx-http", "vertx"),
                                                         ("go-net-http", "go"), ("uvloop-httptools", "uvloop"),
                                                         ("fi-asockiocore", "fi"))
                       if "asockio-inline" in systems and peer in systems]
        plain_ratio = "asockio-plain" in systems and "raw-netty" in systems
        ratio_heads = ["inline/" + short for _, short in ratio_peers] + (["plain/netty"] if plain_ratio else [])
        lines.append("| pack | body | conns | " + " | ".join(systems + ratio_heads) + " |")
        lines.append("|---|---|---|" + "---|" * (len(systems) + len(ratio_heads)))
        grouped = defaultdict(dict)
        for p in http:
            grouped[(p["scenario"][5:], p["size"], p["connections"])][p["system"]] = p
        for (pack, size, conns), by in grouped.items():
            row = [pack, human(size), str(conns)] + [fmt(by[s]["requests_per_s"]) if s in by else "-" for s in systems]
            a = by.get("asockio-inline", {}).get("requests_per_s")
            for peer, _ in ratio_peers:
                b = by.get(peer, {}).get("requests_per_s")
                row.append("%.2f" % (a / b) if a and b else "-")
            if plain_ratio:
                plain, netty = (by.get(s, {}).get("requests_per_s") for s in ("asockio-plain", "raw-netty"))
                row.append("%.2f" % (plain / netty) if plain and netty else "-")
            lines.append("| " + " | ".join(row) + " |")
        lines += ["", "Latency (wrk; microseconds, p50 / p99 / p99.9):", "",
                  "| pack | body | conns | " + " | ".join(systems) + " |", "|---|---|---|" + "---|" * len(systems)]
        for (pack, size, conns), by in grouped.items():
            cells = []
            for s in systems:
                p = by.get(s)
                cells.append("-" if not p else "%s / %s / %s" % (fmt(p.get("p50_us")), fmt(p.get("p99_us")), fmt(p.get("p999_us"))))
            lines.append("| %s | %s | %s | %s |" % (pack, human(size), conns, " | ".join(cells)))
        crashed = [p for p in http if p.get("restarted_after_crash")]
        if crashed:
            lines += ["", "Servers that had exited before a point (crashed) and were started again: " + ", ".join(
                "%s before %s x %d" % (p["system"], human(p["size"]), p["connections"]) for p in crashed) + "."]
        ref = [p for p in points if p["scenario"] == "http-reference"]
        if ref:
            lines += ["", "Noise: the reference point (1 KiB, 200 connections) measured at the start, middle and end:", "",
                      "| system | start | middle | end | spread |", "|---|---|---|---|---|"]
            for s in systems:
                vals = {p["repeat"]: p["requests_per_s"] for p in ref if p["system"] == s}
                v = [vals.get(k) for k in ("start", "middle", "end")]
                known = [x for x in v if x]
                spread = "%.0f%%" % (100 * (max(known) - min(known)) / max(known)) if len(known) > 1 else "-"
                lines.append("| %s | %s | %s | %s | %s |" % (s, fmt(v[0]), fmt(v[1]), fmt(v[2]), spread))
        lines.append("")

    churn = [p for p in points if p["scenario"] == "http-churn"]
    if churn:
        netty = next((p for p in churn if p["system"] == "raw-netty"), None)
        lines += ["## Connection churn: a new connection per request (HTTP %s, %d connections, \"Connection: close\"; "
                  "medians of %d alternating rounds)" % (human(churn[0]["size"]), churn[0]["connections"], len(churn[0]["values"])),
                  "", "What a server spends per connection (accept, set-up, close) decides here; reported, not a goal point."
                  + (" asockio-inline-quiet is the inline server with its gate's `announce` off: no bus address, directory "
                     "record or events per connection." if any(p["system"] == "asockio-inline-quiet" for p in churn) else ""), "",
                  "| system | requests (connections) / s | / raw Netty | rounds |", "|---|---|---|---|"]
        for p in sorted(churn, key=lambda p: -p["requests_per_s"]):
            lines.append("| %s | %s | %s | %s |" % (
                p["system"], fmt(p["requests_per_s"]),
                "%.2f" % (p["requests_per_s"] / netty["requests_per_s"]) if netty and netty["requests_per_s"] else "-",
                " ".join(fmt(v) for v in p["values"])))
        lines.append("")

    rechecked = [p for p in points if p["scenario"] in ("http-recheck", "framed-recheck")]
    if rechecked:
        lines += ["## Points under the goal, measured again", "",
                  "Every point where asockio measured under 0.9x raw Netty above, measured again: asockio and raw "
                  "Netty alternating, %d rounds each; medians, then every round in order. \"ratio\" divides the "
                  "medians; \"paired\" is the median of each round's own ratio (the two measured back to back, so "
                  "the machine's drift between rounds cancels out); both are shown, the goal is read on \"ratio\"."
                  % len(rechecked[0]["values"]), "",
                  "| scenario | condition | asockio median | raw Netty median | ratio | paired | asockio rounds | raw Netty rounds |",
                  "|---|---|---|---|---|---|---|---|"]
        grouped = defaultdict(dict)
        for p in rechecked:
            http_point = p["scenario"] == "http-recheck"
            cond = ("%s x %d conns" % (human(p["size"]), p["connections"]) if http_point
                    else "%s, %d x %d in flight" % (human(p["size"]), p["connections"], p["window"]))
            role = {"asockio-metrics": "metrics", "asockio-plain": "plain"}.get(
                p["system"], "asockio" if p["system"].startswith("asockio") else "netty")
            grouped[(p["scenario"][:-8], cond)][role] = p
        for (scenario, cond), by in grouped.items():
            field = "requests_per_s" if scenario == "http" else "frames_per_s"
            n = by.get("netty")
            for role, label in (("asockio", scenario), ("plain", scenario + ", plain style")):
                a = by.get(role)
                if not a:
                    continue
                ratio = "%.2f" % (a[field] / n[field]) if n and n[field] else "-"
                pairs = [x / y for x, y in zip(a["values"], n["values"]) if y] if n else []
                paired = "%.2f" % statistics.median(pairs) if pairs else "-"
                lines.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                    label, cond, fmt(a[field]), fmt(n and n[field]), ratio, paired,
                    " ".join(fmt(v) for v in a["values"]), " ".join(fmt(v) for v in n["values"]) if n else "-"))
        tails = [(key, by) for key, by in grouped.items() if key[0] == "http" and by.get("netty", {}).get("p99_us")]

        def stolen(p):
            """Each round's steal on the server's core / the load's, or "-" before it was recorded."""
            pairs = list(zip(p.get("steal_ms_values") or [], p.get("load_steal_ms_values") or []))
            return " ".join("-" if s is None else "%d/%d" % (s, l) for s, l in pairs) or "-"
        if tails:
            # Older runs did not record a round's length: theirs were as long as a pass's point.
            lengths = sorted({by["netty"].get("round_s") for _, by in tails} - {None})
            round_s = " or ".join("%g s" % x for x in lengths) if lengths else "as long as a pass's point"
            lines += ["", ("p99 latency (wrk) of the HTTP points measured again, medians of the same rounds "
                      "(1 KiB with 1, 10 and 200 connections are always measured again, in both styles: the latency goal; "
                      "their rounds last %s; each server first runs such a point until its JIT is quiet, \"settle runs\" asockio / raw Netty; "
                      "\"JIT s\" is what asockio's server compiled in each measured round; \"pooled\" is the p99 over every "
                      "request of the rounds, from each round's count and percentiles; \"steal ms\" is the time the hypervisor took "
                      "from the server's core during each round, server and load core where recorded):") % round_s, "",
                      "| condition | style | asockio p99 us | raw Netty p99 us | ratio | pooled p99 asockio / raw Netty us | pooled ratio "
                      "| asockio rounds | raw Netty rounds | settle runs | JIT s in asockio's rounds | steal ms in asockio's rounds "
                      "| steal ms in raw Netty's rounds |",
                      "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
            for (scenario, cond), by in tails:
                n = by["netty"]
                for role, style in (("asockio", "inline"), ("plain", "plain")):
                    a = by.get(role)
                    if a and a.get("p99_us"):
                        settled = ("%s / %s" % (a["settle_runs"], n.get("settle_runs", "-"))
                                   + ("" if a.get("settled") else " (not quiet)")) if "settle_runs" in a else "-"
                        jit = " ".join("-" if v is None else "%.2f" % v for v in a.get("jit_s_values") or []) or "-"
                        pa, pn = a.get("p99_pooled_us"), n.get("p99_pooled_us")
                        lines.append("| %s | %s | %s | %s | %.2f | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                            cond, style, fmt(a["p99_us"]), fmt(n["p99_us"]), a["p99_us"] / n["p99_us"],
                            "%s / %s" % (fmt(pa), fmt(pn)) if pa and pn else "-", "%.2f" % (pa / pn) if pa and pn else "-",
                            " ".join(fmt(v) for v in a["p99_values"]), " ".join(fmt(v) for v in n["p99_values"]),
                            settled, jit, stolen(a), stolen(n)))
        with_metrics = [(key, by) for key, by in grouped.items() if "metrics" in by]
        if with_metrics:
            lines += ["", "With metrics on, in the same rounds:", "",
                      "| scenario | condition | with metrics median | ratio to raw Netty | on / off | rounds |", "|---|---|---|---|---|---|"]
            for (scenario, cond), by in with_metrics:
                m, a, n = by["metrics"], by.get("asockio"), by.get("netty")
                lines.append("| %s | %s | %s | %s | %s | %s |" % (
                    scenario, cond, fmt(m["frames_per_s"]),
                    "%.2f" % (m["frames_per_s"] / n["frames_per_s"]) if n and n["frames_per_s"] else "-",
                    "%.2f" % (m["frames_per_s"] / a["frames_per_s"]) if a and a["frames_per_s"] else "-",
                    " ".join(fmt(v) for v in m["values"])))
        lines.append("")

    framed = [p for p in points if p["scenario"] == "framed"]
    if framed:
        lines += ["## Framed echo (own load generator, HdrHistogram latencies)", "",
                  "| size | conns x in flight | asockio frames/s | raw Netty frames/s | ratio | asockio MiB/s | asockio p50 / p99 / p99.9 us | Netty p50 / p99 / p99.9 us |",
                  "|---|---|---|---|---|---|---|---|"]
        keys = sorted({(p["size"], p["connections"], p["window"]) for p in framed})
        for size, c, w in keys:
            a = next((p for p in framed if p["system"] == "asockio" and (p["size"], p["connections"], p["window"]) == (size, c, w)), None)
            n = next((p for p in framed if p["system"] == "raw-netty" and (p["size"], p["connections"], p["window"]) == (size, c, w)), None)
            ratio = "%.2f" % (a["frames_per_s"] / n["frames_per_s"]) if a and n and n["frames_per_s"] else "-"
            lines.append("| %s | %d x %d | %s | %s | %s | %s | %s / %s / %s | %s / %s / %s |" % (
                human(size), c, w, fmt(a and a["frames_per_s"]), fmt(n and n["frames_per_s"]), ratio,
                fmt(a and a["mib_per_s"]), a and a["p50_us"], a and a["p99_us"], a and a.get("p999_us", "-"),
                n and n["p50_us"], n and n["p99_us"], n and n.get("p999_us", "-")))
        lines.append("")
        metered = [p for p in framed if p["system"] == "asockio-metrics"]
        if metered:
            lines += ["### The same with metrics on (Micrometer/Prometheus and the admin API; `run.sh --metrics`)", "",
                      "| size | conns x in flight | asockio frames/s | with metrics frames/s | on / off | with metrics / raw Netty |",
                      "|---|---|---|---|---|---|"]
            for m in metered:
                key = (m["size"], m["connections"], m["window"])
                a = next((p for p in framed if p["system"] == "asockio" and (p["size"], p["connections"], p["window"]) == key), None)
                n = next((p for p in framed if p["system"] == "raw-netty" and (p["size"], p["connections"], p["window"]) == key), None)
                lines.append("| %s | %d x %d | %s | %s | %s | %s |" % (
                    human(m["size"]), m["connections"], m["window"], fmt(a and a["frames_per_s"]), fmt(m["frames_per_s"]),
                    "%.2f" % (m["frames_per_s"] / a["frames_per_s"]) if a and a["frames_per_s"] else "-",
                    "%.2f" % (m["frames_per_s"] / n["frames_per_s"]) if n and n["frames_per_s"] else "-"))
            lines.append("")

    udp = [p for p in points if p["scenario"] == "udp-echo"]
    if udp:
        lines += ["## UDP echo (one datagram per message; medians of %d alternating rounds)" % len(udp[0]["values"]), "",
                  "UDP loses datagrams and asockio adds no retransmission: loss is what the kernel dropped (socket "
                  "buffers full) and is reported, not hidden. Latency is measured per datagram from the send time it carries.", "",
                  "| size | peers x in flight | asockio msgs/s | raw Netty msgs/s | ratio | loss asockio / Netty | "
                  "asockio p50 / p99 / p99.9 us | Netty p50 / p99 / p99.9 us | asockio rounds | Netty rounds |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for key in sorted({(p["size"], p["peers"], p["window"]) for p in udp}):
            a = next((p for p in udp if p["system"] == "asockio" and (p["size"], p["peers"], p["window"]) == key), None)
            n = next((p for p in udp if p["system"] == "raw-netty" and (p["size"], p["peers"], p["window"]) == key), None)
            ratio = "%.2f" % (a["messages_per_s"] / n["messages_per_s"]) if a and n and n["messages_per_s"] else "-"
            lines.append("| %s | %d x %d | %s | %s | %s | %s / %s | %s / %s / %s | %s / %s / %s | %s | %s |" % (
                human(key[0]), key[1], key[2], fmt(a and a["messages_per_s"]), fmt(n and n["messages_per_s"]), ratio,
                "%.3f%%" % (100 * a["loss"]) if a else "-", "%.3f%%" % (100 * n["loss"]) if n else "-",
                a and a["p50_us"], a and a["p99_us"], a and a["p999_us"], n and n["p50_us"], n and n["p99_us"], n and n["p999_us"],
                " ".join(fmt(v) for v in a["values"]) if a else "-", " ".join(fmt(v) for v in n["values"]) if n else "-"))
        lines.append("")

    transport = [p for p in points if p["scenario"] == "transport"]
    if transport:
        lines += ["## epoll against io_uring (framed echo, the same asockio jar; medians of %d alternating rounds)"
                  % len(transport[0]["values"]), "",
                  "| size | conns x in flight | asockio epoll | asockio io_uring | io_uring / epoll | raw Netty (epoll) | rounds epoll | rounds io_uring |",
                  "|---|---|---|---|---|---|---|---|"]
        for key in sorted({(p["size"], p["connections"], p["window"]) for p in transport}):
            by = {p["system"]: p for p in transport if (p["size"], p["connections"], p["window"]) == key}
            e, u, n = by.get("asockio"), by.get("asockio-io_uring"), by.get("raw-netty")
            lines.append("| %s | %d x %d | %s | %s | %s | %s | %s | %s |" % (
                human(key[0]), key[1], key[2], fmt(e and e["frames_per_s"]), fmt(u and u["frames_per_s"]),
                "%.2f" % (u["frames_per_s"] / e["frames_per_s"]) if e and u and e["frames_per_s"] else "-",
                fmt(n and n["frames_per_s"]), " ".join(fmt(v) for v in e["values"]) if e else "-",
                " ".join(fmt(v) for v in u["values"]) if u else "-"))
        lines.append("")

    process = [p for p in points if p["scenario"] == "process-link"]
    if process:
        lines += ["## Process link (a child `cat` echoing every frame over its stdin and stdout; both cores)", "",
                  "| size | in flight | messages/s | MiB/s (one way) |", "|---|---|---|---|"]
        lines += ["| %s | %d | %s | %s |" % (human(p["size"]), p["window"], fmt(p["messages_per_s"]), fmt(p["mib_per_s"]))
                  for p in process]
        lines.append("")

    sharing = [p for p in points if p["scenario"] == "port-sharing"]
    if sharing:
        lines += ["## Port sharing (framed echo, 1 KiB, 200 connections, both cores, no pinning)", "",
                  "| setup | frames/s | p99 us |", "|---|---|---|"]
        lines += ["| %s | %s | %s |" % (p["setup"], fmt(p["frames_per_s"]), p["p99_us"]) for p in sharing]
        lines.append("")

    many = [p for p in points if p["scenario"] == "many-clients"]
    for p in many:
        lines += ["## Many named clients", "",
                  "%d named clients (from %s source addresses): all connected: %s in %.2f s; server RSS %.0f MiB (%.0f before), "
                  "heap in use after a GC %.0f MiB (%.1f KiB per client%s); directory size %s; one message by name to each "
                  "through the direct API: all reached: %s in %.2f s; through the event bus: all reached: %s in %s s "
                  "(%s replies OK)." % (
                      p["clients"], p.get("source_addresses", 1), p["all_connected"], p["connect_s"], p["server_rss_mib"],
                      p["server_rss_before_mib"], p["server_heap_mib"], p["server_heap_mib"] * 1024 / max(p["clients"], 1),
                      "; %.1f KiB beyond the %.0f MiB before them" % (
                          (p["server_heap_mib"] - p["server_heap_before_mib"]) * 1024 / max(p["clients"], 1),
                          p["server_heap_before_mib"]) if p.get("server_heap_before_mib", -1) > 0 else "",
                      p.get("directory_size", "-"), p["all_reached_by_name"], p["by_name_s"], p.get("all_reached_by_bus", "-"),
                      "%.2f" % p["by_bus_s"] if "by_bus_s" in p else "-", p.get("bus_replies_ok", "-")), ""]

    def reached_each(p, direct, bus):
        """How one message by name to each of many clients fared, directly and through the bus."""
        return ("one message by name to each through %s: all reached: %s in %.2f s; through %s: all reached: %s in %.2f s "
                "(%s replies OK)." % (direct, p["all_reached_by_name"], p["by_name_s"], bus, p["all_reached_by_bus"],
                                      p["by_bus_s"], p["bus_replies_ok"]))

    for p in [p for p in points if p["scenario"] == "many-clients-cluster"]:
        lines += ["## Many named clients on clustered nodes of this machine, sharing one port", "",
                  "%d named clients on %d clustered nodes (SO_REUSEPORT spread them %s), from %d client processes: all "
                  "connected: %s in %.2f s; directory complete (every name reachable cluster-wide): %s after %.2f s with %d records; "
                  "heap in use after a GC %.0f MiB over all nodes (%.1f KiB per client, Hazelcast's share included), RSS %.0f MiB "
                  "(%s per node); " % (
                      p["clients"], p["nodes"], "/".join(str(n) for n in p["clients_per_node"]), p["client_processes"],
                      p["all_connected"], p["connect_s"], p.get("directory_complete", p["directory_size"] >= p["clients"]),
                      p["directory_complete_s"], p["directory_size"], p["heap_mib"],
                      p["heap_kib_per_client"], p["rss_mib"], "/".join(str(n) for n in p["rss_per_node_mib"]))
                  + reached_each(p, "every node's direct API", "the event bus from one node"), ""]

    def receive_buffer(asked):
        if asked is None:  # runs before the key existed
            return "the system's default"
        return "%s bytes" % format(asked, ",") if asked else "the system's default (0)"

    for p in [p for p in points if p["scenario"] == "many-clients-udp"]:
        lines += ["## Many named clients on one node, over UDP", "",
                  "%d named clients on one node's framed UDP gate (one socket for them all: the node held %d descriptors), "
                  "from %d client processes: all got OK: %s in %.2f s (%d keywords sent, the lost ones said again; the gate's "
                  "socket asked for a receive buffer of %s); heap in "
                  "use after a GC %.0f MiB, %.2f KiB per client (%.2f KiB beyond the node's baseline of %.1f MiB); RSS %.0f MiB "
                  "(%.0f before the clients); directory %d records; " % (
                      p["clients"], p["server_fds"], p["client_processes"], p["all_connected"], p["connect_s"],
                      p["keywords_sent"], receive_buffer(p.get("gate_receive_buffer_bytes")), p["heap_mib"], p["heap_kib_per_client"],
                      p["heap_kib_per_client_beyond_baseline"], p["heap_baseline_mib"], p["rss_mib"], p["rss_baseline_mib"],
                      p["directory_size"])
                  + reached_each(p, "the direct API", "the event bus"), ""]

    huge = [p for p in points if p["scenario"] == "huge-message"]
    if huge:
        lines += ["## One huge message through the server and back (server -Xmx256m)", "",
                  "| system | size | checksum | MiB/s | server peak RSS MiB |", "|---|---|---|---|---|"]
        lines += ["| %s | %.2f GiB | %s | %s | %s |" % (p["system"], p["size"] / 2**30, "ok" if p["checksum_ok"] else "MISMATCH",
                                                       fmt(p["mib_per_s"]), fmt(p["server_peak_rss_mib"])) for p in huge]
        ours = [p["mib_per_s"] for p in huge if p["system"] == "asockio"]
        netty = [p["mib_per_s"] for p in huge if p["system"] == "raw-netty"]
        if ours and netty:
            lines += ["", "Median of %d alternating rounds: asockio %s MiB/s, raw Netty %s: %.2f× raw Netty." % (
                len(ours), fmt(statistics.median(ours)), fmt(statistics.median(netty)),
                statistics.median(ours) / statistics.median(netty))]
        lines.append("")

    bus = [p for p in points if p["scenario"] == "send-by-name"]
    if bus:
        lines += ["## Send by name, 1 KiB messages", "",
                  "Direct API and event bus (same node) in alternating rounds; medians, then every round in order.", "",
                  "| path | messages/s (median) | MiB/s (median) | failures | rounds |", "|---|---|---|---|---|"]
        labels = {"direct": "direct API", "bus": "event bus, same node"}
        by_mode = defaultdict(list)
        for p in bus:
            by_mode[p.get("mode", "?")].append(p)
        medians = {}
        for mode, runs in by_mode.items():
            medians[mode] = statistics.median(r["messages_per_s"] for r in runs)
            lines.append("| %s | %s | %s | %d | %s |" % (
                labels.get(mode, mode), fmt(medians[mode]), fmt(statistics.median(r["mib_per_s"] for r in runs)),
                sum(r["failures"] for r in runs), " ".join(fmt(r["messages_per_s"]) for r in runs)))
        if medians.get("direct") and medians.get("bus"):
            lines += ["", "Event bus / direct API: **%.2f** (goal >= 0.8)." % (medians["bus"] / medians["direct"])]
        lines.append("")

    made = charts(points, out_dir)
    if made:
        lines += ["## Charts", ""] + ["![%s](%s)" % (c, c) for c in made] + [""]
    with open(os.path.join(out_dir, "summary.md"), "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    d = sys.argv[1]
    with open(os.path.join(d, "results.json")) as f:
        write(json.load(f), d)
