"""Planning: answers over many evaluations.

Owns: design-table sweeps (``sweep``), sizing against targets (``sizing``), break-even values
(``breakeven``), robustness of optima and winners (``robustness``), sensitivity and uncertainty
of answers (``sensitivity``, ``uncertainty``), replications over seeds (``replications``), run
budgets (``budget``) and running sweep points on a pool (``runs``, ``runner``).
May import: engines, spec and the foundation; never output, validation, the API or the CLI.
"""
