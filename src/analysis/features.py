"""Features of token tables: term counts and distinctive terms per group.

Input is a tokens table as made by :func:`analysis.text.tokens_by_unit` (ids plus a
``tokens`` list column), optionally joined with document metadata such as ``speaker``.
Outputs are tidy: one row per (group, rank) with the group column, ``rank``, ``term``
and the score. Ties break by term, so tables are identical across runs.
"""

from __future__ import annotations

import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer


def _identity(tokens):
    return tokens


def _group_matrix(units: pd.DataFrame, by: str):
    grouped = units.groupby(by, sort=True)["tokens"].agg(lambda lists: [t for tokens in lists for t in tokens])
    vectorizer = CountVectorizer(analyzer=_identity)
    counts = vectorizer.fit_transform(grouped.tolist())
    return grouped.index, vectorizer.get_feature_names_out(), counts


def _top_per_row(matrix, groups, terms, by: str, score: str, n: int) -> pd.DataFrame:
    dense = pd.DataFrame(matrix.toarray(), index=groups, columns=terms)
    long = dense.stack().rename(score).reset_index()
    long.columns = [by, "term", score]
    long = long[long[score] > 0].sort_values([by, score, "term"], ascending=[True, False, True])
    long["rank"] = long.groupby(by).cumcount() + 1
    return long[long["rank"] <= n][[by, "rank", "term", score]].reset_index(drop=True)


def count_terms(units: pd.DataFrame, by: str = "doc_id", n: int = 10) -> pd.DataFrame:
    """The ``n`` most frequent terms of each group.

    Example
    -------
    >>> units = pd.DataFrame({"doc_id": ["a", "a"], "tokens": [["인공지능", "광주"], ["인공지능"]]})
    >>> count_terms(units, n=1).values.tolist()
    [['a', 1, '인공지능', 2]]
    """
    groups, terms, counts = _group_matrix(units, by)
    return _top_per_row(counts, groups, terms, by, "count", n)


def rank_tfidf_terms(units: pd.DataFrame, by: str = "doc_id", n: int = 10) -> pd.DataFrame:
    """The ``n`` terms of each group with the highest TF-IDF against the other groups.

    Each group's tokens form one document; scikit-learn's smoothed IDF and l2 norm.

    Example
    -------
    >>> units = pd.DataFrame({"doc_id": ["a", "b"], "tokens": [["일본", "광주"], ["대구", "광주"]]})
    >>> rank_tfidf_terms(units, n=1).term.tolist()
    ['일본', '대구']
    """
    groups, terms, counts = _group_matrix(units, by)
    tfidf = TfidfTransformer().fit_transform(counts)
    table = _top_per_row(tfidf, groups, terms, by, "tfidf", n)
    table["tfidf"] = table["tfidf"].round(6)
    return table
