"""Small, dependency-free benchmarks (`make bench`)."""
