"""Checking the model against measurements: trace format, metrics, validate, calibrate.

Owns: reading measured traces, predicting each point, fitting spec numbers to the fitted points.
Calibration data never counts as evidence of accuracy: every point is marked `fitted` or
`held-out`, and reports keep the two apart.
May import: engines, spec and the foundation; never planning, output, the API or the CLI.
"""
