"""Fast-switched optical fabrics: schedules, windows, pair analysis."""
