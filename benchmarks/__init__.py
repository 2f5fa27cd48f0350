"""The benchmark harness of issue 6: a ladder of generated terms, solved one per subprocess.

``run.py`` is the command; ``ladder`` names the instances, ``measure`` solves one and measures
it, ``report`` turns the measurements into results.md, results.json and BENCHMARKS.md.
"""
