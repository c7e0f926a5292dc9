"""Benchmarks: run each as a script (`python bench/NAME.py`); shared pieces are imported as
`bench.NAME`."""
