"""Language: formatting through Babel, the Cyrillic script, the phrasebook of every surface.
Imports only core."""
