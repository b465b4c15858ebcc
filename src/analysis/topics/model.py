"""``TopicModel``: one scikit-learn estimator over the four engines, and its input helpers.

All engines share one vocabulary step (sorted terms, ``min_df``/``max_df`` pruning as
in scikit-learn's ``CountVectorizer``) and expose the same fitted arrays:
``topic_term_`` (K x V, rows are p(term | topic)) and ``doc_topic_`` (one row per
input unit, rows are p(topic | unit)). A unit whose tokens are all pruned is *empty*:
it keeps its row, gets the uniform distribution and is flagged in ``empty_``.

The helpers below (reading units, normalising rows, top terms) are shared by the
other modules of :mod:`analysis.topics`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import CountVectorizer

from analysis.settings import DEFAULTS
from analysis.topics.engines import DEFAULT_ENGINE, ENGINES

__all__ = ["TopicModel", "as_token_lists", "check_fitted", "count_terms", "keep_known", "normalise_rows",
           "top_indices", "top_terms", "vectorise"]

# Engines that see only the document-term matrix, so they can fit on counts built a
# batch at a time (TopicModel.fit_counts); the others consume each unit's tokens in order.
COUNT_ENGINES = ("nmf", "sklearn-lda")


# --------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------


def _identity(tokens: list[str]) -> list[str]:
    # CountVectorizer analyzer: units arrive already tokenised.
    return tokens


def as_token_lists(docs_tokens: Any) -> list[list[str]]:
    """Return units as lists of str from a tokens table or an iterable of lists.

    Example
    -------
    >>> as_token_lists([["인공지능", "데이터"], None, ("AI",)])
    [['인공지능', '데이터'], [], ['AI']]
    """
    if isinstance(docs_tokens, pd.DataFrame):
        docs_tokens = docs_tokens["tokens"]
    texts = []
    for tokens in docs_tokens:
        if tokens is None or (isinstance(tokens, float) and np.isnan(tokens)):
            texts.append([])
        elif isinstance(tokens, str):
            raise TypeError("each unit must be a list of tokens, not a string")
        else:  # lists, tuples, or numpy arrays read back from parquet
            texts.append([str(token) for token in tokens])
    return texts


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    """Scale rows to sum to 1; all-zero rows become uniform.

    Example
    -------
    >>> normalise_rows(np.array([[1.0, 3.0], [0.0, 0.0]]))
    array([[0.25, 0.75],
           [0.5 , 0.5 ]])
    """
    matrix = np.asarray(matrix, dtype=float)
    sums = matrix.sum(axis=1, keepdims=True)
    uniform = np.full_like(matrix, 1.0 / matrix.shape[1])
    return np.divide(matrix, sums, out=uniform, where=sums > 0)


def vectorise(texts: list[list[str]], vocabulary: list[str]):
    """Unit-term count matrix (sparse) of ``texts`` over a fixed ``vocabulary``."""
    return CountVectorizer(analyzer=_identity, vocabulary=vocabulary).transform(texts)


def count_terms(batches) -> tuple[Any, list[str]]:
    """Units' term counts from batches of units (each a tokens table or a list of token
    lists), a batch at a time: ``(X, vocabulary)``, a CSR matrix over the sorted terms,
    exactly what ``CountVectorizer`` counts before pruning. Only the matrix and the
    vocabulary are held, never every unit's token list.

    Example
    -------
    >>> X, vocabulary = count_terms([[["데이터", "AI", "데이터"]], [["AI"]]])
    >>> vocabulary, X.toarray().tolist()
    (['AI', '데이터'], [[1, 2], [1, 0]])
    """
    index: dict[str, int] = {}
    # Each batch becomes CSR at once (a unit's repeated terms summed), so what is held is
    # the matrix itself (int32 counts and columns), not a (row, column) pair per token.
    data, indices, indptr, n = [], [], [np.zeros(1, dtype=np.int64)], 0
    for batch in batches:
        texts = as_token_lists(batch)
        lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        columns = np.fromiter((index.setdefault(token, len(index)) for tokens in texts for token in tokens),
                              dtype=np.int64, count=int(lengths.sum()))
        rows = np.repeat(np.arange(len(texts)), lengths)
        block = sp.csr_matrix((np.ones(len(columns), dtype=np.int32), (rows, columns)), shape=(len(texts), len(index)))
        block.sum_duplicates()
        data.append(block.data)
        indices.append(block.indices.astype(np.int32, copy=False))
        indptr.append(block.indptr[1:].astype(np.int64) + indptr[-1][-1])
        n += len(texts)
    vocabulary = sorted(index)
    if not n:
        return sp.csr_matrix((0, 0), dtype=np.int32), vocabulary
    # The blocks are moved into the final arrays one at a time (each freed once copied) and
    # their columns renumbered in the order of the sorted terms on the way: at most twice
    # the matrix is held, not the three copies that concatenating and renumbering made.
    rank = np.empty(len(index), dtype=np.int32)
    rank[[index[term] for term in vocabulary]] = np.arange(len(index), dtype=np.int32)
    indptr = np.concatenate(indptr)
    all_data, all_indices = np.empty(indptr[-1], dtype=np.int32), np.empty(indptr[-1], dtype=np.int32)
    start = 0
    while data:
        block_data, block_indices = data.pop(0), indices.pop(0)
        stop = start + len(block_data)
        all_data[start:stop] = block_data
        np.take(rank, block_indices, out=all_indices[start:stop])
        start = stop
    X = sp.csr_matrix((all_data, all_indices, indptr), shape=(n, len(index)), copy=False)
    X.has_sorted_indices = False
    X.sort_indices()
    return X, vocabulary


def _prune_terms(X, vocabulary: list[str], min_df: int | float, max_df: int | float):
    """``CountVectorizer``'s ``min_df``/``max_df`` pruning of a count matrix and its vocabulary."""
    from numbers import Integral

    n = X.shape[0]
    high = max_df if isinstance(max_df, Integral) else max_df * n
    low = min_df if isinstance(min_df, Integral) else min_df * n
    if high < low:
        raise ValueError("max_df corresponds to < documents than min_df")
    frequency = np.bincount(X.indices, minlength=X.shape[1])
    # A term no unit of these has (possible when X is a subset of the rows it was counted
    # on) is no term of theirs, whatever min_df says: CountVectorizer never sees it.
    kept = np.flatnonzero((frequency <= high) & (frequency >= max(low, 1)))
    if len(kept) == 0:
        raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")
    return X[:, kept].tocsr(), [vocabulary[i] for i in kept]


def keep_known(texts: list[list[str]], vocabulary: list[str]) -> list[list[str]]:
    """Drop from each unit the tokens that are not in ``vocabulary``.

    Example
    -------
    >>> keep_known([["인공지능", "없는말"], ["없는말"]], ["데이터", "인공지능"])
    [['인공지능'], []]
    """
    known = set(vocabulary)
    return [[token for token in tokens if token in known] for tokens in texts]


def check_fitted(model) -> None:
    """Raise ``NotFittedError`` unless ``model`` has been fitted (or loaded)."""
    if not hasattr(model, "topic_term_"):
        raise NotFittedError("this TopicModel is not fitted yet; call fit first")


def top_indices(weights: np.ndarray, n: int) -> np.ndarray:
    """Per row, column indices of the n largest weights, ties by column order.

    With a sorted vocabulary, column order is term order, so ties break by
    term ascending and output bytes do not depend on the sort algorithm.

    Example
    -------
    >>> top_indices(np.array([[0.2, 0.5, 0.2, 0.1]]), 3)
    array([[1, 0, 2]])
    """
    weights = np.asarray(weights)
    columns = weights.shape[1]
    if n >= columns // 8 or np.isnan(weights).any():
        return np.argsort(-weights, axis=1, kind="stable")[:, :n]
    # Few of many (the explorer asks 101 times per topic): partition, then order only
    # the candidates; the same indices, ties included, as the full stable sort.
    out = np.empty((weights.shape[0], n), dtype=np.intp)
    for r, row in enumerate(weights):
        kth = np.partition(row, columns - n)[columns - n]  # the n-th largest value
        above = np.flatnonzero(row > kth)
        chosen = np.concatenate([above, np.flatnonzero(row == kth)[: n - len(above)]])
        out[r] = chosen[np.lexsort((chosen, -row[chosen]))]
    return out


def top_terms(model, topn: int) -> list[list[str]]:
    """Each topic's ``topn`` most probable terms, topic by topic."""
    vocabulary = np.asarray(model.vocabulary_, dtype=object)
    return [vocabulary[row].tolist() for row in top_indices(model.topic_term_, topn)]


# --------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------


class TopicModel(BaseEstimator):
    """One interface over the tomotopy, gensim, sklearn-lda and nmf engines.

    A scikit-learn estimator: ``__init__`` only stores its arguments (so
    ``get_params``, ``set_params`` and ``sklearn.base.clone`` work); ``fit``
    validates them.  ``seed`` is required.  ``min_df``/``max_df`` prune the
    vocabulary as in scikit-learn's ``CountVectorizer`` (int = unit count,
    float = fraction of units); ``options`` is a dict of the engine's own
    options, whose names and defaults are ``ENGINES[engine].defaults``.

    Fitted attributes: ``vocabulary_`` (sorted list of terms), ``topic_term_``
    (K x V, rows sum to 1), ``doc_topic_`` (one row per input unit, rows sum
    to 1), ``empty_`` (bool per unit: no token survived pruning; its row is
    uniform), ``term_freq_`` (corpus count per term), ``doc_lengths_``
    (tokens kept per unit), ``engine_model_`` (the native model; ``None``
    after ``load_model`` except for tomotopy), ``options_`` (the options
    used: ``min_df``, ``max_df`` and every engine option, defaults filled in).

    Example
    -------
    >>> units = [["인공지능", "데이터"], ["인공지능", "데이터", "산업"], ["일본", "추월"], ["일본", "추월", "경제"]]
    >>> model = TopicModel("nmf", k=2, seed=1).fit(units)
    >>> model.vocabulary_  # min_df=2 pruned 산업 and 경제
    ['데이터', '인공지능', '일본', '추월']
    >>> model.doc_topic_.shape == (len(units), 2)
    True
    >>> TopicModel("tomotopy", k=3, seed=1, options={"iterations": 100}).get_params()["options"]
    {'iterations': 100}
    """

    def __init__(self, engine: str = DEFAULT_ENGINE, k: int = 10, *, seed: int, min_df: int | float = DEFAULTS.min_df,
                 max_df: int | float = DEFAULTS.max_df, options: dict[str, Any] | None = None):
        self.engine = engine
        self.k = k
        self.seed = seed
        self.min_df = min_df
        self.max_df = max_df
        self.options = options

    def __repr__(self) -> str:
        extra = "" if self.options is None else f", options={self.options!r}"
        return (f"TopicModel(engine={self.engine!r}, k={self.k}, seed={self.seed}, min_df={self.min_df!r}, "
                f"max_df={self.max_df!r}{extra})")

    def _resolve_options(self) -> dict[str, Any]:
        if self.engine not in ENGINES:
            raise ValueError(f"unknown engine {self.engine!r}; choose one of {sorted(ENGINES)}")
        if not isinstance(self.seed, (int, np.integer)) or isinstance(self.seed, bool):
            raise TypeError("seed must be an int")
        if int(self.k) < 1:
            raise ValueError("k must be at least 1")
        defaults = ENGINES[self.engine].defaults
        given = dict(self.options or {})
        unknown = sorted(set(given) - set(defaults))
        if unknown:
            raise TypeError(f"unknown option(s) {unknown} for engine {self.engine!r}; valid: {sorted(defaults)}")
        # min_df and max_df come first, as options_ has always listed them.
        return {"min_df": self.min_df, "max_df": self.max_df, **defaults, **given}

    def fit(self, docs_tokens, y=None) -> TopicModel:
        """Build the vocabulary and fit the engine; return self.

        ``docs_tokens`` is a tokens table (its ``tokens`` column is used) or a
        list of token lists.  ``y`` is ignored (scikit-learn's signature).

        Example
        -------
        >>> units = [["인공지능", "데이터"], ["인공지능", "데이터"], ["일본", "추월"], ["일본", "추월"]]
        >>> model = TopicModel("nmf", k=2, seed=0)
        >>> model.fit(units) is model
        True
        """
        options = self._resolve_options()
        texts = as_token_lists(docs_tokens)
        vectoriser = CountVectorizer(analyzer=_identity, min_df=options["min_df"], max_df=options["max_df"])
        X = vectoriser.fit_transform(texts).tocsr()  # features come out sorted
        vocabulary = vectoriser.get_feature_names_out().tolist()
        empty = np.asarray(X.sum(axis=1)).ravel() == 0
        covariates = self._read_covariates(docs_tokens, options, empty)
        return self._fit_matrix(X, vocabulary, options, texts, covariates)

    def fit_counts(self, X, vocabulary: list[str]) -> TopicModel:
        """Fit on unpruned term counts from :func:`count_terms` (built a batch at a time);
        the same model as :meth:`fit` on the units' token lists. Only for the engines that
        see nothing but the counts (``nmf``, ``sklearn-lda``); return self.

        Example
        -------
        >>> X, vocabulary = count_terms([[["인공지능", "데이터"], ["인공지능", "데이터"]], [["일본", "추월"]] * 2])
        >>> TopicModel("nmf", k=2, seed=0).fit_counts(X, vocabulary).doc_topic_.shape
        (4, 2)
        """
        options = self._resolve_options()
        if self.engine not in COUNT_ENGINES:
            raise ValueError(f"engine {self.engine!r} reads each unit's tokens in order: use fit(); "
                             f"fit_counts serves {', '.join(COUNT_ENGINES)}")
        if options.get("metadata") or options.get("numeric"):
            raise ValueError("covariates need the units table: use fit()")
        X, vocabulary = _prune_terms(X.tocsr(), list(vocabulary), options["min_df"], options["max_df"])
        return self._fit_matrix(X, vocabulary, options, None, None)

    def _fit_matrix(self, X, vocabulary: list[str], options: dict, texts, covariates) -> TopicModel:
        lengths = np.asarray(X.sum(axis=1)).ravel()
        empty = lengths == 0
        known = None if texts is None else keep_known([t for t, e in zip(texts, empty) if not e], vocabulary)
        kept = X[~empty] if empty.any() else X  # no copy of a large matrix when nothing is dropped
        topic_term, doc_topic, native = ENGINES[self.engine].fit(
            kept, known, vocabulary, int(self.k), int(self.seed), options, covariates,
        )
        self.options_ = options
        self.vocabulary_ = vocabulary
        self.topic_term_ = normalise_rows(topic_term)
        self.doc_topic_ = np.full((X.shape[0], int(self.k)), 1.0 / int(self.k))
        self.doc_topic_[~empty] = normalise_rows(doc_topic)
        self.empty_ = empty
        self.term_freq_ = np.asarray(X.sum(axis=0)).ravel().astype(np.int64)
        self.doc_lengths_ = lengths.astype(np.int64)
        self.engine_model_ = native
        return self

    @staticmethod
    def _read_covariates(docs_tokens, options: dict, empty: np.ndarray):
        """The dmr/gdmr covariate of every non-empty unit, from the units table."""
        column = options.get("metadata") or options.get("numeric")
        if not column:
            return None
        if not isinstance(docs_tokens, pd.DataFrame) or column not in docs_tokens.columns:
            raise ValueError(f"the covariate column {column!r} must be a column of the units table passed to fit "
                             "(and to transform or score)")
        return docs_tokens[column].to_numpy()[~empty]

    def _prepare_new(self, docs_tokens):
        check_fitted(self)
        if self.engine_model_ is None:
            raise NotImplementedError(
                f"the {self.engine!r} engine cannot infer after load_model (only its arrays are saved); "
                "refit the model to transform or score new units"
            )
        texts = keep_known(as_token_lists(docs_tokens), self.vocabulary_)
        X = vectorise(texts, self.vocabulary_).tocsr()
        empty = np.asarray(X.sum(axis=1)).ravel() == 0
        covariates = None
        if isinstance(docs_tokens, pd.DataFrame) and self.engine in ("dmr", "gdmr"):
            covariates = self._read_covariates(docs_tokens, self.options_, empty)
        return X, texts, empty, covariates

    def score_counts(self, X, vocabulary: list[str]) -> float:
        """:meth:`score` from the units' term counts (columns named by ``vocabulary``, as
        :func:`count_terms` gives them) instead of their token lists: the same number.
        Only for the engines that see nothing but the counts (``nmf``, ``sklearn-lda``).

        Example
        -------
        >>> X, vocabulary = count_terms([[["인공지능", "데이터"], ["인공지능", "데이터"]], [["일본", "추월"]] * 2])
        >>> model = TopicModel("nmf", k=2, seed=0).fit_counts(X, vocabulary)
        >>> model.score_counts(X, vocabulary) == model.score([["인공지능", "데이터"]] * 2 + [["일본", "추월"]] * 2)
        True
        """
        check_fitted(self)
        if self.engine not in COUNT_ENGINES or self.engine_model_ is None:
            raise NotImplementedError(f"score_counts serves fitted {', '.join(COUNT_ENGINES)} models; use score()")
        column = {term: i for i, term in enumerate(vocabulary)}
        picked = np.array([column.get(term, -1) for term in self.vocabulary_])
        known = np.flatnonzero(picked >= 0)  # a model term these counts never name stays a zero column
        select = sp.csr_matrix((np.ones(len(known), X.dtype), (picked[known], known)),
                               shape=(len(vocabulary), len(self.vocabulary_)))
        X = (X.tocsr() @ select).tocsr()
        empty = np.asarray(X.sum(axis=1)).ravel() == 0
        if not (~empty).any():
            return float("nan")
        return ENGINES[self.engine].loglik(self.engine_model_, X[~empty], None, int(self.seed), self.options_, None)

    def transform(self, docs_tokens) -> np.ndarray:
        """Topic distributions (n x K) for new units; unknown terms are ignored.

        Units with no known term get the uniform row.

        Example
        -------
        >>> units = [["인공지능", "데이터"], ["인공지능", "데이터"], ["일본", "추월"], ["일본", "추월"]]
        >>> model = TopicModel("nmf", k=2, seed=0).fit(units)
        >>> shares = model.transform([["데이터", "새말"], ["새말"]])
        >>> shares.round(2).tolist()[1]  # no known term: uniform
        [0.5, 0.5]
        >>> bool(shares[0].argmax() == model.doc_topic_[0].argmax())
        True
        """
        X, texts, empty, covariates = self._prepare_new(docs_tokens)
        result = np.full((len(texts), int(self.k)), 1.0 / int(self.k))
        if (~empty).any():
            kept = [t for t, e in zip(texts, empty) if not e]
            raw = ENGINES[self.engine].infer(self.engine_model_, X[~empty], kept, int(self.seed), self.options_,
                                             covariates)
            result[~empty] = normalise_rows(raw)
        return result

    def score(self, docs_tokens) -> float:
        """Held-out log-likelihood per token (natural log); higher is better.

        tomotopy: Gibbs-inferred log-likelihood; gensim and sklearn-lda: the
        variational bound; nmf: minus the relative reconstruction error of the units'
        TF-IDF (in [-1, 0]; NMF has no likelihood).  Values are comparable across K and
        seeds within one engine, not across engines.

        Example
        -------
        >>> units = [["인공지능", "데이터"], ["인공지능", "데이터"], ["일본", "추월"], ["일본", "추월"]]
        >>> lda = TopicModel("sklearn-lda", k=2, seed=0).fit(units)
        >>> bool(np.exp(-lda.score([["인공지능", "데이터"]])) > 1)  # perplexity
        True
        >>> -1 <= TopicModel("nmf", k=2, seed=0).fit(units).score(units) <= 0
        True
        """
        X, texts, empty, covariates = self._prepare_new(docs_tokens)
        if not (~empty).any():
            return float("nan")
        kept = [t for t, e in zip(texts, empty) if not e]
        return ENGINES[self.engine].loglik(self.engine_model_, X[~empty], kept, int(self.seed), self.options_,
                                           covariates)
