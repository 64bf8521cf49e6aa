"""The plan as data: reading files with positions, the models, deadlines, money, the loader,
the checks and the plan on a date. Imports nothing else of casplan."""
