"""The four topic engines behind :class:`analysis.topics.TopicModel`.

Each engine is three functions and a dict of option defaults:

* ``fit(X, texts, vocabulary, k, seed, options) -> (topic_term, doc_topic, native)``;
* ``infer(native, X, texts, seed, options) -> doc_topic``;
* ``loglik(native, X, texts, seed, options) -> log-likelihood per token``.

``X`` (a unit-term count matrix) and ``texts`` hold only non-empty units, ``texts``
already restricted to the vocabulary. Returned rows need not sum to 1: the model
normalises them. Every engine takes its randomness from ``seed`` alone.

Example
-------
>>> sorted(ENGINES), DEFAULT_ENGINE
(['gensim', 'nmf', 'sklearn-lda', 'tomotopy'], 'nmf')
>>> ENGINES["nmf"].defaults["init"]
'nndsvda'
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import numpy as np
from sklearn.decomposition import NMF, LatentDirichletAllocation
from sklearn.feature_extraction.text import TfidfTransformer

__all__ = ["DEFAULT_ENGINE", "ENGINES"]

# NMF on TF-IDF gave the most coherent topics, fastest, on the 8,771 presidential
# speeches at K=20 (NPMI 0.130 in 11 s; gensim 0.055 in 66 s, tomotopy 0.063 in 133 s,
# scikit-learn LDA 0.056 in 155 s; benchmarks/results/topics.csv). The LDA engines stay
# available for a generative model with held-out likelihood.
DEFAULT_ENGINE = "nmf"


class _Engine(NamedTuple):
    """One engine: its option defaults and its fit, infer and loglik functions."""

    defaults: dict[str, Any]
    fit: Callable
    infer: Callable
    loglik: Callable


# --------------------------------------------------------------------------
# gensim: variational LDA
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# tomotopy: collapsed Gibbs LDA
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# scikit-learn: batch variational LDA
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# scikit-learn: NMF on TF-IDF
# --------------------------------------------------------------------------


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
