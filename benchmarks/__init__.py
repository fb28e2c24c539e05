"""Benchmarks of the places where a learner or instructor waits (`make bench`).

Every figure is measured side by side with its peer in the same run (medians over repeats,
ratios), because these machines are shared and noisy: no absolute-time assertions in tests.
``python -m benchmarks --smoke`` runs each benchmark at a tiny size (the test suite does, so
they never rot).
"""
