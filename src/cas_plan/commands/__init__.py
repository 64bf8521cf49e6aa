"""One function per command: arguments in, an `Outcome` (what to print, the exit code) out.

The command line (cli/) only declares options and calls these; everything a command decides
lives here or deeper in the library, where tests reach it without a terminal. Problems a user
can cause raise `CasplanError` (core/errors.py), which the command line turns into one line and
an exit code.
"""
