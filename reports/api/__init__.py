"""The REST API, version 1 (/api/v1/): the same capabilities as the pages, under the same rules.

Every view asks reports/access.py what the user may see and do; another country's objects answer
404. Errors have one shape (see errors.py).
"""
