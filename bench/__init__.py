"""The benchmark of batch extraction: corpus generator, runner, profiler (see README.md)."""
