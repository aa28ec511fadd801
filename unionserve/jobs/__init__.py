"""Job placement (000 §四.9): fairs, employers and postings, job seekers, matching, recommendations, follow-up."""
