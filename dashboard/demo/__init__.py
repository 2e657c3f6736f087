"""The demo university: a generated, internally consistent university loaded straight into
PostgreSQL, for `dashboard run` (first embedded start), `dashboard seed-demo` and the
benchmarks of `bench/`. Deterministic per seed; see `dashboard.demo.generate`.
"""
