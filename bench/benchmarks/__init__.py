"""The benchmarks. Every module here is imported by ``bench.harness.registry.discover``; each registers its
benchmark classes with ``@register``."""
