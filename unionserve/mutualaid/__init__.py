"""Mutual aid (互助保障): the eight plans, enrolment, the quarterly medical mutual-aid batch, accident and fire-loss
claims.
"""
