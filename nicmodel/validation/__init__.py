"""Checking the model against measurements: trace format, metrics, validate, calibrate,
sensitivity. Calibration data never counts as evidence of accuracy: every point is marked
`fitted` or `held-out`, and reports keep the two apart."""
