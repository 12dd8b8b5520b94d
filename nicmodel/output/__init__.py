"""Rendering answers for people and machines.

Owns: text (tables, explanations, run summaries, verdicts), plots, the HTML report's pieces,
streamed CSV, results-database rows and the results database itself.
May import: planning, validation, engines, spec and the foundation. Computes nothing a planner
acts on: what it prints was computed below it.
"""
