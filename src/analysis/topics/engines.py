"""The topic engines behind :class:`analysis.topics.TopicModel`.

Four unsupervised engines (nmf, tomotopy LDA, gensim LDA, scikit-learn LDA) and three
built on tomotopy that use more than the words:

* ``guided``: LDA whose first topics are seeded with words (keyATM's idea, through
  ``set_word_prior``): ``options={"seeds": {"tech": ["인공지능", ...], ...}}``;
* ``dmr``: Dirichlet-multinomial regression, topic prevalence depending on a
  categorical covariate inside the model: ``options={"metadata": "speaker"}``;
* ``gdmr``: the same for a numeric covariate (e.g. the year) through Legendre
  polynomials: ``options={"numeric": "year", "degree": 3}``.

Each engine is three functions and a dict of option defaults:

* ``fit(X, texts, vocabulary, k, seed, options, covariates) -> (topic_term, doc_topic, native)``
  (``covariates``: the dmr/gdmr column's values for the non-empty units, else None);
* ``infer(native, X, texts, seed, options, covariates) -> doc_topic``;
* ``loglik(native, X, texts, seed, options, covariates) -> log-likelihood per token``
  (dmr and gdmr need the new units' covariate values; the others ignore them).

``X`` (a unit-term count matrix) and ``texts`` hold only non-empty units, ``texts``
already restricted to the vocabulary. Returned rows need not sum to 1: the model
normalises them. Every engine takes its randomness from ``seed`` alone.

Example
-------
>>> sorted(ENGINES), DEFAULT_ENGINE
(['dmr', 'gdmr', 'gensim', 'guided', 'nmf', 'sklearn-lda', 'tomotopy'], 'nmf')
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


def _fit_gensim(X, texts, vocabulary, k, seed, options, covariates=None):
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


def _infer_gensim(lda, X, texts, seed, options, covariates=None):
    # Inference starts from random gammas; reseeding makes the result
    # independent of how many times the model was queried before.
    lda.random_state = np.random.RandomState(seed)
    gamma, _ = lda.inference(_gensim_corpus(X))
    return gamma


def _loglik_gensim(lda, X, texts, seed, options, covariates=None):
    lda.random_state = np.random.RandomState(seed)
    return float(lda.log_perplexity(_gensim_corpus(X)))  # per-token bound


# --------------------------------------------------------------------------
# tomotopy: collapsed Gibbs LDA
# --------------------------------------------------------------------------


def _fit_tomotopy(X, texts, vocabulary, k, seed, options, covariates=None):
    import tomotopy as tp

    lda = tp.LDAModel(k=k, seed=seed, alpha=options["alpha"], eta=options["eta"])
    for tokens in texts:
        lda.add_doc(tokens)
    return _train_tomotopy(lda, vocabulary, k, options)


def _train_tomotopy(lda, vocabulary, k, options):
    """Train a tomotopy model with its documents added; its arrays in our vocabulary's order."""
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


def _infer_tomotopy(lda, X, texts, seed, options, covariates=None):
    return np.array(_infer_tomotopy_raw(lda, texts, options)[0])


def _loglik_tomotopy(lda, X, texts, seed, options, covariates=None):
    _, log_ll = _infer_tomotopy_raw(lda, texts, options)
    return float(np.sum(log_ll) / X.sum())


def _fit_guided(X, texts, vocabulary, k, seed, options, covariates=None):
    import tomotopy as tp

    seeds = dict(options["seeds"])
    if not 0 < len(seeds) <= k:
        raise ValueError(f"guided topics need between 1 and k={k} seed lists, got {len(seeds)}")
    lda = tp.LDAModel(k=k, seed=seed, alpha=options["alpha"], eta=options["eta"])
    known = set(vocabulary)
    # Topic i (0-based) is the i-th seed list: its words get a strong prior there and
    # almost none in the other topics, so the seeded topic is built around them.
    for topic, words in enumerate(seeds.values()):
        prior = [options["seed_elsewhere"]] * k
        prior[topic] = options["seed_prior"]
        for word in words:
            if word in known:
                lda.set_word_prior(word, prior)
    for tokens in texts:
        lda.add_doc(tokens)
    return _train_tomotopy(lda, vocabulary, k, options)


def _fit_dmr(X, texts, vocabulary, k, seed, options, covariates=None):
    import tomotopy as tp

    if covariates is None:
        raise ValueError("the dmr engine needs options={'metadata': <column>} and a units table holding it")
    lda = tp.DMRModel(k=k, seed=seed, alpha=options["alpha"], eta=options["eta"], sigma=options["sigma"])
    for tokens, value in zip(texts, covariates):
        lda.add_doc(tokens, metadata=str(value))
    return _train_tomotopy(lda, vocabulary, k, options)


def _fit_gdmr(X, texts, vocabulary, k, seed, options, covariates=None):
    import tomotopy as tp

    if covariates is None:
        raise ValueError("the gdmr engine needs options={'numeric': <column>} and a units table holding it")
    values = np.asarray(covariates, dtype=float)
    # The covariate's range comes from the documents (passing metadata_range crashes tomotopy 0.14).
    lda = tp.GDMRModel(k=k, seed=seed, degrees=[int(options["degree"])], alpha=options["alpha"], eta=options["eta"],
                       sigma=options["sigma"])
    for tokens, value in zip(texts, values):
        lda.add_doc(tokens, numeric_metadata=[float(value)])
    return _train_tomotopy(lda, vocabulary, k, options)


def _covariate_docs(lda, texts, covariates, numeric: bool):
    if covariates is None:
        raise NotImplementedError("dmr and gdmr models infer new units only with their covariate: pass a units "
                                  "table holding the covariate column")
    if numeric:
        return [lda.make_doc(tokens, numeric_metadata=[float(value)]) for tokens, value in zip(texts, covariates)]
    return [lda.make_doc(tokens, metadata=str(value)) for tokens, value in zip(texts, covariates)]


def _infer_covariate_model(numeric: bool):
    def infer(lda, X, texts, seed, options, covariates=None):
        docs = _covariate_docs(lda, texts, covariates, numeric)
        return np.array(lda.infer(docs, iterations=options["infer_iterations"], workers=1)[0])

    def loglik(lda, X, texts, seed, options, covariates=None):
        docs = _covariate_docs(lda, texts, covariates, numeric)
        return float(np.sum(lda.infer(docs, iterations=options["infer_iterations"], workers=1)[1]) / X.sum())

    return infer, loglik


# --------------------------------------------------------------------------
# scikit-learn: batch variational LDA
# --------------------------------------------------------------------------


def _fit_sklearn_lda(X, texts, vocabulary, k, seed, options, covariates=None):
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


def _infer_sklearn_lda(lda, X, texts, seed, options, covariates=None):
    return lda.transform(X)


def _loglik_sklearn_lda(lda, X, texts, seed, options, covariates=None):
    return float(-np.log(lda.perplexity(X)))


# --------------------------------------------------------------------------
# scikit-learn: NMF on TF-IDF
# --------------------------------------------------------------------------


def _fit_nmf(X, texts, vocabulary, k, seed, options, covariates=None):
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


def _infer_nmf(native, X, texts, seed, options, covariates=None):
    tfidf, nmf = native
    return _scale_nmf_weights(nmf.transform(tfidf.transform(X)), nmf)


def _loglik_nmf(native, X, texts, seed, options, covariates=None):
    # NMF has no likelihood; its held-out fit is how much of the held-out TF-IDF the
    # topics reconstruct: minus the relative error, so that higher is better here too.
    tfidf, nmf = native
    V = tfidf.transform(X).tocoo()
    W, H = nmf.transform(V.tocsr()), nmf.components_
    # ||V - WH||^2 without the dense units x terms residual (4,700 held-out units of a
    # 50,000-document corpus made it 3 GB): ||V||^2 - 2 <V, WH> over V's nonzeros + ||WH||^2.
    v2 = float(V.data @ V.data)
    cross = float(V.data @ np.einsum("ik,ik->i", W[V.row], H[:, V.col].T))
    wh2 = float(np.sum((W.T @ W) * (H @ H.T)))
    return float(-np.sqrt(max(v2 - 2 * cross + wh2, 0.0)) / max(np.sqrt(v2), 1e-12))


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
    "guided": _Engine(
        {"iterations": 500, "infer_iterations": 100, "alpha": 0.1, "eta": 0.01, "seeds": {}, "seed_prior": 1.0,
         "seed_elsewhere": 1e-4},
        _fit_guided,
        _infer_tomotopy,
        _loglik_tomotopy,
    ),
    "dmr": _Engine(
        {"iterations": 500, "infer_iterations": 100, "alpha": 0.1, "eta": 0.01, "sigma": 1.0, "metadata": None},
        _fit_dmr,
        *_infer_covariate_model(numeric=False),
    ),
    "gdmr": _Engine(
        {"iterations": 500, "infer_iterations": 100, "alpha": 0.1, "eta": 0.01, "sigma": 1.0, "numeric": None,
         "degree": 3},
        _fit_gdmr,
        *_infer_covariate_model(numeric=True),
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
