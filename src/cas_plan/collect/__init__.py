"""The progress workbook of a unit: writing it, reading it back, and the CSV form."""
