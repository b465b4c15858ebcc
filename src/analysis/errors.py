"""The package's own error for bad input, so the command line can tell it from a bug.

Every error a user can fix by changing their input (a corpus, a column name, a lexicon
file, a parameter) is an :class:`InputError`; the command line prints it as one line and
exits with 2. An output that cannot be written (a full disk) is an :class:`OutputError`,
also one line, exit code 1. Anything else is a bug and keeps its traceback.

Example
-------
>>> isinstance(InputError("corpus.csv: no column 'text'"), ValueError)
True
"""

from __future__ import annotations

__all__ = ["InputError", "OutputError"]


class InputError(ValueError):
    """Input the user can fix: a missing file or column, a malformed lexicon, a bad parameter."""


class OutputError(OSError):
    """An output that cannot be written (no space left, no permission, a read-only disk)."""
