"""Real-name served visits (实名制服务职工人次): the ledger of every use of a service by a member, swipe-file
imports, sign-ins, and the served-visit rate per unit against the year's target.
"""
