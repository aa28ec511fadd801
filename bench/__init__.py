"""Beijing-scale synthetic data and the benchmark harness (see bench/README.md).

``python -m bench generate`` writes the dataset, ``python -m bench run`` runs benchmarks. Nothing in
``unionserve/`` imports this package: it is a tool of the project, not part of the product.
"""
