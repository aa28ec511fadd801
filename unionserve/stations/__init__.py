"""The street service stations (seed 001): profile, staffing, training, standardization and acceptance, money, the
monthly report.
"""
