"""Documents built from the plan: the report, the public site, and their templating."""
