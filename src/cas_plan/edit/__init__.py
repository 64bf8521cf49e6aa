"""Changes to the plan: one transaction (lock, prepare, journal, rename) and the writers on it."""
