"""Token lists per document, paragraph or sentence, from a morpheme table (no Kiwi).

:func:`tokens_by_unit` applies a :class:`~analysis.text.tokenizer.Tokenizer`'s synonym
map and filter (:meth:`~analysis.text.tokenizer.Tokenizer.accepts`) to whole columns of
the morphemes table, so topic models and features never re-run Kiwi and get the tokens
the tokenizer would give. Units are those of :data:`analysis.settings.UNITS`.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from analysis.settings import UNITS
from analysis.text.tokenizer import Tokenizer

__all__ = ["tokens_by_unit"]


def tokens_by_unit(morphemes: pd.DataFrame, unit: str = "paragraph", tokenizer: Tokenizer | None = None,
                   include_title: bool = True) -> pd.DataFrame:
    """Token lists per document, paragraph or sentence, filtered by ``tokenizer``'s settings.

    Returns the unit's ids plus ``tokens`` (list of str) and ``n_tokens``; units whose
    tokens are all filtered out keep an empty list, so ids stay aligned with the text.

    Example
    -------
    >>> from analysis.text import analyse_texts
    >>> tables = analyse_texts(["위기를 기회로 삼아 일본을 뛰어넘어야 한다."])
    >>> tokens_by_unit(tables.morphemes, unit="document").tokens.tolist()
    [['위기', '기회', '일본']]
    """
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {sorted(UNITS)}, not {unit!r}")
    keys, tokenizer = UNITS[unit], tokenizer or Tokenizer()
    rows = morphemes if include_title else morphemes[morphemes.para_id != 0]
    # Column operations throughout: the table can have ~10M rows, and a Python object per
    # row (a lemma, a tuple, a flag) would cost more memory than the table itself.
    lemmas, tags = _canonical_columns(rows["lemma"], rows["tag"], tokenizer)
    keep = _accepted(lemmas, tags, tokenizer)
    # Units numbered in order of first appearance (what drop_duplicates keeps).
    codes = rows.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    first = np.unique(codes, return_index=True)[1]
    units = rows[keys].iloc[first].reset_index(drop=True)
    # Kept lemmas sorted by unit, table order within a unit (stable sort), cut per unit.
    kept_codes = codes[keep]
    order = np.argsort(kept_codes, kind="stable")
    # One str object per distinct lemma, shared by every list: millions of tokens cost a
    # pointer each, not a string each (and equal strings compare by identity first).
    codes_, distinct = pd.factorize(lemmas[keep].take(order))
    tokens = np.asarray([sys.intern(str(t)) for t in distinct], dtype=object)[codes_].tolist()
    ends = np.cumsum(np.bincount(kept_codes, minlength=len(units))).tolist()
    units["tokens"] = pd.Series([tokens[a:b] for a, b in zip([0] + ends[:-1], ends)], index=units.index, dtype=object)
    units["n_tokens"] = units["tokens"].map(len).astype("int64")
    return units


def _canonical_columns(lemmas: pd.Series, tags: pd.Series, tokenizer: Tokenizer) -> tuple[pd.Series, pd.Series]:
    """Apply ``tokenizer``'s synonym map to lemma and tag columns (rows with a variant only)."""
    hits = np.flatnonzero(lemmas.isin(list(tokenizer.synonyms)).to_numpy())
    if len(hits) == 0:
        return lemmas, tags
    pairs = [tokenizer.canonicalise(lemma, tag) for lemma, tag in zip(lemmas.iloc[hits], tags.iloc[hits])]
    lemmas, tags = lemmas.copy(), tags.copy()
    lemmas.iloc[hits] = [lemma for lemma, _ in pairs]
    tags.iloc[hits] = [tag for _, tag in pairs]
    return lemmas, tags


def _accepted(lemmas: pd.Series, tags: pd.Series, tokenizer: Tokenizer) -> np.ndarray:
    """:meth:`Tokenizer.accepts` over columns: a boolean array."""
    plain = [s for s in tokenizer.stopwords if isinstance(s, str)]
    keep = (tags.isin(tokenizer.pos) & (lemmas.str.len() >= tokenizer.min_len) & ~lemmas.isin(plain)).to_numpy(bool, copy=True)
    # (lemma, tag) stopwords: check the few kept rows whose lemma has one, one by one.
    tagged = {s[0] for s in tokenizer.stopwords if not isinstance(s, str)}
    if tagged:
        for i in np.flatnonzero(keep & lemmas.isin(tagged).to_numpy(bool)):
            keep[i] = tokenizer.accepts(lemmas.iloc[i], tags.iloc[i])
    return keep
