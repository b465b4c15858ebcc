"""Choosing K: fit every (k, seed), score each run, summarise per k.

Each run is scored on coherence and exclusivity (training units), held-out fit
(a fixed held-out share of units) and stability (agreement with the runs of the
other seeds at the same k). Every run fits its own seeded subsample, so stability
measures how far topics survive a change of data as well as of seed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from analysis.settings import DEFAULTS
from analysis.topics.engines import DEFAULT_ENGINE
from analysis.topics.model import TopicModel, as_token_lists, top_terms
from analysis.topics.quality import (score_coherence, score_exclusivity, score_npmi_counts, score_npmi_documents,
                                     score_stability)

__all__ = ["choose_k", "summarise_sweep", "sweep_k"]


def sweep_k(
    tokens,
    ks: Iterable[int],
    seeds: Sequence[int],
    *,
    engine: str = DEFAULT_ENGINE,
    min_df: int | float = DEFAULTS.min_df,
    max_df: int | float = DEFAULTS.max_df,
    options: dict[str, Any] | None = None,
    holdout: float = 0.1,
    holdout_seed: int | None = None,
    subsample: float = 0.8,
    topn: int = 10,
    progress: bool = True,
    counts: tuple | None = None,
) -> pd.DataFrame:
    """Fit every (k, seed) and score it; one row per run.

    ``engine``, ``min_df``, ``max_df`` and ``options`` go to every
    ``TopicModel``.  A fraction ``holdout`` of units (drawn once with
    ``holdout_seed``, default ``seeds[0]``) is held out; models fit on the
    rest.  Each run fits on its own random ``subsample`` of the training
    units (drawn with its seed), so stability measures how far topics
    survive a change of data as well as of seed (Greene et al. 2014); without
    it a method with a deterministic start, such as NMF, would look perfectly
    stable.  Columns: ``k, seed, npmi_doc`` (document-level NPMI of the top
    ``topn`` terms, :func:`score_npmi_documents`, the same for every engine),
    ``npmi, c_v`` (gensim's window-based coherence on the training units),
    ``exclusivity`` (mean of ``score_exclusivity``), ``heldout_ll``
    (``TopicModel.score`` on held-out units: log-likelihood per token for the LDA
    engines, minus the relative reconstruction error for nmf; higher is better;
    dmr and gdmr infer held-out units with their covariate, so they need a units
    table, else ``nan``),
    ``perplexity`` (``exp(-heldout_ll)``; ``nan`` for nmf),
    ``stability`` (mean ``score_stability`` against the other seeds at the
    same k; ``nan`` with one seed), ``n_train`` (training units), ``n_fit``
    (the subsample each run fits), ``n_heldout``.  ``summarise_sweep`` gives
    one row per k.

    With ``counts`` (``(X, vocabulary)`` from :func:`analysis.topics.model.count_terms`,
    one row per unit) and an engine that sees only the counts (``nmf``, ``sklearn-lda``),
    every run fits and is scored on rows of the matrix, and ``tokens`` may be ``None``:
    the same runs and numbers without every unit's token list, except ``npmi`` and
    ``c_v``, which need the tokens in order and are ``nan``.

    Example
    -------
    >>> units = [["인공지능", "데이터", "산업"], ["일본", "추월", "경제"]] * 10
    >>> runs = sweep_k(units, ks=[2, 3], seeds=[1, 2], topn=3, progress=False)
    >>> runs[["k", "seed", "n_train", "n_fit", "n_heldout"]].values.tolist()
    [[2, 1, 18, 14, 2], [2, 2, 18, 14, 2], [3, 1, 18, 14, 2], [3, 2, 18, 14, 2]]
    """
    if counts is not None:
        return _sweep_counts(counts, list(ks), list(seeds), engine=engine, min_df=min_df, max_df=max_df,
                             options=options, holdout=holdout, holdout_seed=holdout_seed, subsample=subsample,
                             topn=topn, progress=progress)
    texts = as_token_lists(tokens)
    seeds = list(seeds)
    ks = list(ks)
    is_heldout = _draw_heldout(len(texts), holdout, seeds[0] if holdout_seed is None else holdout_seed)
    train = [t for t, h in zip(texts, is_heldout) if not h]
    heldout = [t for t, h in zip(texts, is_heldout) if h]
    # A units table goes to each fit as rows, so covariates (dmr, gdmr) travel with them.
    table = tokens.reset_index(drop=True) if isinstance(tokens, pd.DataFrame) else None
    train_rows = np.flatnonzero(~is_heldout)

    def fit_and_score(k, seed):
        rows_fit = sorted(_draw_subsample(len(train), subsample, seed))
        model = TopicModel(engine, k, seed=seed, min_df=min_df, max_df=max_df, options=options)
        model.fit([train[i] for i in rows_fit] if table is None else table.iloc[train_rows[rows_fit]])
        terms = top_terms(model, topn)
        coherence = score_coherence(terms, train, topn=topn)
        try:
            heldout_units = heldout if table is None else table.iloc[np.flatnonzero(is_heldout)]
            heldout_ll = model.score(heldout_units) if heldout else float("nan")
        except NotImplementedError:  # dmr, gdmr given token lists: no covariate to infer with
            heldout_ll = float("nan")
        return model, {"npmi_doc": float(np.nanmean(score_npmi_documents(terms, train, topn=topn))),
                       "npmi": coherence["c_npmi"].mean(), "c_v": coherence["c_v"].mean(),
                       "heldout_ll": heldout_ll, "n_fit": len(rows_fit)}

    return _run_sweep(ks, seeds, fit_and_score, engine=engine, topn=topn, progress=progress,
                      sizes={"n_train": len(train), "n_heldout": len(heldout)})


def _run_sweep(ks, seeds, fit_and_score, *, engine, topn, progress, sizes) -> pd.DataFrame:
    """Every (k, seed) through ``fit_and_score`` (a model and its own scores), then the
    scores every engine shares: exclusivity, perplexity and stability across seeds."""
    rows = []
    with tqdm(total=len(ks) * len(seeds), desc="sweep_k", disable=not progress) as bar:
        for k in ks:
            models = []
            for seed in seeds:
                bar.set_postfix(k=k, seed=seed)
                model, scores = fit_and_score(k, seed)
                heldout_ll = scores["heldout_ll"]
                rows.append({"k": k, "seed": seed, **scores, **sizes,
                             "exclusivity": score_exclusivity(model.topic_term_, topn=topn).mean(),
                             "perplexity": float(np.exp(-heldout_ll)) if engine != "nmf" else float("nan")})
                models.append(model)
                bar.update()
            _add_stability(rows, models, topn)
    return pd.DataFrame(rows)[RUN_COLUMNS]


RUN_COLUMNS = ["k", "seed", "npmi_doc", "npmi", "c_v", "exclusivity", "heldout_ll", "perplexity", "stability",
               "n_train", "n_fit", "n_heldout"]


def _draw_heldout(n: int, holdout: float, seed: int) -> np.ndarray:
    is_heldout = np.zeros(n, dtype=bool)
    is_heldout[np.random.default_rng(seed).permutation(n)[: int(round(holdout * n))]] = True
    return is_heldout


def _draw_subsample(n_train: int, subsample: float, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).permutation(n_train)[: max(1, int(round(subsample * n_train)))]


def _add_stability(rows: list[dict], models: list[TopicModel], topn: int) -> None:
    """Each of the last ``len(models)`` rows gets its mean stability against the others."""
    pairwise = np.full((len(models), len(models)), np.nan)
    for i in range(len(models)):
        for j in range(i + 1, len(models)):
            pairwise[i, j] = pairwise[j, i] = score_stability(models[i], models[j], topn=topn)[0]
    for i in range(len(models)):
        others = np.delete(pairwise[i], i)
        rows[-len(models) + i]["stability"] = float(others.mean()) if others.size else float("nan")


def _sweep_counts(counts, ks, seeds, *, engine, min_df, max_df, options, holdout, holdout_seed, subsample, topn,
                  progress) -> pd.DataFrame:
    """:func:`sweep_k` on rows of a count matrix: the same draws, fits and scores."""
    X, vocabulary = counts[0].tocsr(), list(counts[1])
    index = {term: i for i, term in enumerate(vocabulary)}
    is_heldout = _draw_heldout(X.shape[0], holdout, seeds[0] if holdout_seed is None else holdout_seed)
    train_rows, heldout_rows = np.flatnonzero(~is_heldout), np.flatnonzero(is_heldout)
    train, heldout = X[train_rows], X[heldout_rows]

    def fit_and_score(k, seed):
        picked = np.sort(_draw_subsample(len(train_rows), subsample, seed))
        model = TopicModel(engine, k, seed=seed, min_df=min_df, max_df=max_df, options=options)
        model.fit_counts(train[picked], vocabulary)
        terms = top_terms(model, topn)
        return model, {"npmi_doc": float(np.nanmean(score_npmi_counts(terms, train, index, topn=topn))),
                       "npmi": float("nan"), "c_v": float("nan"),  # window-based: they need the tokens in order
                       "heldout_ll": model.score_counts(heldout, vocabulary) if len(heldout_rows) else float("nan"),
                       "n_fit": len(picked)}

    return _run_sweep(ks, seeds, fit_and_score, engine=engine, topn=topn, progress=progress,
                      sizes={"n_train": len(train_rows), "n_heldout": len(heldout_rows)})


def summarise_sweep(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per k from ``sweep_k`` runs: each metric's mean over seeds and, as
    ``<metric>_sd``, its standard deviation (the spread across seeds and subsamples).

    Because stability is symmetric, the mean of the per-run ``stability``
    column is the mean pairwise stability across seeds at that k.

    Example
    -------
    >>> runs = pd.DataFrame({"k": [2, 2, 3], "seed": [1, 2, 1], "npmi_doc": [0.1, 0.3, 0.2], "npmi": 0.1,
    ...                      "c_v": 0.5, "exclusivity": 9.0, "heldout_ll": -3.0, "perplexity": 20.0,
    ...                      "stability": [0.8, 0.8, 1.0]})
    >>> summarise_sweep(runs)[["k", "n_seeds", "npmi_doc", "npmi_doc_sd", "stability"]].round(3)
       k  n_seeds  npmi_doc  npmi_doc_sd  stability
    0  2        2       0.2        0.141        0.8
    1  3        1       0.2          NaN        1.0
    """
    metrics = [m for m in ("npmi_doc", "npmi", "c_v", "exclusivity", "heldout_ll", "perplexity", "stability")
               if m in runs]
    grouped = runs.groupby("k", sort=True)[metrics]
    summary = grouped.mean().join(grouped.std().add_suffix("_sd")).reset_index()
    summary.insert(1, "n_seeds", runs.groupby("k", sort=True)["seed"].nunique().to_numpy())
    return summary


def choose_k(summary: pd.DataFrame, metric: str = "npmi_doc", min_stability: float = 0.5) -> tuple[int, str]:
    """The K a sweep recommends, and the sentence that says by which rule.

    The rule: the highest mean ``metric`` among the K whose mean stability across seeds
    is at least ``min_stability`` (ties to the smaller K); when no K is that stable, the
    highest ``metric`` overall, and the sentence says that no K met the threshold
    (:func:`analysis.report.describe_k_choice` says it in a figure's language).

    Example
    -------
    >>> summary = pd.DataFrame({"k": [5, 10, 15], "npmi_doc": [0.10, 0.14, 0.16], "stability": [0.7, 0.6, 0.4]})
    >>> choose_k(summary)
    (10, 'K = 10: the highest npmi_doc (0.140) among the K with stability >= 0.5 (5, 10)')
    """
    ranked = summary.sort_values([metric, "k"], ascending=[False, True])
    stable = ranked[ranked["stability"] >= min_stability]
    if len(stable):
        k = int(stable["k"].iloc[0])
        listed = ", ".join(str(int(x)) for x in sorted(stable["k"]))
        return k, (f"K = {k}: the highest {metric} ({stable[metric].iloc[0]:.3f}) among the K with stability "
                   f">= {min_stability:g} ({listed})")
    k = int(ranked["k"].iloc[0])
    return k, (f"K = {k}: no K reached stability {min_stability:g} (the highest was "
               f"{summary['stability'].max():.2f}), so this is the highest {metric} ({ranked[metric].iloc[0]:.3f}) "
               "overall; read its topics with care")
