"""What the plan answers: due rows, budgets, follow-up lists, differences and records, as typed
values with no text of their own. Imports only core."""
