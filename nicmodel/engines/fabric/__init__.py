"""Fast-switched optical fabrics: schedules (time-flow tables), circuit windows, the path a
transfer takes under each routing scheme, and a ToR pair's figures.

May import: spec types and the foundation.
"""
