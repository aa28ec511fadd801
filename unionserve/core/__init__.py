"""The bottom layer: mechanisms every app shares and that know no app above them.

Forms and widgets, paging, prefix queries, the API's pagination and errors, money and percentages, the
org-tree paths, unit kinds, roles and the one scope mechanism, roll-ups, progress of long jobs, Excel
helpers. Nothing here imports another ``unionserve`` app (checked by the import contracts, docs/architecture.md).
"""
