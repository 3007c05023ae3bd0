"""Throughput and memory benchmarks (make bench)."""
