-- Prints the 99.9th latency percentile, which wrk's --latency table leaves out, and a grid of the tail's
-- percentiles ("pct:us") from which the harness reads a p99 over the requests of several runs (microseconds).
done = function(summary, latency, requests)
  io.write(string.format("p999_us %d\n", latency:percentile(99.9)))
  io.write(string.format("requests %d\n", summary.requests))
  io.write("tail_us")
  for _, p in ipairs({50, 75, 90, 95, 97, 98, 98.5, 99, 99.25, 99.5, 99.75, 99.9, 99.95, 99.99}) do
    io.write(string.format(" %g:%d", p, latency:percentile(p)))
  end
  io.write(string.format(" 100:%d\n", latency.max)) -- percentile(100) reads 0
end
