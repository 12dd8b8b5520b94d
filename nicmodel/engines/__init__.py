"""The engines: what a design does on its hardware.

Owns: compiling a scenario into a plan (``plan``: the stage DAG bound to resources, every number
as a flat SI parameter table), the steady-state model (``analytical``), the chunk-level
discrete-event simulator (``sim``), the serving model on one GPU (``serving``), optical fabrics
(``fabric``), and load verdicts (``overload``).
May import: spec types and the foundation (errors, units). Engines never parse files: they take
validated spec objects or parameter tables.
"""
