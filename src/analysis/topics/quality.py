"""Topic quality, each a function of a model's arrays: coherence, FREX, lift, exclusivity, stability.

FREX, lift and exclusivity follow R's stm; coherence is gensim's ``CoherenceModel``;
stability matches the topics of two models by the Hungarian algorithm. Topics are
numbered from 1 in every table returned.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.stats import rankdata
from sklearn.metrics.pairwise import cosine_similarity

from analysis.topics.model import as_token_lists, check_fitted, top_indices, top_terms

__all__ = ["score_coherence", "score_exclusivity", "score_frex", "score_lift", "score_npmi_counts", "score_npmi_documents",
           "score_stability"]


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
    >>> texts = [["인공지능", "데이터"], ["인공지능", "데이터"], ["일본", "추월"], ["일본", "추월"]]
    >>> coherence = score_coherence([["인공지능", "데이터"], ["일본", "데이터"]], texts, measures=["c_npmi"])
    >>> coherence["topic"].tolist(), bool(coherence["c_npmi"][0] > coherence["c_npmi"][1])
    ([1, 2], True)
    """
    from gensim.corpora import Dictionary
    from gensim.models import CoherenceModel

    texts = as_token_lists(texts)
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


def score_npmi_documents(topic_terms: list[list[str]], texts: list[list[str]] | pd.DataFrame,
                         topn: int = 10) -> np.ndarray:
    """Document-level NPMI of each topic's top terms: the mean over term pairs of
    log(p(a, b) / p(a) p(b)) / -log p(a, b), where p is the share of documents (units)
    containing the terms; a pair never seen together scores -1. One number per topic.

    The same measure for every engine and every vocabulary setting, so defaults can be
    compared (gensim's ``c_npmi`` uses sliding windows and needs every term in the texts).

    Example
    -------
    >>> texts = [["인공지능", "데이터"], ["인공지능", "데이터"], ["일본", "추월"], ["일본", "데이터"]]
    >>> score_npmi_documents([["인공지능", "데이터"], ["일본", "추월"]], texts).round(3).tolist()
    [0.415, 0.5]
    """
    from sklearn.feature_extraction.text import CountVectorizer

    docs = as_token_lists(texts)
    vectorizer = CountVectorizer(analyzer=lambda tokens: tokens, binary=True).fit(docs)
    return score_npmi_counts(topic_terms, vectorizer.transform(docs), vectorizer.vocabulary_, topn)


def score_npmi_counts(topic_terms: list[list[str]], X, index: dict[str, int], topn: int = 10) -> np.ndarray:
    """:func:`score_npmi_documents` from a units-by-terms count matrix (any counts: only
    presence is used) and each term's column, e.g. from :func:`analysis.topics.model.count_terms`.

    Example
    -------
    >>> from analysis.topics.model import count_terms
    >>> X, vocabulary = count_terms([[["인공지능", "데이터"], ["인공지능", "데이터"], ["일본", "추월"], ["일본", "데이터"]]])
    >>> score_npmi_counts([["인공지능", "데이터"], ["일본", "추월"]], X, {t: i for i, t in enumerate(vocabulary)}).round(3).tolist()
    [0.415, 0.5]
    """
    presence = (X > 0).tocsc().astype(np.float64)
    n = presence.shape[0]
    scores = []
    for terms in topic_terms:
        cols = [index[t] for t in list(terms)[:topn] if t in index]
        if len(cols) < 2:
            scores.append(np.nan)
            continue
        sub = presence[:, cols]
        joint = (sub.T @ sub).toarray() / n
        single = np.diag(joint).copy()
        a, b = np.triu_indices(len(cols), k=1)
        p_ab = joint[a, b]
        with np.errstate(divide="ignore", invalid="ignore"):
            npmi = np.where(p_ab > 0, np.log(p_ab / (single[a] * single[b])) / -np.log(p_ab), -1.0)
        npmi = np.where(p_ab >= 1, 1.0, npmi)  # terms in every document: perfectly associated
        scores.append(float(np.mean(npmi)))
    return np.array(scores)


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
    >>> score_exclusivity(np.array([[0.6, 0.3, 0.1], [0.2, 0.7, 0.1]]), topn=2).round(3)
    array([1.513, 1.513])
    """
    frex = score_frex(topic_term, w=w)
    top = top_indices(np.asarray(topic_term, dtype=float), topn)
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
    >>> from analysis.topics import TopicModel
    >>> units = [["인공지능", "데이터"], ["인공지능", "데이터"], ["일본", "추월"], ["일본", "추월"]]
    >>> a = TopicModel("nmf", k=2, seed=1).fit(units)
    >>> b = TopicModel("nmf", k=2, seed=2).fit(units)
    >>> score, matching = score_stability(a, b, topn=2)
    >>> score
    1.0
    """
    check_fitted(model_a)
    check_fitted(model_b)
    if method == "jaccard":
        sets_a = [set(terms) for terms in top_terms(model_a, topn)]
        sets_b = [set(terms) for terms in top_terms(model_b, topn)]
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
