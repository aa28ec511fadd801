"""The benchmark harness: registry, runner, statistics, environment capture, results."""
