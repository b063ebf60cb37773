"""The benchmark: a generated community (bench.generate) and a load runner (bench.run).

Nothing here is imported by the application. See bench/README.md.
"""
