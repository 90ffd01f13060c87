#!/usr/bin/env python3
"""The latency goal over several re-checks, round by round.

    python3 load-tests/latency_pairs.py load-tests/results/latest load-tests/results/<run>-latency3 ...

Each latency re-check (`bench.py --recheck=DIR --only=latency`) alternates the servers in
rounds of `round_s` seconds; round i of asockio and round i of raw Netty ran back to back, so
they form a pair. Pooling the pairs of several re-checks, this prints per point:

- the ratio of the medians of the rounds' p99s (asockio / raw Netty),
- the median of the paired ratios,
- the median of the paired rate ratios,
- the median of the paired p99 x rate ratios: in a closed loop a round's p99 moves with how
  fast the machine ran that round (the hypervisor's steal, other tenants), so p99 x rate
  compares the shape of the tails with the machine's speed taken out,

each with a 95 % bootstrap interval over the pairs (fixed seed: the same input prints the same
figures). Reported, not asserted: the goal is asockio's p99 within 1.2x raw Netty's.
"""
import json
import random
import statistics
import sys

REFERENCE = "raw-netty"
SYSTEMS = ("asockio-inline", "asockio-plain")
RESAMPLES = 5000


def rounds(run_dirs):
    """{(connections, system): {run_dir: [(p99_us, requests_per_s), ...] in round order}}."""
    out = {}
    for run_dir in run_dirs:
        with open(run_dir.rstrip("/") + "/results.json") as f:
            points = json.load(f)["points"]
        for p in points:
            if p["scenario"] == "http-recheck" and "round_s" in p and "p99_values" in p:
                out.setdefault((p["connections"], p["system"]), {})[run_dir] = list(zip(p["p99_values"], p["values"]))
    return out


def interval(pairs, statistic, rng):
    """95 % bootstrap interval of statistic(pairs)."""
    draws = sorted(statistic([rng.choice(pairs) for _ in pairs]) for _ in range(RESAMPLES))
    return draws[int(0.025 * RESAMPLES)], draws[int(0.975 * RESAMPLES) - 1]


def ratio_of_medians(pairs):
    return statistics.median(a[0] for a, _ in pairs) / statistics.median(r[0] for _, r in pairs)


def median_of(f):
    return lambda pairs: statistics.median(f(a, r) for a, r in pairs)


STATISTICS = [
    ("p99, ratio of medians", ratio_of_medians),
    ("p99, median paired ratio", median_of(lambda a, r: a[0] / r[0])),
    ("rate, median paired ratio", median_of(lambda a, r: a[1] / r[1])),
    ("p99 x rate, median paired ratio", median_of(lambda a, r: a[0] * a[1] / (r[0] * r[1]))),
]


def main(run_dirs):
    if not run_dirs:
        sys.exit(__doc__)
    data = rounds(run_dirs)
    rng = random.Random(1)
    print("| connections | style | pairs | " + " | ".join(name for name, _ in STATISTICS) + " |")
    print("|---|---|---|" + "---|" * len(STATISTICS))
    for conns in sorted({c for c, _ in data}):
        reference = data.get((conns, REFERENCE))
        for system in SYSTEMS:
            measured = data.get((conns, system))
            if not reference or not measured:
                continue
            # Pairs are formed within one re-check, from those that measured both.
            pairs = [pair for run_dir in measured if run_dir in reference for pair in zip(measured[run_dir], reference[run_dir])]
            cells = []
            for _, statistic in STATISTICS:
                low, high = interval(pairs, statistic, rng)
                cells.append("%.2f [%.2f, %.2f]" % (statistic(pairs), low, high))
            print("| %d | %s | %d | %s |" % (conns, system.replace("asockio-", ""), len(pairs), " | ".join(cells)))


if __name__ == "__main__":
    main(sys.argv[1:])
