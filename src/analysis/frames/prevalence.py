"""Frame prevalence: how much each frame is used, per group and voice, with bootstrap intervals.

Built on the hits of :func:`analysis.frames.match_frames` and the sentence and morpheme
tables of :mod:`analysis.text`. Prevalence is hits per 1,000 tokens (punctuation
excluded) and the share of sentences carrying a frame, per group (document, speaker,
city, year ...) and per voice (the mayor's quoted words vs the reporter's narration).
Intervals are percentile bootstraps that resample documents (or another independent
unit, never sentences within one) within each group, drawn from
``numpy.random.default_rng(seed)``, so results repeat exactly for one seed.

Example
-------
>>> s = pd.DataFrame({"doc_id": ["a", "a"], "sent_id": [1, 2], "voice": ["quote", "narration"]})
>>> m = pd.DataFrame({"doc_id": "a", "sent_id": [1, 1, 1, 2, 2], "tag": ["NNP", "VV", "SF", "NNG", "NNG"],
...                   "lemma": ["일본", "추월하다", ".", "시장", "발표"]})
>>> h = pd.DataFrame({"doc_id": ["a"], "sent_id": [1], "frame": ["japan_rivalry"], "voice": ["quote"]})
>>> prev = estimate_frame_prevalence(h, s, m, n_boot=100, seed=1)
>>> prev[["voice", "n_tokens", "n_hits", "per_1k", "share"]].values.tolist()
[['all', 4, 1, 250.0, 0.5], ['narration', 2, 0, 0.0, 0.0], ['quote', 2, 1, 500.0, 1.0]]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.errors import InputError
from analysis.frames.matcher import attribute_hits_to_quotes, resolve_frame_ids
from analysis.settings import NON_TOKEN_TAGS, SENTENCE_KEY as KEY
from analysis.text import find_own_voice_documents, find_quote_of_spans

__all__ = ["estimate_frame_prevalence"]


def _count_tokens(morphemes: pd.DataFrame) -> pd.Series:
    words = morphemes[~morphemes["tag"].astype(str).str.startswith(NON_TOKEN_TAGS)]
    return words.groupby(KEY).size().rename("n_tokens")



def estimate_frame_prevalence(hits: pd.DataFrame, sentences: pd.DataFrame, morphemes: pd.DataFrame,
                              by: Sequence[str] = ("doc_id",), frames=None, n_boot: int = 1000,
                              *, seed: int, ci: float = 0.95, include_all: bool = True,
                              quotes: pd.DataFrame | None = None, cluster: str = "doc_id") -> pd.DataFrame:
    """Frame prevalence per group and voice, with percentile bootstrap intervals.

    ``by`` names columns of ``sentences`` (merge document metadata such as city or year
    into ``sentences`` first; ``[]`` pools everything). Each group is split by ``voice``;
    with ``include_all`` a row with ``voice == "all"`` is added. ``frames`` (ids or a
    FrameSet) fixes the frames reported, zero rows included.

    Intervals resample the independent unit, never sentences within it: ``cluster``
    (a column of ``sentences``; default the document, or e.g. an outlet) is drawn with
    replacement within each group and voice, with all its sentences and hits, ``n_boot``
    times from ``numpy.random.default_rng(seed)`` (percentile bootstrap). A cell
    with no hit gets an interval too: from 0 to the exact Poisson upper bound for the
    rate (3.69 hits over its tokens at 95%) and the Clopper-Pearson upper bound over its
    clusters for the share. ``interval`` names the method of each row.

    Voice is the sentence's unless ``quotes`` (the text layer's quotes table) is given.
    Kiwi keeps a quote and its reporting clause in one sentence, so with ``quotes`` each
    sentence is split into voice segments: its tokens inside quotations (quote) and the
    rest (narration); hits count in the voice of their own span (as
    :func:`analysis.frames.match_frames` gives it with ``quotes``) and the unit of
    resampling and of ``share`` is the segment. ``voice == "all"`` always uses whole
    sentences.

    Columns: ``*by``, voice, frame, n_documents (clusters), n_sentences (sentences or
    segments), n_tokens (punctuation excluded), n_hits, n_hit_sentences, per_1k (hits
    per 1,000 tokens), per_1k_low, per_1k_high, share (of sentences or segments with the
    frame), share_low, share_high, interval.

    Example
    -------
    >>> prev = estimate_frame_prevalence(hits, t.sentences, t.morphemes, by=["doc_id"], seed=1)  # doctest: +SKIP
    >>> prev.query("voice == 'quote'")[["doc_id", "frame", "per_1k"]]  # doctest: +SKIP
    """
    by = list(by)
    frame_ids = resolve_frame_ids(hits, frames)
    n_frames = len(frame_ids)
    if cluster not in sentences.columns:
        raise InputError(f"cluster column {cluster!r} is not in sentences (merge it from the documents first)")
    sent = sentences[list(dict.fromkeys(KEY + by + ["voice", cluster]))].copy()
    sent["_voice"] = sent["voice"].astype(str)
    sent = sent.merge(_count_tokens(morphemes).reset_index(), on=KEY, how="left")
    sent["n_tokens"] = sent["n_tokens"].fillna(0).astype(np.int64)
    h = hits[hits["frame"].isin(frame_ids)]
    if quotes is not None:
        # Hits matched with quotes already carry the voice of their span.
        if "sentence_voice" not in h:
            h = attribute_hits_to_quotes(h, sentences, quotes)
        units = _split_voice_segments(sent, morphemes, sentences, quotes)
    else:
        units = sent
        if "sentence_voice" in h:
            h = h.assign(voice=h["sentence_voice"])
    h = h.drop(columns=[c for c in ("_voice",) if c in h])
    voices = [(units, h.assign(_voice=h["voice"].astype(str)) if "voice" in h else h.merge(sent[KEY + ["_voice"]], on=KEY))]
    if include_all:
        voices.append((sent.assign(_voice="all"), h.assign(_voice="all")))
    parts = []
    for s, hv in voices:
        per_sent = hv.groupby(KEY + ["_voice", "frame"]).size().unstack(fill_value=0).reindex(columns=frame_ids, fill_value=0)
        parts.append(s.merge(per_sent.reset_index(), on=KEY + ["_voice"], how="left"))
    table = pd.concat(parts, ignore_index=True)
    table[frame_ids] = table[frame_ids].fillna(0)
    group_cols = by + ["_voice"]
    hit = table[frame_ids].to_numpy(float).reshape(len(table), n_frames)
    # One row per (group, cluster): tokens, hits per frame, sentences with the frame, sentences.
    per_unit = pd.DataFrame(np.hstack([table[["n_tokens"]].to_numpy(float), hit, (hit > 0).astype(float),
                                       np.ones((len(table), 1))]))
    per_unit[group_cols + ["_cluster"]] = table[group_cols + [cluster]].to_numpy()
    per_cluster = per_unit.groupby(group_cols + ["_cluster"], sort=True, dropna=False).sum().reset_index()
    codes = per_cluster.groupby(group_cols, sort=True, dropna=False).ngroup().to_numpy()
    X = per_cluster[list(range(2 + 2 * n_frames))].to_numpy(float)
    sizes = np.bincount(codes)
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    totals = np.add.reduceat(X, starts, axis=0) if len(X) else np.zeros((0, X.shape[1]))
    alpha = (1 - ci) / 2
    bounds = _bootstrap_bounds(np.random.default_rng(seed), X, codes, sizes, starts, n_frames, n_boot, (alpha, 1 - alpha))
    keys = per_cluster.iloc[starts][group_cols].rename(columns={"_voice": "voice"}).reset_index(drop=True)
    n_sent = totals[:, [-1]]
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = totals[:, 1:1 + n_frames] / totals[:, [0]] * 1000
        share = totals[:, 1 + n_frames:1 + 2 * n_frames] / n_sent
        # No hit in a cell: the bootstrap can only say [0, 0]; exact bounds say how large it could be.
        zero = totals[:, 1:1 + n_frames] == 0
        rate_upper = _poisson_upper(alpha) / totals[:, [0]] * 1000
        share_upper = 1 - alpha ** (1 / sizes[:, None].astype(float))
    # One cluster: every replicate is the estimate itself, up to rounding.
    bounds[0], bounds[1] = np.fmin(bounds[0], rate), np.fmax(bounds[1], rate)
    bounds[2], bounds[3] = np.fmin(bounds[2], share), np.fmax(bounds[3], share)
    bounds[0] = np.where(zero, 0.0, bounds[0])
    bounds[1] = np.where(zero, np.broadcast_to(rate_upper, zero.shape), bounds[1])
    bounds[2] = np.where(zero, 0.0, bounds[2])
    bounds[3] = np.where(zero, np.broadcast_to(share_upper, zero.shape), bounds[3])
    out = keys.loc[keys.index.repeat(n_frames)].reset_index(drop=True)
    out["frame"] = np.tile(frame_ids, len(keys))
    out["n_documents"] = np.repeat(sizes, n_frames)
    out["n_sentences"] = np.repeat(n_sent[:, 0], n_frames).astype(np.int64)
    out["n_tokens"] = np.repeat(totals[:, 0], n_frames).astype(np.int64)
    out["n_hits"] = totals[:, 1:1 + n_frames].ravel().astype(np.int64)
    out["n_hit_sentences"] = totals[:, 1 + n_frames:1 + 2 * n_frames].ravel().astype(np.int64)
    out["per_1k"], out["per_1k_low"], out["per_1k_high"] = rate.ravel(), bounds[0].ravel(), bounds[1].ravel()
    out["share"], out["share_low"], out["share_high"] = share.ravel(), bounds[2].ravel(), bounds[3].ravel()
    unit = "documents" if cluster == "doc_id" else cluster
    out["interval"] = np.where(zero.ravel(), f"exact, no hit ({ci:.0%})",
                               f"bootstrap over {unit}, percentile ({ci:.0%})")
    return out


def _poisson_upper(alpha: float) -> float:
    """The exact upper bound on a Poisson mean after observing no event (3.69 at 95%)."""
    from scipy import stats  # scipy.stats takes a third of a second to import: only when needed

    return float(stats.chi2.ppf(1 - alpha, 2) / 2)


def _split_voice_segments(sent: pd.DataFrame, morphemes: pd.DataFrame, sentences: pd.DataFrame,
                          quotes: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence and voice that has tokens: tokens inside a quotation (by the
    text layer's rule, :func:`analysis.text.find_quote_of_spans`) are quote, the rest
    narration."""
    words = morphemes.loc[~morphemes["tag"].astype(str).str.startswith(NON_TOKEN_TAGS), KEY + ["start", "end"]]
    words = words.reset_index(drop=True)
    in_quote = find_quote_of_spans(words, sentences, quotes).to_numpy() > 0
    outside = np.where(words["doc_id"].isin(find_own_voice_documents(sentences)), "own", "narration")
    words = words[KEY].assign(_voice=np.where(in_quote, "quote", outside))
    tokens = words.groupby(KEY + ["_voice"]).size().rename("n_tokens").reset_index()
    # Sentences without any word still count once, in their own voice.
    empty = sent.loc[~sent.set_index(KEY).index.isin(tokens.set_index(KEY).index), KEY + ["_voice"]]
    tokens = pd.concat([tokens, empty.assign(n_tokens=0)], ignore_index=True)
    return tokens.merge(sent.drop(columns=["_voice", "n_tokens", "voice"]), on=KEY, how="left")


def _bootstrap_bounds(rng: np.random.Generator, X: np.ndarray, codes: np.ndarray, sizes: np.ndarray,
                      starts: np.ndarray, n_frames: int, n_boot: int, quantiles, max_cells: int = 1 << 22):
    """Percentile bounds of the rate and the share for every group: (rate_lo, rate_hi,
    share_lo, share_hi), each groups x frames.

    ``X`` has one row per cluster (tokens, hits per frame, sentences with each frame,
    sentences), sorted by group. A replicate draws each group's clusters with
    replacement; the draw counts W (replicates x clusters) times the sparse per-cluster
    values give the resampled group totals at once. Groups are processed in batches and replicates in chunks so
    that no array exceeds about ``max_cells`` cells.
    """
    n_groups, k = len(sizes), X.shape[1]
    out = np.full((4, n_groups, n_frames), np.nan)
    if n_boot <= 0 or n_groups == 0:
        return out
    max_rows = max(1, max_cells // n_boot)
    max_groups = max(1, max_cells // (n_boot * k))
    g0 = 0
    while g0 < n_groups:
        g1, rows = g0 + 1, sizes[g0]
        while g1 < n_groups and g1 - g0 < max_groups and rows + sizes[g1] <= max_rows:
            rows += sizes[g1]
            g1 += 1
        r0 = starts[g0]
        local = codes[r0:r0 + rows] - g0
        local_start, local_size = starts[g0:g1] - r0, sizes[g0:g1]
        nz_r, nz_c = np.nonzero(X[r0:r0 + rows])
        A = sparse.csr_matrix((X[r0 + nz_r, nz_c], (nz_r, local[nz_r] * k + nz_c)), shape=(rows, (g1 - g0) * k))
        sums = np.empty((n_boot, g1 - g0, k))
        chunk = max(1, min(max_cells // rows, max_cells // ((g1 - g0) * k)))
        for b0 in range(0, n_boot, chunk):
            c = min(chunk, n_boot - b0)
            draw = local_start[local] + (rng.random((c, rows)) * local_size[local]).astype(np.int64)
            W = np.bincount((draw + np.arange(c)[:, None] * rows).ravel(), minlength=c * rows).reshape(c, rows)
            sums[b0:b0 + c] = (A.T @ W.T).T.reshape(c, g1 - g0, k)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = sums[:, :, 1:1 + n_frames] / sums[:, :, [0]] * 1000
            share = sums[:, :, 1 + n_frames:1 + 2 * n_frames] / sums[:, :, [1 + 2 * n_frames]]
        out[0:2, g0:g1] = _nanquantile(rate, quantiles)
        out[2:4, g0:g1] = _nanquantile(share, quantiles)
        g0 = g1
    return out


def _nanquantile(values: np.ndarray, quantiles) -> np.ndarray:
    """Quantiles over replicates, ignoring replicates without tokens (NaN rates)."""
    if not np.isnan(values).any():
        return np.quantile(values, quantiles, axis=0)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN groups stay NaN
        return np.nanquantile(values, quantiles, axis=0)
