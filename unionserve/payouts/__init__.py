"""Payments to a member's Jingka card: requests from any area (mutual aid, assistance), batches, the bank's payout
file and result file, reconciliation and the SMS; one payment per source, never twice.
"""
