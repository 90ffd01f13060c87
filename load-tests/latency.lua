-- Prints the 99.9th latency percentile, which wrk's --latency table leaves out (microseconds).
done = function(summary, latency, requests)
  io.write(string.format("p999_us %d\n", latency:percentile(99.9)))
end
