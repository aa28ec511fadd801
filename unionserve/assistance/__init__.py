"""Help for workers who need it: hardship files, the warm fund and its seasonal programs, emergency aid, the skills
boost.
"""
