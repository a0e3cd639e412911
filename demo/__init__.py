"""The demo and scale worlds: synthetic districts, surveys and answers, and the commands that
load them (`seed_demo` for `make run`, `seed_scale` for the benchmarks).

The top layer (docs/architecture.md): it builds its worlds through every app below; nothing in
the product imports it (tests and bench/ do).
"""
