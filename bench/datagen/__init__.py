"""The deterministic Beijing-scale data generator.

Everything here is a pure function of the seed and the size knobs: the same arguments give the same
bytes on every machine. Only :mod:`bench.datagen.dbload` touches the database (org units, bench users).
"""
