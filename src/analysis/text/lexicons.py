"""Lexicon files: versioned data shipped in ``analysis/lexicons/`` and replaceable by the user's own.

Three plain-text files steer tokenisation (see :mod:`analysis.text.tokenizer`):

- ``userdict.tsv``: ``word<TAB>TAG[<TAB>score]``, words Kiwi must keep whole
  (``4차 산업혁명``, ``인공지능``); a word with a space also matches its unspaced spelling.
- ``stopwords.txt``: ``lemma[<TAB>TAG]``, lemmas dropped from token lists (only with that
  tag when one is given).
- ``synonyms.tsv``: ``variant<TAB>canonical[<TAB>TAG]``, lemmas rewritten to one canonical
  spelling (``AI`` -> ``인공지능``); the optional tag re-tags the rewritten lemma, so that
  ``AI`` (a foreign-script ``SL`` token for Kiwi) counts as the noun it stands for.

Lines starting with ``#`` are comments; ``# version: N`` names the file's version. Every
entry is NFC-normalised, because NFD Hangul (macOS) never matches Kiwi's output. Every
loader validates its file and fails with :class:`LexiconError` (an
:class:`~analysis.errors.InputError`), which names the file, the line and what is wrong.
The files stay in the ``analysis/lexicons/`` data folder; this module only reads them.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from analysis.errors import InputError
from analysis.io import sha256_bytes, write_atomic

__all__ = ["LEXICON_TAGS", "LexiconError", "UserWord", "hash_lexicon", "locate_lexicon", "promote_to_userdict",
           "read_lexicon_version", "read_stopwords", "read_synonyms", "read_userdict"]

# Kiwi's tag set minus punctuation, symbols and endings: what a lexicon entry may name.
# (Not analysis.settings.CONTENT_TAGS, the tags that carry content in keyness.)
LEXICON_TAGS = frozenset(
    "NNG NNP NNB NR NP VV VA VX VCP VCN MM MAG MAJ IC XPN XSN XSV XSA XR SL SH SN".split()
)
_VERSION = re.compile(r"^#\s*version\s*:\s*(\S+)", re.IGNORECASE)


class LexiconError(InputError):
    """A lexicon file is malformed (an :class:`~analysis.errors.InputError`, so a ``ValueError``).

    Example
    -------
    >>> str(LexiconError("stopwords.txt", 3, "empty entry"))
    'stopwords.txt:3: empty entry'
    """

    def __init__(self, path: str | Path, line: int | None, reason: str):
        self.path, self.line, self.reason = str(path), line, reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


class UserWord(NamedTuple):
    """One user-dictionary entry, as passed to ``Kiwi.add_user_word``."""

    form: str
    tag: str
    score: float = 0.0


def locate_lexicon(name: str):
    """Return the packaged lexicon file ``name`` (a Traversable usable with ``open``).

    Example
    -------
    >>> locate_lexicon("stopwords.txt").name
    'stopwords.txt'
    """
    return resources.files("analysis").joinpath("lexicons", name)


def read_lexicon_version(path=None, *, name: str = "userdict.tsv") -> str | None:
    """Return the ``# version:`` value of a lexicon file (packaged ``name`` when ``path`` is None).

    Example
    -------
    >>> read_lexicon_version(name="synonyms.tsv")
    '1'
    """
    for _, line in _read_lines(path, name, comments=True):
        match = _VERSION.match(line)
        if match:
            return match.group(1)
    return None


def hash_lexicon(path=None, *, name: str = "userdict.tsv") -> str:
    """Return the sha256 of a lexicon file's bytes, for provenance manifests.

    Example
    -------
    >>> len(hash_lexicon(name="stopwords.txt"))
    64
    """
    source = locate_lexicon(name) if path is None else Path(path)
    return sha256_bytes(source.read_bytes())


def read_userdict(path=None) -> list[UserWord]:
    """Read and validate a user dictionary (the packaged one when ``path`` is None).

    Example
    -------
    >>> words = read_userdict()
    >>> UserWord("4차 산업혁명", "NNP", 0.0) in words
    True
    """
    words, seen = [], {}
    for number, line in _read_lines(path, "userdict.tsv"):
        fields = _split(line, 2, 3, path, "userdict.tsv", number, "word<TAB>TAG[<TAB>score]")
        form, tag = fields[0], _check_tag(fields[1], path, "userdict.tsv", number)
        try:
            score = float(fields[2]) if len(fields) == 3 else 0.0
        except ValueError:
            raise LexiconError(_label(path, "userdict.tsv"), number, f"score {fields[2]!r} is not a number") from None
        if (form, tag) in seen:
            raise LexiconError(_label(path, "userdict.tsv"), number,
                               f"duplicate entry {form!r}/{tag} (first on line {seen[form, tag]})")
        seen[form, tag] = number
        words.append(UserWord(form, tag, score))
    return words


def read_stopwords(path=None) -> frozenset[str | tuple[str, str]]:
    """Read and validate a stopword list: plain lemmas, or ``(lemma, tag)`` pairs for tagged lines.

    Example
    -------
    >>> stop = read_stopwords()
    >>> "하다" in stop, "우리" in stop, "지역" in stop
    (True, False, False)
    """
    entries: dict[str | tuple[str, str], int] = {}
    for number, line in _read_lines(path, "stopwords.txt"):
        fields = _split(line, 1, 2, path, "stopwords.txt", number, "lemma[<TAB>TAG]")
        entry = fields[0] if len(fields) == 1 else (fields[0], _check_tag(fields[1], path, "stopwords.txt", number))
        if entry in entries:
            raise LexiconError(_label(path, "stopwords.txt"), number,
                               f"duplicate entry {entry!r} (first on line {entries[entry]})")
        entries[entry] = number
    return frozenset(entries)


def read_synonyms(path=None) -> dict[str, tuple[str, str | None]]:
    """Read and validate a synonym map: ``{variant: (canonical, tag or None)}``.

    A canonical form may not itself be a variant (chains would make the result depend on
    the order of rewriting).

    Example
    -------
    >>> read_synonyms()["AI"]
    ('인공지능', 'NNG')
    """
    label, mapping, lines = _label(path, "synonyms.tsv"), {}, {}
    for number, line in _read_lines(path, "synonyms.tsv"):
        fields = _split(line, 2, 3, path, "synonyms.tsv", number, "variant<TAB>canonical[<TAB>TAG]")
        variant, canonical = fields[0], fields[1]
        tag = _check_tag(fields[2], path, "synonyms.tsv", number) if len(fields) == 3 else None
        if variant == canonical:
            raise LexiconError(label, number, f"{variant!r} is mapped to itself")
        if variant in mapping:
            raise LexiconError(label, number, f"duplicate variant {variant!r} (first on line {lines[variant]})")
        mapping[variant], lines[variant] = (canonical, tag), number
    for variant, (canonical, _) in mapping.items():
        if canonical in mapping:
            raise LexiconError(label, lines[variant],
                               f"chain: canonical {canonical!r} is itself a variant on line {lines[canonical]}")
    return mapping


def promote_to_userdict(terms: Iterable[str], path, tag: str = "NNP", score: float = 0.0) -> list[str]:
    """Append ``terms`` to the user dictionary at ``path`` (created with a header if absent).

    Terms already in the file (with the same tag) are skipped; the file is validated before
    and after writing. Returns the terms actually added.

    Example
    -------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "my_userdict.tsv"
    >>> promote_to_userdict(["광주형 일자리"], path), promote_to_userdict(["광주형 일자리"], path)
    (['광주형 일자리'], [])
    """
    path = Path(path)
    tag = _check_tag(tag, path, path.name, None)
    existing = {(w.form, w.tag) for w in read_userdict(path)} if path.exists() else set()
    added = []
    for term in terms:
        term = " ".join(unicodedata.normalize("NFC", str(term)).split())
        if not term or "\t" in term:
            raise LexiconError(path, None, f"cannot add term {term!r}: empty or contains a tab")
        if (term, tag) not in existing and term not in added:
            added.append(term)
    if added:
        # Rewrite the whole file under a temporary name (same bytes as appending), so an
        # interrupted write never leaves a half-written dictionary.
        old = path.read_bytes() if path.exists() else b"# User dictionary: word<TAB>TAG[<TAB>score]\n# version: 1\n"
        new = "\n" if old[-1:] not in (b"", b"\n") else ""
        new += "".join(f"{term}\t{tag}\t{score:g}\n" for term in added)
        write_atomic(path, lambda tmp: _write_like(path, tmp, old + new.encode("utf-8")))
        read_userdict(path)
    return added


def _write_like(path: Path, tmp: str, data: bytes) -> None:
    """Write ``data`` to ``tmp`` with ``path``'s permissions, if it exists (the temporary file's are private)."""
    Path(tmp).write_bytes(data)
    if path.exists():
        shutil.copymode(path, tmp)


def _label(path, name: str) -> str:
    return name if path is None else str(path)


def _read_lines(path, name: str, comments: bool = False):
    """Yield ``(line_number, line)`` for non-blank lines, NFC-normalised; comments only if asked."""
    source = locate_lexicon(name) if path is None else Path(path)
    try:
        text = source.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise LexiconError(_label(path, name), None, "file not found") from None
    except UnicodeDecodeError as error:
        raise LexiconError(_label(path, name), None, f"not UTF-8 ({error.reason} at byte {error.start})") from None
    for number, line in enumerate(text.splitlines(), start=1):
        line = unicodedata.normalize("NFC", line).rstrip("\r\n")
        if not line.strip() or (line.lstrip().startswith("#") and not comments):
            continue
        yield number, line


def _split(line: str, low: int, high: int, path, name: str, number: int, shape: str) -> list[str]:
    fields = [" ".join(f.split()) for f in line.split("\t")]
    if not low <= len(fields) <= high:
        raise LexiconError(_label(path, name), number,
                           f"expected {shape} ({low}-{high} tab-separated fields), got {len(fields)}")
    if not all(fields):
        raise LexiconError(_label(path, name), number, f"empty field in {line!r}")
    return fields


def _check_tag(tag: str, path, name: str, number: int | None) -> str:
    if tag not in LEXICON_TAGS:
        raise LexiconError(_label(path, name), number, f"unknown POS tag {tag!r} (expected one of Kiwi's, e.g. NNG, NNP, VV)")
    return tag
