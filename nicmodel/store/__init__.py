"""The results store: every point a command computes, in one SQLite file a planner can query.

- ``columns``: results as typed, SI columns (inputs parsed from their quantity strings; what the
  screen prints in the column with the plain name);
- ``database``: the file itself (schema, the ``runs`` history, one row per point, the sweep
  points claimed and finished, safe under many writers and under kills);
- ``query``: read-only, bounded SQL on it.

SQLite is in Python's standard library: no new dependency, one file to hand over.
May import only the foundation (errors, units, version); the sweep runner uses a database through
its get/claim/put methods without importing it.
"""
