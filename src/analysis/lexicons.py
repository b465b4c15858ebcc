"""Lexicon files: versioned data shipped in ``analysis/lexicons/`` and replaceable by the user's own.

Every loader validates its file and fails with :class:`LexiconError`, which names the
file, the line and what is wrong.
"""

from __future__ import annotations

from pathlib import Path


class LexiconError(ValueError):
    """A lexicon file is malformed.

    Example
    -------
    >>> str(LexiconError("stopwords.txt", 3, "empty entry"))
    'stopwords.txt:3: empty entry'
    """

    def __init__(self, path: str | Path, line: int | None, reason: str):
        self.path, self.line, self.reason = str(path), line, reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")
