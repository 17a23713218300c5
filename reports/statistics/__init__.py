"""The statistics of each reporting cycle, compiled in the database by Celery workers.

`rows` stores each submitted revision's answers as typed rows; `counting` decides which revisions
a cycle counts and fingerprints them; `compile` aggregates them with GROUP BY queries and swaps
the results in; `selectors`, `charts` and `exports` read the results for pages and downloads.
"""
