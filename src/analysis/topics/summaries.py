"""Reading a fitted model: topic labels, unit-topic tables, representative passages, prevalence.

Every table numbers topics from 1 (``topic`` columns hold 1..K; share columns are
``topic_1 .. topic_K``) and carries the units' id columns, so it joins back to the
tokens table. ``estimate_prevalence`` draws its bootstrap from its required ``seed``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.settings import ID_COLUMNS
from analysis.topics.model import TopicModel, as_token_lists, check_fitted, keep_known, top_indices, top_terms
from analysis.topics.quality import score_frex, score_lift

__all__ = ["TOPIC_COLUMN", "estimate_prevalence", "find_thoughts", "label_topics", "select_thoughts", "summarise_seeds",
           "tabulate_doc_topics"]

# Share columns: topic_1 .. topic_K.
TOPIC_COLUMN = re.compile(r"topic_(\d+)")


def label_topics(model, n: int = 10, method: str = "prob") -> pd.DataFrame:
    """Top ``n`` terms per topic in long format: ``topic, rank, term, weight``.

    ``method`` ranks by probability (``"prob"``), FREX (``"frex"``) or lift
    (``"lift"``); ``weight`` is that score.  Topics and ranks start at 1;
    ties break by term ascending so the table is byte-stable.

    Example
    -------
    >>> from analysis.topics import TopicModel
    >>> units = [["인공지능", "데이터", "데이터"], ["인공지능", "데이터"], ["일본", "추월"], ["일본", "추월", "추월"]]
    >>> model = TopicModel("nmf", k=2, seed=1).fit(units)
    >>> table = label_topics(model, n=2).round(2)
    >>> table.columns.tolist(), table["rank"].tolist(), table["weight"].tolist()
    (['topic', 'rank', 'term', 'weight'], [1, 2, 1, 2], [0.58, 0.42, 0.58, 0.42])
    >>> sorted(table.groupby("topic")["term"].agg(tuple))  # which topic is 1 varies with the CPU's arithmetic
    [('데이터', '인공지능'), ('추월', '일본')]
    """
    check_fitted(model)
    if method == "prob":
        weights = model.topic_term_
    elif method == "frex":
        weights = score_frex(model.topic_term_)
    elif method == "lift":
        weights = score_lift(model.topic_term_, model.term_freq_)
    else:
        raise ValueError("method must be 'prob', 'frex' or 'lift'")
    top = top_indices(weights, n)
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
    >>> from analysis.topics import TopicModel
    >>> units = pd.DataFrame({"doc_id": ["a", "a", "b", "b", "c"], "sent_id": [0, 1, 0, 1, 0], "year": 2017,
    ...                       "tokens": [["AI", "데이터"], ["AI", "데이터"], ["일본", "추월"], ["일본", "추월"], ["경제"]]})
    >>> model = TopicModel("nmf", k=2, seed=1).fit(units)
    >>> table = tabulate_doc_topics(model, units, covariates=["year"])
    >>> list(table.columns)
    ['doc_id', 'sent_id', 'year', 'empty', 'topic_1', 'topic_2']
    >>> table["empty"].tolist()  # 경제 is in one unit only: pruned by min_df=2
    [False, False, False, False, True]
    """
    check_fitted(model)
    if new:
        doc_topic = model.transform(units)
        # Empty: no token in the vocabulary, as transform decides.
        empty = np.array([not tokens for tokens in keep_known(as_token_lists(units), model.vocabulary_)], dtype=bool)
    else:
        empty, doc_topic = model.empty_, model.doc_topic_
    table = _id_frame(units, doc_topic.shape[0])
    for column in covariates:
        table[column] = units[column].to_numpy()
    table["empty"] = empty
    shares = pd.DataFrame(doc_topic, columns=[f"topic_{k + 1}" for k in range(doc_topic.shape[1])])
    return pd.concat([table, shares], axis=1)


def select_thoughts(model, n: int = 3) -> list[np.ndarray]:
    """Per topic, the rows of the ``n`` units loading highest on it, best first (empty
    units never; ties by row order): the units :func:`find_thoughts` shows."""
    check_fitted(model)
    shares = np.where(model.empty_[:, None], -np.inf, model.doc_topic_)
    return [rows[np.isfinite(shares[rows, k])] for k, rows in enumerate(top_indices(shares.T, n))]


def find_thoughts(model, units: pd.DataFrame, text_col: str = "text", n: int = 3) -> pd.DataFrame:
    """The ``n`` units loading highest on each topic (stm's ``findThoughts``).

    ``units`` must be the table the model was fitted on.  Empty units are
    never chosen; ties break by row order.  Columns: ``topic`` (1-based),
    ``rank``, the id columns, ``share`` (the unit's topic proportion) and
    ``text``.

    Example
    -------
    >>> from analysis.topics import TopicModel
    >>> units = pd.DataFrame({"doc_id": [1, 2, 3, 4], "text": ["AI 데이터", "AI 데이터 산업", "일본 추월", "일본 추월 경제"],
    ...                       "tokens": [["AI", "데이터"], ["AI", "데이터", "산업"], ["일본", "추월"], ["일본", "추월", "경제"]]})
    >>> model = TopicModel("nmf", k=2, seed=1).fit(units)
    >>> find_thoughts(model, units, n=1).round(2)
       topic  rank  doc_id  share    text
    0      1     1       3    1.0   일본 추월
    1      2     1       1    1.0  AI 데이터
    """
    check_fitted(model)
    if text_col not in units.columns:
        raise KeyError(f"units has no {text_col!r} column")
    ids = _id_frame(units, model.doc_topic_.shape[0])
    frames = []
    for k, rows in enumerate(select_thoughts(model, n)):
        frame = pd.DataFrame({"topic": k + 1, "rank": np.arange(1, len(rows) + 1)})
        frame = pd.concat([frame, ids.iloc[rows].reset_index(drop=True)], axis=1)
        frame["share"] = model.doc_topic_[rows, k]
        frame["text"] = units[text_col].to_numpy()[rows]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _bootstrap_means(sums: np.ndarray, counts: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """n_boot x K means of units after resampling clusters with replacement.

    ``sums`` (clusters x K) holds each cluster's summed shares, ``counts`` its units, so
    a replicate's mean is the mean over all units of the clusters drawn; chunks bound memory.
    """
    n_clusters, n_topics = sums.shape
    chunk = max(1, 4_000_000 // (n_clusters * max(n_topics, 1)))
    means = []
    for start in range(0, n_boot, chunk):
        draws = rng.integers(0, n_clusters, size=(min(chunk, n_boot - start), n_clusters))
        means.append(sums[draws].sum(axis=1) / counts[draws].sum(axis=1)[:, None])
    return np.concatenate(means)


def estimate_prevalence(
    doc_topics: pd.DataFrame,
    by: str | list[str],
    *,
    n_boot: int = 1000,
    seed: int,
    ci: float = 0.95,
    topics: Sequence[int] | None = None,
    cluster: str | None = "doc_id",
) -> pd.DataFrame:
    """Mean topic share per group with percentile bootstrap intervals over documents.

    ``doc_topics`` holds ``topic_1..topic_K`` columns and the grouping
    column(s), e.g. ``tabulate_doc_topics(model, units, covariates=[...])``;
    rows flagged ``empty`` are left out.  The bootstrap resamples the independent
    unit within each group: ``cluster`` (default ``doc_id``, so the paragraphs or
    sentences of one document travel together; or e.g. an outlet), or each row when
    the table has no such column or ``cluster`` is None.  One row per (group, topic):
    the group columns, ``topic`` (1-based), ``mean`` (over units), ``ci_low``,
    ``ci_high``, ``n`` (units), ``n_documents`` (clusters) and ``interval`` (the
    method).  Group by speaker, city, year, voice, or a date column for topics over
    time; missing group values form their own group.

    Example
    -------
    >>> table = pd.DataFrame({"year": [2017, 2017, 2017, 2018, 2018], "topic_1": [0.9, 0.7, 0.8, 0.2, 0.2],
    ...                       "topic_2": [0.1, 0.3, 0.2, 0.8, 0.8], "empty": False})
    >>> estimate_prevalence(table, "year", n_boot=200, seed=1).drop(columns="interval").round(2)
       year  topic  mean  ci_low  ci_high  n  n_documents
    0  2017      1   0.8    0.70     0.87  3            3
    1  2017      2   0.2    0.13     0.30  3            3
    2  2018      1   0.2    0.20     0.20  2            2
    3  2018      2   0.8    0.80     0.80  2            2
    """
    by = [by] if isinstance(by, str) else list(by)
    numbers = sorted(int(m.group(1)) for c in doc_topics.columns if (m := TOPIC_COLUMN.fullmatch(str(c))))
    if topics is not None:
        numbers = [t for t in numbers if t in set(topics)]
    if not numbers:
        raise ValueError("doc_topics has no topic_<number> columns")
    data = doc_topics
    if "empty" in data.columns:
        data = data[~data["empty"].astype(bool)]
    columns = [f"topic_{t}" for t in numbers]
    clustered = cluster is not None and cluster in data.columns
    unit = ("documents" if cluster == "doc_id" else cluster) if clustered else "units"
    rng = np.random.default_rng(seed)
    alpha = (1.0 - ci) / 2
    frames = []
    for key, group in data.groupby(by, sort=True, dropna=False):
        values = group[columns].to_numpy(dtype=float)
        ids = group[cluster].to_numpy() if clustered else np.arange(len(group))
        codes, uniques = pd.factorize(pd.Series(ids), sort=True)
        sums = np.zeros((len(uniques), len(numbers)))
        np.add.at(sums, codes, values)
        counts = np.bincount(codes, minlength=len(uniques)).astype(float)
        low, high = np.quantile(_bootstrap_means(sums, counts, n_boot, rng), [alpha, 1.0 - alpha], axis=0)
        mean = sums.sum(axis=0) / counts.sum()
        # One cluster: every replicate is the estimate itself, up to rounding.
        low, high = np.minimum(low, mean), np.maximum(high, mean)
        frame = pd.DataFrame({column: [value] * len(numbers) for column, value in zip(by, key)})
        frame["topic"] = numbers
        frame["mean"] = mean
        frame["ci_low"] = low
        frame["ci_high"] = high
        frame["n"] = len(values)
        frame["n_documents"] = len(uniques)
        frame["interval"] = f"bootstrap over {unit}, percentile ({ci:.0%})"
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def summarise_seeds(model, n: int = 10) -> pd.DataFrame:
    """For a guided model: each seeded topic, its seed words and which of them ended in
    its top ``n`` terms. Columns: topic (1-based), seed_name, seeds, seeds_in_top, top_terms.

    Example
    -------
    >>> units = [["인공지능", "데이터", "산업"], ["일본", "추월", "경쟁"]] * 20
    >>> model = TopicModel("guided", k=2, seed=1, options={"seeds": {"tech": ["인공지능"]}, "iterations": 50}).fit(units)
    >>> summarise_seeds(model, n=3)[["topic", "seed_name", "seeds_in_top"]].values.tolist()
    [[1, 'tech', '인공지능']]
    """
    check_fitted(model)
    seeds = (model.options_ or {}).get("seeds") or {}
    if not seeds:
        raise ValueError("the model has no seeded topics (engine 'guided' with options={'seeds': {...}})")
    terms = top_terms(model, n)
    rows = []
    for topic, (name, words) in enumerate(seeds.items()):
        top = terms[topic]
        rows.append({"topic": topic + 1, "seed_name": name, "seeds": " · ".join(words),
                     "seeds_in_top": " · ".join(w for w in words if w in top), "top_terms": " · ".join(top)})
    return pd.DataFrame(rows)
