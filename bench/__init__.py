"""`make bench` and `make bench-quick`: the speed figures of BENCHMARKS.md (see bench/run.py).

Nothing here is part of the product: the bench's own settings, URLs and bare anchor view exist
only in this package, and the product's URLconf never includes them.
"""
