"""Topic models for tokenised units, with stm-style diagnostics.

Model of the module
-------------------
A *unit* is one row of the tokens table made upstream: a document, paragraph
or sentence with id columns (``doc_id`` and optionally ``para_id``,
``sent_id``) and a ``tokens`` column holding a list of lemmas.  Everything
here consumes that table (or a plain ``list[list[str]]``).

``TopicModel`` puts four engines behind one scikit-learn-style interface:

* ``"tomotopy"``    collapsed Gibbs LDA (``tomotopy.LDAModel``, one worker so
                    runs repeat exactly);
* ``"gensim"``      variational LDA (``gensim.models.LdaModel``);
* ``"sklearn-lda"`` batch variational LDA (scikit-learn);
* ``"nmf"``         NMF on TF-IDF (scikit-learn).

All engines share one vocabulary step (sorted terms, ``min_df``/``max_df``
pruning) and expose the same fitted arrays: ``topic_term_`` (K x V, rows are
p(term | topic)) and ``doc_topic_`` (one row per input unit, rows are
p(topic | unit)).  A unit whose tokens are all pruned is *empty*: it keeps its
row, gets the uniform distribution and is flagged in ``empty_``.

Around the fitted arrays sit engine-free tools, each a function of
``topic_term_``/``doc_topic_``: coherence (gensim ``CoherenceModel``), FREX,
lift and exclusivity as in R's stm, topic labels, representative passages
(stm's ``findThoughts``), K sweeps with held-out fit and seed stability,
bootstrapped topic prevalence by covariate, a pickle-free save format and the
``run_topics`` entry point for the command line. The interactive topic explorer
lives in :mod:`analysis.explorer`.

Topic numbering: arrays are 0-based (row ``k`` of ``topic_term_`` is topic
``k + 1``); every table, file and page a reader sees numbers topics from 1
(columns ``topic_1 .. topic_K``, ``topic`` columns holding 1..K).

Randomness comes only from the required ``seed`` arguments.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Callable, NamedTuple

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.stats import rankdata
from sklearn.decomposition import NMF, LatentDirichletAllocation
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.metrics.pairwise import cosine_similarity
from tqdm.auto import tqdm

from analysis.io import write_atomic

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "ID_COLUMNS",
    "TopicModel",
    "estimate_prevalence",
    "find_thoughts",
    "label_topics",
    "load_model",
    "run_topics",
    "save_model",
    "score_coherence",
    "score_exclusivity",
    "score_frex",
    "score_lift",
    "score_stability",
    "summarise_sweep",
    "sweep_k",
    "tabulate_doc_topics",
]

# NMF on TF-IDF gave the most coherent topics, fastest, on the 8,771 presidential
# speeches at K=20 (NPMI 0.130 in 11 s; gensim 0.055 in 66 s, tomotopy 0.063 in 133 s,
# scikit-learn LDA 0.056 in 155 s; benchmarks/results/topics.csv). The LDA engines stay
# available for a generative model with held-out likelihood.
DEFAULT_ENGINE = "nmf"
ID_COLUMNS = ("doc_id", "para_id", "sent_id")
FLOAT_DECIMALS = 6  # decimals written to CSV so output bytes are stable
SAVE_FORMAT = "analysis.topics/1"

_TOPIC_COLUMN = re.compile(r"topic_(\d+)")
_VOCAB_DEFAULTS = {"min_df": 1, "max_df": 1.0}


# --------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------


def _identity(tokens: list[str]) -> list[str]:
    # CountVectorizer analyzer: units arrive already tokenised.
    return tokens


def _as_token_lists(docs_tokens: Any) -> list[list[str]]:
    """Return units as lists of str from a tokens table or an iterable of lists."""
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


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    """Scale rows to sum to 1; all-zero rows become uniform."""
    matrix = np.asarray(matrix, dtype=float)
    sums = matrix.sum(axis=1, keepdims=True)
    uniform = np.full_like(matrix, 1.0 / matrix.shape[1])
    return np.divide(matrix, sums, out=uniform, where=sums > 0)


def _vectorise(texts: list[list[str]], vocabulary: list[str]):
    return CountVectorizer(analyzer=_identity, vocabulary=vocabulary).transform(texts)


def _keep_known(texts: list[list[str]], vocabulary: list[str]) -> list[list[str]]:
    known = set(vocabulary)
    return [[token for token in tokens if token in known] for tokens in texts]


# --------------------------------------------------------------------------
# Engines: fit(X, texts, vocabulary, k, seed, options) -> (topic_term,
# doc_topic, native); infer(native, X, texts, seed, options) -> doc_topic;
# loglik(native, X, texts, seed, options) -> log-likelihood per token.
# X and texts hold only non-empty units, texts already restricted to the
# vocabulary.
# --------------------------------------------------------------------------


class _Engine(NamedTuple):
    defaults: dict[str, Any]
    fit: Callable
    infer: Callable
    loglik: Callable


def _gensim_corpus(X) -> list:
    from gensim.matutils import Sparse2Corpus  # heavy import, only when used

    return list(Sparse2Corpus(X, documents_columns=False))


def _fit_gensim(X, texts, vocabulary, k, seed, options):
    from gensim.models import LdaModel

    lda = LdaModel(
        corpus=_gensim_corpus(X),
        id2word=dict(enumerate(vocabulary)),
        num_topics=k,
        random_state=seed,
        passes=options["passes"],
        iterations=options["iterations"],
        alpha=options["alpha"],
        eta=options["eta"],
        chunksize=options["chunksize"],
        eval_every=None,  # perplexity logging during training only costs time
        dtype=np.float64,
    )
    return lda.get_topics(), _infer_gensim(lda, X, texts, seed, options), lda


def _infer_gensim(lda, X, texts, seed, options):
    # Inference starts from random gammas; reseeding makes the result
    # independent of how many times the model was queried before.
    lda.random_state = np.random.RandomState(seed)
    gamma, _ = lda.inference(_gensim_corpus(X))
    return gamma


def _loglik_gensim(lda, X, texts, seed, options):
    lda.random_state = np.random.RandomState(seed)
    return float(lda.log_perplexity(_gensim_corpus(X)))  # per-token bound


def _fit_tomotopy(X, texts, vocabulary, k, seed, options):
    import tomotopy as tp

    lda = tp.LDAModel(k=k, seed=seed, alpha=options["alpha"], eta=options["eta"])
    for tokens in texts:
        lda.add_doc(tokens)
    lda.train(options["iterations"], workers=1)  # one worker: exact repeats
    topic_term = np.zeros((k, len(vocabulary)))
    index = {term: i for i, term in enumerate(vocabulary)}
    columns = [index[term] for term in lda.used_vocabs]  # tomotopy's own order
    topic_term[:, columns] = [lda.get_topic_word_dist(t) for t in range(k)]
    doc_topic = np.array([doc.get_topic_dist() for doc in lda.docs])
    return topic_term, doc_topic, lda


def _infer_tomotopy_raw(lda, texts, options):
    docs = [lda.make_doc(tokens) for tokens in texts]
    return lda.infer(docs, iterations=options["infer_iterations"], workers=1)


def _infer_tomotopy(lda, X, texts, seed, options):
    return np.array(_infer_tomotopy_raw(lda, texts, options)[0])


def _loglik_tomotopy(lda, X, texts, seed, options):
    _, log_ll = _infer_tomotopy_raw(lda, texts, options)
    return float(np.sum(log_ll) / X.sum())


def _fit_sklearn_lda(X, texts, vocabulary, k, seed, options):
    lda = LatentDirichletAllocation(
        n_components=k,
        learning_method="batch",
        random_state=seed,
        max_iter=options["max_iter"],
        doc_topic_prior=options["doc_topic_prior"],
        topic_word_prior=options["topic_word_prior"],
    )
    doc_topic = lda.fit_transform(X)
    return lda.components_, doc_topic, lda


def _infer_sklearn_lda(lda, X, texts, seed, options):
    return lda.transform(X)


def _loglik_sklearn_lda(lda, X, texts, seed, options):
    return float(-np.log(lda.perplexity(X)))


def _fit_nmf(X, texts, vocabulary, k, seed, options):
    tfidf = TfidfTransformer().fit(X)
    nmf = NMF(
        n_components=k,
        init=options["init"],
        random_state=seed,
        max_iter=options["max_iter"],
        alpha_W=options["alpha_W"],
        l1_ratio=options["l1_ratio"],
    )
    weights = nmf.fit_transform(tfidf.transform(X))
    native = (tfidf, nmf)
    return nmf.components_, _scale_nmf_weights(weights, nmf), native


def _scale_nmf_weights(weights, nmf):
    # A unit's share of topic k is its reconstructed mass from that topic,
    # W[:, k] * sum(H[k]); raw W rows ignore the scale of H.
    return weights * nmf.components_.sum(axis=1)


def _infer_nmf(native, X, texts, seed, options):
    tfidf, nmf = native
    return _scale_nmf_weights(nmf.transform(tfidf.transform(X)), nmf)


def _loglik_nmf(native, X, texts, seed, options):
    return float("nan")  # NMF has no likelihood


ENGINES: dict[str, _Engine] = {
    "gensim": _Engine(
        {"passes": 10, "iterations": 100, "alpha": "symmetric", "eta": None, "chunksize": 2000},
        _fit_gensim,
        _infer_gensim,
        _loglik_gensim,
    ),
    "tomotopy": _Engine(
        {"iterations": 500, "infer_iterations": 100, "alpha": 0.1, "eta": 0.01},
        _fit_tomotopy,
        _infer_tomotopy,
        _loglik_tomotopy,
    ),
    "sklearn-lda": _Engine(
        {"max_iter": 50, "doc_topic_prior": None, "topic_word_prior": None},
        _fit_sklearn_lda,
        _infer_sklearn_lda,
        _loglik_sklearn_lda,
    ),
    "nmf": _Engine(
        {"max_iter": 500, "init": "nndsvda", "alpha_W": 0.0, "l1_ratio": 0.0},
        _fit_nmf,
        _infer_nmf,
        _loglik_nmf,
    ),
}


# --------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------


class TopicModel:
    """One interface over the tomotopy, gensim, sklearn-lda and nmf engines.

    ``__init__`` only stores arguments; ``fit`` validates them.  Options are
    ``min_df``/``max_df`` (vocabulary pruning, as in scikit-learn's
    ``CountVectorizer``: int = unit count, float = fraction of units) plus the
    engine's own, listed in ``ENGINES[engine].defaults``.

    Fitted attributes: ``vocabulary_`` (sorted list of terms), ``topic_term_``
    (K x V, rows sum to 1), ``doc_topic_`` (one row per input unit, rows sum
    to 1), ``empty_`` (bool per unit: no token survived pruning; its row is
    uniform), ``term_freq_`` (corpus count per term), ``doc_lengths_``
    (tokens kept per unit), ``engine_model_`` (the native model; ``None``
    after ``load_model`` except for tomotopy), ``options_`` (options used).

    Example
    -------
    >>> model = TopicModel("tomotopy", k=3, seed=1, min_df=2).fit(units)
    >>> model.doc_topic_.shape == (len(units), 3)
    True
    """

    def __init__(self, engine: str = DEFAULT_ENGINE, k: int = 10, *, seed: int, **engine_options):
        self.engine = engine
        self.k = k
        self.seed = seed
        self.engine_options = engine_options

    def __repr__(self) -> str:
        options = "".join(f", {key}={value!r}" for key, value in sorted(self.engine_options.items()))
        return f"TopicModel(engine={self.engine!r}, k={self.k}, seed={self.seed}{options})"

    def _resolve_options(self) -> dict[str, Any]:
        if self.engine not in ENGINES:
            raise ValueError(f"unknown engine {self.engine!r}; choose one of {sorted(ENGINES)}")
        if not isinstance(self.seed, (int, np.integer)) or isinstance(self.seed, bool):
            raise TypeError("seed must be an int")
        if int(self.k) < 1:
            raise ValueError("k must be at least 1")
        options = {**_VOCAB_DEFAULTS, **ENGINES[self.engine].defaults}
        unknown = sorted(set(self.engine_options) - set(options))
        if unknown:
            raise TypeError(f"unknown option(s) {unknown} for engine {self.engine!r}; valid: {sorted(options)}")
        options.update(self.engine_options)
        return options

    def fit(self, docs_tokens) -> TopicModel:
        """Build the vocabulary and fit the engine; return self.

        ``docs_tokens`` is a tokens table (its ``tokens`` column is used) or a
        list of token lists.

        Example
        -------
        >>> TopicModel("nmf", k=5, seed=0).fit([["인공지능", "데이터"], ["일본", "추월"]])
        """
        options = self._resolve_options()
        texts = _as_token_lists(docs_tokens)
        vectoriser = CountVectorizer(analyzer=_identity, min_df=options["min_df"], max_df=options["max_df"])
        X = vectoriser.fit_transform(texts).tocsr()  # features come out sorted
        vocabulary = vectoriser.get_feature_names_out().tolist()
        lengths = np.asarray(X.sum(axis=1)).ravel()
        empty = lengths == 0
        topic_term, doc_topic, native = ENGINES[self.engine].fit(
            X[~empty], _keep_known([t for t, e in zip(texts, empty) if not e], vocabulary),
            vocabulary, int(self.k), int(self.seed), options,
        )
        self.options_ = options
        self.vocabulary_ = vocabulary
        self.topic_term_ = _normalise_rows(topic_term)
        self.doc_topic_ = np.full((len(texts), int(self.k)), 1.0 / int(self.k))
        self.doc_topic_[~empty] = _normalise_rows(doc_topic)
        self.empty_ = empty
        self.term_freq_ = np.asarray(X.sum(axis=0)).ravel().astype(np.int64)
        self.doc_lengths_ = lengths.astype(np.int64)
        self.engine_model_ = native
        return self

    def _prepare_new(self, docs_tokens):
        _check_fitted(self)
        if self.engine_model_ is None:
            raise NotImplementedError(
                f"the {self.engine!r} engine cannot infer after load_model (only its arrays are saved); "
                "refit the model to transform or score new units"
            )
        texts = _keep_known(_as_token_lists(docs_tokens), self.vocabulary_)
        X = _vectorise(texts, self.vocabulary_).tocsr()
        empty = np.asarray(X.sum(axis=1)).ravel() == 0
        return X, texts, empty

    def transform(self, docs_tokens) -> np.ndarray:
        """Topic distributions (n x K) for new units; unknown terms are ignored.

        Units with no known term get the uniform row.

        Example
        -------
        >>> model.transform([["인공지능", "데이터", "산업"]]).round(2)
        array([[0.95, 0.03, 0.02]])
        """
        X, texts, empty = self._prepare_new(docs_tokens)
        result = np.full((len(texts), int(self.k)), 1.0 / int(self.k))
        if (~empty).any():
            kept = [t for t, e in zip(texts, empty) if not e]
            raw = ENGINES[self.engine].infer(self.engine_model_, X[~empty], kept, int(self.seed), self.options_)
            result[~empty] = _normalise_rows(raw)
        return result

    def score(self, docs_tokens) -> float:
        """Held-out log-likelihood per token (natural log); higher is better.

        tomotopy: Gibbs-inferred log-likelihood; gensim and sklearn-lda: the
        variational bound; nmf: ``nan``.  Values are comparable across K and
        seeds within one engine, not across engines.

        Example
        -------
        >>> float(np.exp(-model.score(heldout_units)))  # perplexity
        41.7
        """
        X, texts, empty = self._prepare_new(docs_tokens)
        if not (~empty).any():
            return float("nan")
        kept = [t for t, e in zip(texts, empty) if not e]
        return ENGINES[self.engine].loglik(self.engine_model_, X[~empty], kept, int(self.seed), self.options_)


def _check_fitted(model) -> None:
    if not hasattr(model, "topic_term_"):
        raise NotFittedError("this TopicModel is not fitted yet; call fit first")


def _top_indices(weights: np.ndarray, n: int) -> np.ndarray:
    """Per row, column indices of the n largest weights, ties by column order.

    With a sorted vocabulary, column order is term order, so ties break by
    term ascending and output bytes do not depend on the sort algorithm.
    """
    return np.argsort(-weights, axis=1, kind="stable")[:, :n]


def _top_terms(model, topn: int) -> list[list[str]]:
    vocabulary = np.asarray(model.vocabulary_, dtype=object)
    return [vocabulary[row].tolist() for row in _top_indices(model.topic_term_, topn)]


# --------------------------------------------------------------------------
# Topic quality
# --------------------------------------------------------------------------


def score_coherence(
    topic_terms: list[list[str]],
    texts: list[list[str]] | pd.DataFrame,
    measures: Sequence[str] = ("c_npmi", "c_v"),
    topn: int = 10,
) -> pd.DataFrame:
    """Coherence of each topic's top terms against reference texts.

    Uses gensim's ``CoherenceModel`` single-process (its worker pool hangs in
    notebooks and CI).  Returns one row per topic: ``topic`` (1-based) and a
    column per measure; ``.mean()`` gives the model-level score.  Every term
    must occur in ``texts``.

    Example
    -------
    >>> top = label_topics(model, n=10).groupby("topic")["term"].apply(list).tolist()
    >>> score_coherence(top, units["tokens"].tolist())
       topic  c_npmi   c_v
    0      1   0.21  0.63
    """
    from gensim.corpora import Dictionary
    from gensim.models import CoherenceModel

    texts = _as_token_lists(texts)
    topn = min(topn, min(len(terms) for terms in topic_terms))
    topics = [list(terms)[:topn] for terms in topic_terms]
    dictionary = Dictionary(texts)
    table = pd.DataFrame({"topic": np.arange(1, len(topics) + 1)})
    for measure in measures:
        scorer = CoherenceModel(
            topics=topics, texts=texts, dictionary=dictionary, coherence=measure, topn=topn, processes=1
        )
        table[measure] = scorer.get_coherence_per_topic()
    return table


def score_frex(topic_term: np.ndarray, w: float = 0.5) -> np.ndarray:
    """FREX score (K x V) as in stm: weighted harmonic mean of two ECDF ranks.

    Within each topic, a term's frequency score is the rank of p(w|k) among
    the V terms divided by V; its exclusivity score the same for
    p(w|k) / sum_j p(w|j).  ``w`` weights frequency (stm's ``frexweight``).

    Example
    -------
    >>> score_frex(np.array([[0.6, 0.3, 0.1], [0.2, 0.7, 0.1]])).round(3)
    array([[1.   , 0.444, 0.444],
           [0.444, 1.   , 0.444]])
    """
    beta = np.asarray(topic_term, dtype=float)
    totals = beta.sum(axis=0, keepdims=True)
    # A term no topic uses has no exclusivity; 0 ranks it last, not NaN.
    exclusivity = np.divide(beta, totals, out=np.zeros_like(beta), where=totals > 0)
    n_terms = beta.shape[1]
    freq_score = rankdata(beta, axis=1) / n_terms
    excl_score = rankdata(exclusivity, axis=1) / n_terms
    return 1.0 / (w / freq_score + (1.0 - w) / excl_score)


def score_lift(topic_term: np.ndarray, term_freq: np.ndarray) -> np.ndarray:
    """Lift (K x V): p(w|k) divided by the term's corpus share p(w).

    Terms with zero corpus frequency get lift 0.

    Example
    -------
    >>> score_lift(np.array([[0.5, 0.5]]), np.array([3, 1]))
    array([[0.66666667, 2.        ]])
    """
    share = np.asarray(term_freq, dtype=float)
    share = share / share.sum()
    beta = np.asarray(topic_term, dtype=float)
    return np.divide(beta, share, out=np.zeros_like(beta), where=share > 0)


def score_exclusivity(topic_term: np.ndarray, topn: int = 10, w: float = 0.7) -> np.ndarray:
    """Per-topic exclusivity as in stm's ``exclusivity()``.

    The sum of FREX (frequency weight ``w``) over the topic's ``topn`` most
    probable terms; higher means topics use words the others do not.

    Example
    -------
    >>> score_exclusivity(model.topic_term_).mean()
    8.9
    """
    frex = score_frex(topic_term, w=w)
    top = _top_indices(np.asarray(topic_term, dtype=float), topn)
    return np.take_along_axis(frex, top, axis=1).sum(axis=1)


def score_stability(model_a, model_b, topn: int = 10, method: str = "jaccard") -> tuple[float, pd.DataFrame]:
    """Agreement of two fitted models after optimally matching their topics.

    Similarity between topics is the Jaccard index of their ``topn`` top
    terms (``method="jaccard"``) or the cosine of their term distributions
    over the shared vocabulary (``method="cosine"``).  Topics are paired by
    the Hungarian algorithm; the score is the mean similarity of the pairs,
    1.0 when the models agree up to topic order.

    Returns ``(score, matching)`` where ``matching`` has columns ``topic_a``,
    ``topic_b`` (1-based) and ``similarity``.

    Example
    -------
    >>> score, matching = score_stability(model_seed1, model_seed2)
    >>> round(score, 2)
    0.87
    """
    _check_fitted(model_a)
    _check_fitted(model_b)
    if method == "jaccard":
        sets_a = [set(terms) for terms in _top_terms(model_a, topn)]
        sets_b = [set(terms) for terms in _top_terms(model_b, topn)]
        similarity = np.array([[len(a & b) / len(a | b) for b in sets_b] for a in sets_a])
    elif method == "cosine":
        shared = sorted(set(model_a.vocabulary_) & set(model_b.vocabulary_))
        rows_a = model_a.topic_term_[:, [model_a.vocabulary_.index(t) for t in shared]]
        rows_b = model_b.topic_term_[:, [model_b.vocabulary_.index(t) for t in shared]]
        similarity = cosine_similarity(rows_a, rows_b)
    else:
        raise ValueError("method must be 'jaccard' or 'cosine'")
    rows, cols = linear_sum_assignment(similarity, maximize=True)
    matching = pd.DataFrame({"topic_a": rows + 1, "topic_b": cols + 1, "similarity": similarity[rows, cols]})
    return float(similarity[rows, cols].mean()), matching


# --------------------------------------------------------------------------
# Reading topics
# --------------------------------------------------------------------------


def label_topics(model, n: int = 10, method: str = "prob") -> pd.DataFrame:
    """Top ``n`` terms per topic in long format: ``topic, rank, term, weight``.

    ``method`` ranks by probability (``"prob"``), FREX (``"frex"``) or lift
    (``"lift"``); ``weight`` is that score.  Topics and ranks start at 1;
    ties break by term ascending so the table is byte-stable.

    Example
    -------
    >>> label_topics(model, n=3).head(3)
       topic  rank    term  weight
    0      1     1  인공지능   0.12
    1      1     2    데이터   0.09
    2      1     3      AI   0.07
    """
    _check_fitted(model)
    if method == "prob":
        weights = model.topic_term_
    elif method == "frex":
        weights = score_frex(model.topic_term_)
    elif method == "lift":
        weights = score_lift(model.topic_term_, model.term_freq_)
    else:
        raise ValueError("method must be 'prob', 'frex' or 'lift'")
    top = _top_indices(weights, n)
    k, n_top = top.shape
    vocabulary = np.asarray(model.vocabulary_, dtype=object)
    return pd.DataFrame(
        {
            "topic": np.repeat(np.arange(1, k + 1), n_top),
            "rank": np.tile(np.arange(1, n_top + 1), k),
            "term": vocabulary[top].ravel(),
            "weight": np.take_along_axis(weights, top, axis=1).ravel(),
        }
    )


def _id_frame(units: pd.DataFrame | None, n_units: int) -> pd.DataFrame:
    """The units' id columns, or a ``unit`` position column when there are none."""
    if units is not None and len(units) != n_units:
        raise ValueError(f"units has {len(units)} rows but the model was fitted on {n_units}")
    columns = [c for c in ID_COLUMNS if units is not None and c in units.columns]
    if not columns:
        return pd.DataFrame({"unit": np.arange(n_units)})
    return units[columns].reset_index(drop=True)


def tabulate_doc_topics(model, units: pd.DataFrame | None = None, covariates: Sequence[str] = (),
                        new: bool = False) -> pd.DataFrame:
    """One row per unit: id columns, covariates, ``empty``, ``topic_1..topic_K``.

    With ``new=False`` (default) ``units`` must be the table the model was fitted on
    (same rows, same order). With ``new=True`` the units are other ones (e.g. sentences
    of a paragraph model) and their shares come from ``model.transform``; units without
    a known term are flagged ``empty``. The result feeds ``estimate_prevalence``.

    Example
    -------
    >>> table = tabulate_doc_topics(model, units, covariates=["speaker", "year"])
    >>> list(table.columns)[:4]
    ['doc_id', 'sent_id', 'speaker', 'year']
    """
    _check_fitted(model)
    if new:
        empty = model._prepare_new(units)[2]
        doc_topic = model.transform(units)
    else:
        empty, doc_topic = model.empty_, model.doc_topic_
    table = _id_frame(units, doc_topic.shape[0])
    for column in covariates:
        table[column] = units[column].to_numpy()
    table["empty"] = empty
    shares = pd.DataFrame(doc_topic, columns=[f"topic_{k + 1}" for k in range(doc_topic.shape[1])])
    return pd.concat([table, shares], axis=1)


def find_thoughts(model, units: pd.DataFrame, text_col: str = "text", n: int = 3) -> pd.DataFrame:
    """The ``n`` units loading highest on each topic (stm's ``findThoughts``).

    ``units`` must be the table the model was fitted on.  Empty units are
    never chosen; ties break by row order.  Columns: ``topic`` (1-based),
    ``rank``, the id columns, ``share`` (the unit's topic proportion) and
    ``text``.

    Example
    -------
    >>> find_thoughts(model, units, n=1)[["topic", "share", "text"]]
       topic  share                          text
    0      1   0.97  인공지능 시대를 여는 데이터 산업 ...
    """
    _check_fitted(model)
    if text_col not in units.columns:
        raise KeyError(f"units has no {text_col!r} column")
    ids = _id_frame(units, model.doc_topic_.shape[0])
    shares = np.where(model.empty_[:, None], -np.inf, model.doc_topic_)
    top = _top_indices(shares.T, n)
    frames = []
    for k, rows in enumerate(top):
        rows = rows[np.isfinite(shares[rows, k])]
        frame = pd.DataFrame({"topic": k + 1, "rank": np.arange(1, len(rows) + 1)})
        frame = pd.concat([frame, ids.iloc[rows].reset_index(drop=True)], axis=1)
        frame["share"] = shares[rows, k]
        frame["text"] = units[text_col].to_numpy()[rows]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------
# Choosing K
# --------------------------------------------------------------------------


def sweep_k(
    tokens,
    ks: Iterable[int],
    seeds: Sequence[int],
    *,
    engine: str = DEFAULT_ENGINE,
    holdout: float = 0.1,
    holdout_seed: int | None = None,
    subsample: float = 0.8,
    topn: int = 10,
    progress: bool = True,
    **engine_options,
) -> pd.DataFrame:
    """Fit every (k, seed) and score it; one row per run.

    A fraction ``holdout`` of units (drawn once with ``holdout_seed``,
    default ``seeds[0]``) is held out; models fit on the rest.  Each run
    fits on its own random ``subsample`` of the training units (drawn with
    its seed), so stability measures how far topics survive a change of
    data as well as of seed (Greene et al. 2014); without it a method with a
    deterministic start, such as NMF, would look perfectly stable.  Columns:
    ``k, seed, npmi, c_v`` (mean coherence of top ``topn`` terms on the
    training units), ``exclusivity`` (mean of ``score_exclusivity``),
    ``heldout_ll`` (``TopicModel.score`` on held-out units), ``perplexity``
    (``exp(-heldout_ll)``; ``nan`` for nmf), ``stability`` (mean
    ``score_stability`` against the other seeds at the same k; ``nan`` with
    one seed), ``n_train`` (training units), ``n_fit`` (the subsample each run fits),
    ``n_heldout``.  ``summarise_sweep`` gives one
    row per k.

    Example
    -------
    >>> runs = sweep_k(units, ks=[5, 10, 15], seeds=[1, 2, 3], min_df=3)
    >>> summarise_sweep(runs)[["k", "npmi", "stability"]]
    """
    texts = _as_token_lists(tokens)
    seeds = list(seeds)
    ks = list(ks)
    rng = np.random.default_rng(seeds[0] if holdout_seed is None else holdout_seed)
    is_heldout = np.zeros(len(texts), dtype=bool)
    is_heldout[rng.permutation(len(texts))[: int(round(holdout * len(texts)))]] = True
    train = [t for t, h in zip(texts, is_heldout) if not h]
    heldout = [t for t, h in zip(texts, is_heldout) if h]

    rows = []
    with tqdm(total=len(ks) * len(seeds), desc="sweep_k", disable=not progress) as bar:
        for k in ks:
            models = []
            for seed in seeds:
                bar.set_postfix(k=k, seed=seed)
                picked = np.random.default_rng(seed).permutation(len(train))[: max(1, int(round(subsample * len(train))))]
                model = TopicModel(engine, k, seed=seed, **engine_options).fit([train[i] for i in sorted(picked)])
                coherence = score_coherence(_top_terms(model, topn), train, topn=topn)
                heldout_ll = model.score(heldout) if heldout else float("nan")
                rows.append(
                    {
                        "k": k,
                        "seed": seed,
                        "npmi": coherence["c_npmi"].mean(),
                        "c_v": coherence["c_v"].mean(),
                        "exclusivity": score_exclusivity(model.topic_term_, topn=topn).mean(),
                        "heldout_ll": heldout_ll,
                        "perplexity": float(np.exp(-heldout_ll)),
                        "n_train": len(train),
                        "n_fit": len(picked),
                        "n_heldout": len(heldout),
                    }
                )
                models.append(model)
                bar.update()
            pairwise = np.full((len(models), len(models)), np.nan)
            for i in range(len(models)):
                for j in range(i + 1, len(models)):
                    pairwise[i, j] = pairwise[j, i] = score_stability(models[i], models[j], topn=topn)[0]
            for i in range(len(models)):
                others = np.delete(pairwise[i], i)
                rows[-len(models) + i]["stability"] = float(others.mean()) if others.size else float("nan")
    return pd.DataFrame(rows)[
        ["k", "seed", "npmi", "c_v", "exclusivity", "heldout_ll", "perplexity", "stability", "n_train", "n_fit",
         "n_heldout"]
    ]


def summarise_sweep(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per k from ``sweep_k`` runs: metric means over seeds.

    Because stability is symmetric, the mean of the per-run ``stability``
    column is the mean pairwise stability across seeds at that k.

    Example
    -------
    >>> summarise_sweep(runs).columns.tolist()
    ['k', 'n_seeds', 'npmi', 'c_v', 'exclusivity', 'heldout_ll', 'perplexity', 'stability']
    """
    metrics = ["npmi", "c_v", "exclusivity", "heldout_ll", "perplexity", "stability"]
    summary = runs.groupby("k", sort=True)[metrics].mean().reset_index()
    summary.insert(1, "n_seeds", runs.groupby("k", sort=True)["seed"].nunique().to_numpy())
    return summary


# --------------------------------------------------------------------------
# Covariates
# --------------------------------------------------------------------------


def _bootstrap_means(values: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """n_boot x K means of units resampled with replacement, in memory-bounded chunks."""
    n_units, n_topics = values.shape
    chunk = max(1, 4_000_000 // (n_units * n_topics))
    means = []
    for start in range(0, n_boot, chunk):
        draws = rng.integers(0, n_units, size=(min(chunk, n_boot - start), n_units))
        means.append(values[draws].mean(axis=1))
    return np.concatenate(means)


def estimate_prevalence(
    doc_topics: pd.DataFrame,
    by: str | list[str],
    *,
    n_boot: int = 1000,
    seed: int,
    ci: float = 0.95,
    topics: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Mean topic share per group with percentile bootstrap intervals.

    ``doc_topics`` holds ``topic_1..topic_K`` columns and the grouping
    column(s), e.g. ``tabulate_doc_topics(model, units, covariates=[...])``;
    rows flagged ``empty`` are left out.  Units are resampled with
    replacement within each group.  One row per (group, topic): the group
    columns, ``topic`` (1-based), ``mean``, ``ci_low``, ``ci_high``, ``n``.
    Group by speaker, city, year, voice, or a date column for topics over
    time; missing group values form their own group.

    Example
    -------
    >>> estimate_prevalence(table, "year", n_boot=500, seed=1).head(2)
       year  topic  mean  ci_low  ci_high    n
    0  2017      1  0.31    0.27     0.35  212
    1  2017      2  0.12    0.10     0.15  212
    """
    by = [by] if isinstance(by, str) else list(by)
    numbers = sorted(int(m.group(1)) for c in doc_topics.columns if (m := _TOPIC_COLUMN.fullmatch(str(c))))
    if topics is not None:
        numbers = [t for t in numbers if t in set(topics)]
    if not numbers:
        raise ValueError("doc_topics has no topic_<number> columns")
    data = doc_topics
    if "empty" in data.columns:
        data = data[~data["empty"].astype(bool)]
    rng = np.random.default_rng(seed)
    alpha = (1.0 - ci) / 2
    frames = []
    for key, group in data.groupby(by, sort=True, dropna=False):
        values = group[[f"topic_{t}" for t in numbers]].to_numpy(dtype=float)
        low, high = np.quantile(_bootstrap_means(values, n_boot, rng), [alpha, 1.0 - alpha], axis=0)
        frame = pd.DataFrame({column: [value] * len(numbers) for column, value in zip(by, key)})
        frame["topic"] = numbers
        frame["mean"] = values.mean(axis=0)
        frame["ci_low"] = low
        frame["ci_high"] = high
        frame["n"] = len(values)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------
# Saving
# --------------------------------------------------------------------------


def _collect_versions() -> dict[str, str]:
    from . import __version__

    versions = {"analysis": __version__}
    for name in ("gensim", "tomotopy", "scikit-learn", "numpy", "scipy", "pandas"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _write_json_atomic(path: Path, payload: dict) -> None:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, indent=2) + "\n"
    write_atomic(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def _write_csv_atomic(path: Path, table: pd.DataFrame) -> None:
    write_atomic(path, lambda tmp: table.to_csv(tmp, index=False, float_format=f"%.{FLOAT_DECIMALS}f",
                                                lineterminator="\n"))


def _savez(path: str, arrays: dict) -> None:
    # A file object, because np.savez appends ".npz" to a path that lacks it.
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)


def save_model(model: TopicModel, path: str | os.PathLike) -> Path:
    """Save a fitted model to folder ``path`` without pickle.

    Writes ``arrays.npz`` (fitted arrays), ``model.json`` (engine, k, seed,
    options, vocabulary, package versions) and, for tomotopy, ``tomotopy.bin``
    (tomotopy's own binary format) so that ``transform`` works after loading.
    Other engines load without their native model and cannot transform.

    Example
    -------
    >>> save_model(model, "results/topics/model")
    PosixPath('results/topics/model')
    """
    _check_fitted(model)
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {"topic_term": model.topic_term_, "doc_topic": model.doc_topic_, "empty": model.empty_,
              "term_freq": model.term_freq_, "doc_lengths": model.doc_lengths_}
    write_atomic(folder / "arrays.npz", lambda tmp: _savez(tmp, arrays))
    if model.engine == "tomotopy" and model.engine_model_ is not None:
        # Topics only (full=False) are enough to infer new units.
        write_atomic(folder / "tomotopy.bin", lambda tmp: model.engine_model_.save(tmp, full=False))
    settings = {
        "format": SAVE_FORMAT,
        "engine": model.engine,
        "k": int(model.k),
        "seed": int(model.seed),
        "engine_options": model.engine_options,
        "options": model.options_,
        "vocabulary": model.vocabulary_,
        "versions": _collect_versions(),
    }
    _write_json_atomic(folder / "model.json", settings)
    return folder


def load_model(path: str | os.PathLike) -> TopicModel:
    """Load a model written by ``save_model``.

    Arrays, vocabulary and labels come back identical.  ``transform`` and
    ``score`` work for tomotopy; other engines raise ``NotImplementedError``.

    Example
    -------
    >>> model = load_model("results/topics/model")
    >>> label_topics(model).equals(label_topics(original))
    True
    """
    folder = Path(path)
    settings = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    if settings.get("format") != SAVE_FORMAT:
        raise ValueError(f"{folder} is not a saved topic model ({SAVE_FORMAT})")
    model = TopicModel(settings["engine"], settings["k"], seed=settings["seed"], **settings["engine_options"])
    with np.load(folder / "arrays.npz", allow_pickle=False) as arrays:
        model.topic_term_ = arrays["topic_term"]
        model.doc_topic_ = arrays["doc_topic"]
        model.empty_ = arrays["empty"]
        model.term_freq_ = arrays["term_freq"]
        model.doc_lengths_ = arrays["doc_lengths"]
    model.vocabulary_ = settings["vocabulary"]
    model.options_ = settings["options"]
    model.engine_model_ = None
    native = folder / "tomotopy.bin"
    if model.engine == "tomotopy" and native.exists():
        import tomotopy as tp

        model.engine_model_ = tp.LDAModel.load(str(native))
    return model


# --------------------------------------------------------------------------
# Command-line entry point
# --------------------------------------------------------------------------


def run_topics(
    units: pd.DataFrame,
    *,
    k: int,
    seed: int,
    out_dir: str | os.PathLike,
    engine: str = DEFAULT_ENGINE,
    text_col: str = "text",
    n_terms: int = 20,
    **engine_options,
) -> dict:
    """Fit a model on a tokens table and write its tables to ``out_dir``.

    Files (written atomically; same seed gives identical bytes):

    * ``topic_terms.csv``  topic, rank, term, weight (top ``n_terms`` by probability);
    * ``doc_topics.csv``   one row per unit: id columns, ``empty``, ``topic_1..topic_K``;
    * ``topic_thoughts.csv`` top 3 units per topic, only if ``text_col`` exists;
    * ``model_info.json``  engine, k, seed, options, mean coherence (npmi,
      c_v of the top 10 terms), unit and vocabulary counts, versions.

    Returns ``{"model": TopicModel, "info": dict, "files": {name: Path}}``.

    Example
    -------
    >>> result = run_topics(units, k=12, seed=2024, out_dir="results/topics", min_df=3)
    >>> sorted(result["files"])
    ['doc_topics', 'model_info', 'topic_terms', 'topic_thoughts']
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model = TopicModel(engine, k, seed=seed, **engine_options).fit(units)
    texts = _as_token_lists(units)
    files = {"topic_terms": out / "topic_terms.csv", "doc_topics": out / "doc_topics.csv"}

    terms = label_topics(model, n=n_terms)
    terms["weight"] = terms["weight"].round(FLOAT_DECIMALS)
    _write_csv_atomic(files["topic_terms"], terms)

    doc_topics = tabulate_doc_topics(model, units)
    topic_columns = [c for c in doc_topics.columns if _TOPIC_COLUMN.fullmatch(c)]
    doc_topics[topic_columns] = doc_topics[topic_columns].round(FLOAT_DECIMALS)
    _write_csv_atomic(files["doc_topics"], doc_topics)

    if text_col in units.columns:
        files["topic_thoughts"] = out / "topic_thoughts.csv"
        thoughts = find_thoughts(model, units, text_col=text_col, n=3)
        thoughts["share"] = thoughts["share"].round(FLOAT_DECIMALS)
        _write_csv_atomic(files["topic_thoughts"], thoughts)

    coherence = score_coherence(_top_terms(model, 10), texts, topn=10)
    info = {
        "engine": engine,
        "k": int(k),
        "seed": int(seed),
        "options": model.options_,
        "coherence": {
            "npmi": round(float(coherence["c_npmi"].mean()), FLOAT_DECIMALS),
            "c_v": round(float(coherence["c_v"].mean()), FLOAT_DECIMALS),
        },
        "n_units": len(units),
        "n_empty_units": int(model.empty_.sum()),
        "n_tokens": int(model.doc_lengths_.sum()),
        "vocabulary_size": len(model.vocabulary_),
        "topic_numbering": "1-based",
        "versions": _collect_versions(),
    }
    files["model_info"] = out / "model_info.json"
    _write_json_atomic(files["model_info"], info)
    return {"model": model, "info": info, "files": files}
