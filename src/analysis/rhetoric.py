"""Rhetoric: how much each frame is used, by whom, in whose voice, and how well the rules work.

Built on the frame hits of :func:`analysis.frames.match_frames` and the sentence and
morpheme tables of :mod:`analysis.text`:

- **prevalence** (:func:`estimate_frame_prevalence`): hits per 1,000 tokens and the
  share of sentences carrying a frame, per group (document, speaker, city, year ...)
  and per voice (the mayor's quoted words vs the reporter's narration), with bootstrap
  intervals from resampling sentences within each group;
- **keyness** (:func:`compute_keyness`, :func:`compute_group_keyness`): which lemmas one
  group uses more than another, by log-likelihood G2 (Dunning 1993; Rayson & Garside
  2000) with the log ratio effect size (Hardie 2014);
- **co-occurrence networks** (:func:`build_cooccurrence_network`): lemmas linked when
  they share a sentence, weighted by count, PMI and Jaccard, with Louvain communities;
- **validation** (:func:`draw_validation_sample` -> :func:`write_coding_sheet` -> two
  human coders -> :func:`read_coding_sheet` -> :func:`score_validation`): per-frame
  precision, recall and F1 of the rules against human codes, and Krippendorff's alpha
  between the coders (the ``krippendorff`` package).

Every output is a tidy DataFrame, sorted, and random draws come from
``numpy.random.default_rng(seed)``, so results repeat exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse, stats

KEY = ["doc_id", "sent_id"]
CONTENT_TAGS = ("NNG", "NNP", "VV", "VA", "XR", "SL")
# Punctuation, brackets and other symbols are not words; foreign words (SL), numbers
# (SN) and hanja (SH) are.
NON_TOKEN_TAGS = ("SF", "SP", "SS", "SE", "SO", "SW", "SB")


# --------------------------------------------------------------------------- prevalence


def _count_tokens(morphemes: pd.DataFrame) -> pd.Series:
    words = morphemes[~morphemes["tag"].astype(str).str.startswith(NON_TOKEN_TAGS)]
    return words.groupby(KEY).size().rename("n_tokens")


def _frame_list(hits: pd.DataFrame, frames) -> list[str]:
    if frames is None:
        return sorted(hits["frame"].unique())
    return list(getattr(frames, "ids", frames))


def estimate_frame_prevalence(hits: pd.DataFrame, sentences: pd.DataFrame, morphemes: pd.DataFrame,
                              by: Sequence[str] = ("doc_id",), frames=None, n_boot: int = 1000,
                              seed: int = 0, ci: float = 0.95, include_all: bool = True,
                              quotes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Frame prevalence per group and voice, with percentile bootstrap intervals.

    ``by`` names columns of ``sentences`` (merge document metadata such as city or year
    into ``sentences`` first; ``[]`` pools everything). Each group is split by ``voice``;
    with ``include_all`` a row with ``voice == "all"`` is added. The bootstrap resamples
    sentences with replacement within each group and voice (hits travel with their
    sentence), ``n_boot`` times, from ``numpy.random.default_rng(seed)``. ``frames`` (ids
    or a FrameSet) fixes the frames reported, zero rows included.

    Voice is the sentence's unless ``quotes`` (the text layer's quotes table) is given.
    Kiwi keeps a quote and its reporting clause in one sentence, so with ``quotes`` each
    sentence is split into voice segments: its tokens inside quoted spans (quote) and
    the rest (narration); hits count in the voice of their own span (see
    :func:`analysis.frames.attribute_hits_to_quotes`) and the unit of resampling and
    of ``share`` is the segment. ``voice == "all"`` always uses whole sentences.

    Columns: ``*by``, voice, frame, n_sentences (sentences or segments), n_tokens
    (punctuation excluded), n_hits, n_hit_sentences, per_1k (hits per 1,000 tokens),
    per_1k_low, per_1k_high, share (of sentences or segments with the frame),
    share_low, share_high.

    Example
    -------
    >>> prev = estimate_frame_prevalence(hits, t.sentences, t.morphemes, by=["doc_id"])  # doctest: +SKIP
    >>> prev.query("voice == 'quote'")[["doc_id", "frame", "per_1k"]]  # doctest: +SKIP
    """
    by = list(by)
    frame_ids = _frame_list(hits, frames)
    n_frames = len(frame_ids)
    sent = sentences[list(dict.fromkeys(KEY + by + ["voice"]))].copy()
    sent["_voice"] = sent["voice"].astype(str)
    sent = sent.merge(_count_tokens(morphemes).reset_index(), on=KEY, how="left")
    sent["n_tokens"] = sent["n_tokens"].fillna(0).astype(np.int64)
    h = hits[hits["frame"].isin(frame_ids)]
    if quotes is not None:
        from analysis.frames import attribute_hits_to_quotes

        if "sentence_voice" in h:  # already attributed: start again from the sentence's voice
            h = h.assign(voice=h["sentence_voice"]).drop(columns="sentence_voice")
        h = attribute_hits_to_quotes(h.drop(columns=["voice"]).merge(sent[KEY + ["voice"]], on=KEY),
                                     sentences, quotes)
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
    codes = table.groupby(group_cols, sort=True, dropna=False).ngroup().to_numpy()
    order = np.argsort(codes, kind="stable")
    table, codes = table.iloc[order].reset_index(drop=True), codes[order]
    hit = table[frame_ids].to_numpy(float).reshape(len(table), n_frames)
    # Columns: tokens, hits per frame, sentence has the frame (per frame).
    X = np.hstack([table[["n_tokens"]].to_numpy(float), hit, (hit > 0).astype(float)])
    sizes = np.bincount(codes)
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    totals = np.add.reduceat(X, starts, axis=0) if len(table) else np.zeros((0, X.shape[1]))
    alpha = (1 - ci) / 2
    bounds = _bootstrap_bounds(np.random.default_rng(seed), X, codes, sizes, starts, n_frames, n_boot, (alpha, 1 - alpha))
    keys = table.iloc[starts][group_cols].rename(columns={"_voice": "voice"}).reset_index(drop=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = totals[:, 1:1 + n_frames] / totals[:, [0]] * 1000
    share = totals[:, 1 + n_frames:] / sizes[:, None]
    out = keys.loc[keys.index.repeat(n_frames)].reset_index(drop=True)
    out["frame"] = np.tile(frame_ids, len(keys))
    out["n_sentences"] = np.repeat(sizes, n_frames)
    out["n_tokens"] = np.repeat(totals[:, 0], n_frames).astype(np.int64)
    out["n_hits"] = totals[:, 1:1 + n_frames].ravel().astype(np.int64)
    out["n_hit_sentences"] = totals[:, 1 + n_frames:].ravel().astype(np.int64)
    out["per_1k"], out["per_1k_low"], out["per_1k_high"] = rate.ravel(), bounds[0].ravel(), bounds[1].ravel()
    out["share"], out["share_low"], out["share_high"] = share.ravel(), bounds[2].ravel(), bounds[3].ravel()
    return out


def _split_voice_segments(sent: pd.DataFrame, morphemes: pd.DataFrame, sentences: pd.DataFrame,
                          quotes: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence and voice that has tokens: tokens inside located quote
    spans are quote, the rest narration; sentences without located quotes keep their
    own voice."""
    from analysis.frames import locate_quotes

    spans = locate_quotes(sentences, quotes)
    words = morphemes.loc[~morphemes["tag"].astype(str).str.startswith(NON_TOKEN_TAGS), KEY + ["start"]]
    words = words.merge(sent[KEY + ["_voice"]], on=KEY, how="left").reset_index(drop=True)
    pairs = words[KEY + ["start"]].reset_index().merge(spans[KEY + ["q_start", "q_end"]], on=KEY)
    quoted = pairs.loc[(pairs["start"] >= pairs["q_start"]) & (pairs["start"] < pairs["q_end"]), "index"].unique()
    located = words.set_index(KEY).index.isin(spans.set_index(KEY).index)
    words["_voice"] = np.where(located, "narration", words["_voice"].astype(str))
    words.loc[quoted, "_voice"] = "quote"
    tokens = words.groupby(KEY + ["_voice"]).size().rename("n_tokens").reset_index()
    # Sentences without any word still count once, in their own voice.
    empty = sent.loc[~sent.set_index(KEY).index.isin(tokens.set_index(KEY).index), KEY + ["_voice"]]
    tokens = pd.concat([tokens, empty.assign(n_tokens=0)], ignore_index=True)
    return tokens.merge(sent.drop(columns=["_voice", "n_tokens", "voice"]), on=KEY, how="left")


def _bootstrap_bounds(rng: np.random.Generator, X: np.ndarray, codes: np.ndarray, sizes: np.ndarray,
                      starts: np.ndarray, n_frames: int, n_boot: int, quantiles, max_cells: int = 1 << 22):
    """Percentile bounds of the rate and the share for every group: (rate_lo, rate_hi,
    share_lo, share_hi), each groups x frames.

    A replicate draws each group's sentences with replacement; the draw counts W
    (replicates x sentences) times the sparse per-sentence values give the resampled
    group totals at once. Groups are processed in batches and replicates in chunks so
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
        share = sums[:, :, 1 + n_frames:] / local_size[None, :, None]
        out[0:2, g0:g1] = _nanquantile(rate, quantiles)
        out[2:4, g0:g1] = np.quantile(share, quantiles, axis=0)
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


# --------------------------------------------------------------------------- keyness


def compute_keyness(counts_a: Mapping | pd.Series, counts_b: Mapping | pd.Series, total_a: int | None = None,
                    total_b: int | None = None, min_count: int = 1, names: tuple[str, str] = ("a", "b")) -> pd.DataFrame:
    """Log-likelihood keyness of every term in corpus A against corpus B.

    G2 = 2 * sum(O * ln(O / E)) over the two corpora (Rayson & Garside 2000), with
    p-values from chi-squared with 1 df; log ratio = log2((a/A) / (b/B)) (Hardie 2014),
    a zero count taken as 0.5 so the ratio stays finite. ``total_a``/``total_b``
    default to the sums of the counts. Terms with a + b < ``min_count`` are dropped.

    Columns: term, count_a, count_b, per_1k_a, per_1k_b, g2, p_value, log_ratio,
    key_for (the name of the corpus that over-uses the term); sorted by g2 descending.

    Example
    -------
    >>> k = compute_keyness({"일본": 10, "기타": 990}, {"일본": 5, "기타": 1995})
    >>> k.loc[k.term == "일본", ["g2", "log_ratio"]].round(3).values.tolist()
    [[6.931, 2.0]]
    """
    a = pd.Series(counts_a, dtype=float)
    b = pd.Series(counts_b, dtype=float)
    terms = a.index.union(b.index)
    a, b = a.reindex(terms, fill_value=0), b.reindex(terms, fill_value=0)
    total_a = float(a.sum() if total_a is None else total_a)
    total_b = float(b.sum() if total_b is None else total_b)
    if total_a <= 0 or total_b <= 0:
        raise ValueError("both corpora need a positive number of tokens")
    expected_a = total_a * (a + b) / (total_a + total_b)
    expected_b = total_b * (a + b) / (total_a + total_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        part_a = np.where(a > 0, a * np.log(a / expected_a), 0.0)
        part_b = np.where(b > 0, b * np.log(b / expected_b), 0.0)
    g2 = 2 * (part_a + part_b)
    log_ratio = np.log2((a.where(a > 0, 0.5) / total_a) / (b.where(b > 0, 0.5) / total_b))
    out = pd.DataFrame({
        "term": terms, "count_a": a.to_numpy(np.int64), "count_b": b.to_numpy(np.int64),
        "per_1k_a": (a / total_a * 1000).to_numpy(), "per_1k_b": (b / total_b * 1000).to_numpy(),
        "g2": g2, "p_value": stats.chi2.sf(g2, 1), "log_ratio": log_ratio.to_numpy(),
    })
    out["key_for"] = np.where(out["log_ratio"] >= 0, names[0], names[1])
    out = out[out["count_a"] + out["count_b"] >= min_count]
    return out.sort_values(["g2", "term"], ascending=[False, True], kind="stable").reset_index(drop=True)


def compute_group_keyness(morphemes: pd.DataFrame, group: str, target, reference=None,
                          sentences: pd.DataFrame | None = None, tags: Sequence[str] = CONTENT_TAGS,
                          min_count: int = 5) -> pd.DataFrame:
    """Keyness of lemmas in one group of sentences against another (or all the rest).

    ``group`` is a column of ``morphemes`` or, if ``sentences`` is given, of
    ``sentences`` (e.g. ``voice`` or ``speaker``), joined on doc_id and sent_id.
    Corpus sizes count all word tokens (punctuation excluded), so keyness is relative
    to how much each group says; only lemmas with tags starting with ``tags`` are listed.

    Example
    -------
    >>> compute_group_keyness(t.morphemes, "voice", "quote", sentences=t.sentences).head()  # doctest: +SKIP
    """
    m = morphemes
    if group not in m.columns:
        if sentences is None:
            raise ValueError(f"{group!r} is not a morpheme column; pass sentences to join it")
        m = m.merge(sentences[KEY + [group]], on=KEY, how="left")
    m = m[~m["tag"].astype(str).str.startswith(NON_TOKEN_TAGS)]
    in_a = m[group] == target
    in_b = ~in_a if reference is None else m[group] == reference
    content = m["tag"].astype(str).str.startswith(tuple(tags))
    counts_a = m.loc[in_a & content, "lemma"].value_counts()
    counts_b = m.loc[in_b & content, "lemma"].value_counts()
    names = (str(target), "rest" if reference is None else str(reference))
    return compute_keyness(counts_a, counts_b, total_a=int(in_a.sum()), total_b=int(in_b.sum()),
                           min_count=min_count, names=names)


# --------------------------------------------------------------------------- networks


def build_cooccurrence_network(morphemes: pd.DataFrame, terms: Sequence[str] | None = None, min_count: int = 5,
                               top_n: int = 50, min_edge_count: int = 2, tags: Sequence[str] = CONTENT_TAGS,
                               stopwords=None, seed: int = 0) -> nx.Graph:
    """Lemmas as nodes, linked when they occur in the same sentence.

    Nodes are ``terms`` (lemmas) or else the ``top_n`` most frequent content lemmas
    (by number of sentences) occurring in at least ``min_count`` sentences, leaving out
    ``stopwords`` (default: the package's list, :func:`analysis.lexicons.read_stopwords`;
    entries are lemmas or (lemma, tag) pairs; pass ``()`` to keep all). Node
    attributes: count (sentences), community. Edge attributes: count (shared
    sentences, at least ``min_edge_count``), pmi = log2(p(ab) / p(a)p(b)), npmi and
    jaccard. ``G.graph["communities"]`` lists Louvain communities (networkx,
    ``seed``), largest first. Nodes are added in a fixed order (count desc, lemma).

    Example
    -------
    >>> G = build_cooccurrence_network(t.morphemes, top_n=30)  # doctest: +SKIP
    >>> nodes, edges = network_to_frames(G)  # doctest: +SKIP
    """
    m = morphemes
    if terms is None:
        from analysis.lexicons import read_stopwords

        stop = read_stopwords() if stopwords is None else frozenset(stopwords)
        tag = m["tag"].astype(str)
        dropped = m["lemma"].isin({w for w in stop if isinstance(w, str)})
        pairs = {w for w in stop if isinstance(w, tuple)}
        if pairs:
            dropped |= pd.Series(list(zip(m["lemma"], tag)), index=m.index).isin(pairs)
        m = m[tag.str.startswith(tuple(tags)) & ~dropped]
    m = m[KEY + ["lemma"]].drop_duplicates()
    n_sent = int(morphemes[KEY].drop_duplicates().shape[0])
    df = m.groupby("lemma").size()
    if terms is None:
        df = df[df >= min_count]
        chosen = df.sort_index().sort_values(ascending=False, kind="stable").head(top_n)
    else:
        chosen = df.reindex(pd.Index(list(dict.fromkeys(terms)), name="lemma")).dropna()
        chosen = chosen.sort_index().sort_values(ascending=False, kind="stable").astype(int)
    G = nx.Graph()
    G.graph.update(n_sentences=n_sent, seed=seed)
    for lemma, count in chosen.items():
        G.add_node(lemma, count=int(count))
    if len(chosen) < 2:
        G.graph["communities"] = [[n] for n in G.nodes]
        nx.set_node_attributes(G, {n: i for i, n in enumerate(G.nodes)}, "community")
        return G
    m = m[m["lemma"].isin(chosen.index)]
    sent_codes = m.groupby(KEY, sort=True).ngroup().to_numpy()
    term_codes = pd.Categorical(m["lemma"], categories=list(chosen.index)).codes
    X = sparse.csr_matrix((np.ones(len(m)), (sent_codes, term_codes)), shape=(sent_codes.max() + 1, len(chosen)))
    co = sparse.triu(X.T @ X, k=1).tocoo()
    names, freq = list(chosen.index), chosen.to_numpy(float)
    for i, j, c in sorted(zip(co.row, co.col, co.data)):
        if c < min_edge_count:
            continue
        p_ab, p_a, p_b = c / n_sent, freq[i] / n_sent, freq[j] / n_sent
        pmi = float(np.log2(p_ab / (p_a * p_b)))
        npmi = pmi / -np.log2(p_ab) if p_ab < 1 else 1.0
        G.add_edge(names[i], names[j], count=int(c), pmi=pmi, npmi=float(npmi),
                   jaccard=float(c / (freq[i] + freq[j] - c)))
    communities = nx.community.louvain_communities(G, weight="count", seed=seed)
    communities = sorted((sorted(c, key=names.index) for c in communities), key=lambda c: (-len(c), names.index(c[0])))
    G.graph["communities"] = communities
    nx.set_node_attributes(G, {n: k for k, c in enumerate(communities) for n in c}, "community")
    return G


def network_to_frames(G: nx.Graph) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The network as two tidy tables: nodes (lemma, count, community, degree) and
    edges (source, target, count, pmi, npmi, jaccard), sorted.

    Example
    -------
    >>> G = nx.Graph(); G.add_node("일본", count=3, community=0)
    >>> network_to_frames(G)[0].values.tolist()
    [['일본', 3, 0, 0]]
    """
    nodes = pd.DataFrame([{"lemma": n, **d, "degree": G.degree(n)} for n, d in G.nodes(data=True)],
                         columns=["lemma", "count", "community", "degree"])
    edges = pd.DataFrame([{"source": a, "target": b, **d} for a, b, d in G.edges(data=True)],
                         columns=["source", "target", "count", "pmi", "npmi", "jaccard"])
    nodes = nodes.sort_values(["community", "count", "lemma"], ascending=[True, False, True], kind="stable")
    edges = edges.sort_values(["count", "source", "target"], ascending=[False, True, True], kind="stable")
    return nodes.reset_index(drop=True), edges.reset_index(drop=True)


# --------------------------------------------------------------------------- validation

CODER_SUFFIXES = ("coder1", "coder2")
_TRUE = {"1", "1.0", "y", "yes", "true", "o", "예"}
_FALSE = {"0", "0.0", "n", "no", "false", "x", "아니오"}


def draw_validation_sample(sentences: pd.DataFrame, hits: pd.DataFrame, n_per_stratum: int = 20, seed: int = 0,
                           frames=None, by_voice: bool = True) -> pd.DataFrame:
    """A stratified random sample of sentences for human coding.

    Each sentence belongs to one stratum: the first frame (in ``frames`` order, default
    alphabetical) it hits, or ``none``; with ``by_voice`` strata are split by voice too,
    so quoted and narrated sentences are both checked. Up to ``n_per_stratum``
    sentences are drawn per stratum without replacement. ``weight`` (stratum size /
    sample size) lets recall be estimated for the corpus, since sentences without hits
    are under-sampled. Rows are shuffled so coders do not see the strata.

    Columns: item, doc_id, para_id, sent_id, voice, speaker, text, stratum,
    stratum_size, weight, predicted (frames hit, ';'-joined).

    Example
    -------
    >>> sample = draw_validation_sample(t.sentences, hits, n_per_stratum=25, seed=1)  # doctest: +SKIP
    """
    frame_ids = _frame_list(hits, frames)
    rank = {f: i for i, f in enumerate(frame_ids)}
    h = hits[hits["frame"].isin(rank)].assign(_rank=lambda d: d["frame"].map(rank))
    h = h.sort_values(KEY + ["_rank"], kind="stable")
    predicted = h.drop_duplicates(KEY + ["frame"]).groupby(KEY)["frame"].agg(";".join).rename("predicted")
    first = h.drop_duplicates(KEY).set_index(KEY)["frame"].rename("stratum")
    cols = [c for c in ["doc_id", "para_id", "sent_id", "voice", "speaker", "text"] if c in sentences]
    s = sentences[cols].merge(first.reset_index(), on=KEY, how="left").merge(predicted.reset_index(), on=KEY, how="left")
    s["stratum"] = s["stratum"].fillna("none")
    s["predicted"] = s["predicted"].fillna("")
    if by_voice:
        s["stratum"] = s["stratum"] + "|" + s["voice"].astype(str)
    s = s.sort_values(["stratum"] + KEY, kind="stable").reset_index(drop=True)
    rng = np.random.default_rng(seed)
    picked = []
    for stratum, index in s.groupby("stratum", sort=True).indices.items():
        take = min(n_per_stratum, len(index))
        chosen = rng.choice(index, size=take, replace=False)
        picked.append(s.loc[np.sort(chosen)].assign(stratum_size=len(index), weight=len(index) / take))
    sample = pd.concat(picked, ignore_index=True) if picked else s.assign(stratum_size=0, weight=np.nan).iloc[:0]
    sample = sample.iloc[rng.permutation(len(sample))].reset_index(drop=True)
    sample.insert(0, "item", np.arange(1, len(sample) + 1))
    return sample[["item"] + cols + ["stratum", "stratum_size", "weight", "predicted"]]


def write_coding_sheet(sample: pd.DataFrame, path: str | Path, frames=None) -> Path:
    """Write a blind coding sheet: ids, speaker, voice, sentence and, per frame, an
    empty column for each coder (``<frame>__coder1``, ``<frame>__coder2``) and notes.

    Predictions and strata are left out so coders are not led. ``.xlsx`` writes an
    Excel file (with a second sheet explaining the codes), anything else a CSV in
    UTF-8 with BOM so that Excel shows Korean correctly. Coders enter 1 (frame
    present) or 0 (absent).

    Example
    -------
    >>> write_coding_sheet(sample, "coding/frames_round1.xlsx", frames=load_frames())  # doctest: +SKIP
    """
    from analysis.io import write_atomic

    frame_ids = list(getattr(frames, "ids", frames)) if frames is not None else _predicted_frames(sample)
    cols = [c for c in ["item", "doc_id", "para_id", "sent_id", "speaker", "voice", "text"] if c in sample]
    sheet = sample[cols].copy()
    for frame in frame_ids:
        for coder in CODER_SUFFIXES:
            sheet[f"{frame}__{coder}"] = ""
    sheet["notes"] = ""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        guide = pd.DataFrame({"column": [f"{f}__{c}" for f in frame_ids for c in CODER_SUFFIXES],
                              "code": "1 = the sentence uses this frame, 0 = it does not"})

        def write(tmp):
            # A file handle, because ExcelWriter refuses the temporary file's suffix.
            with open(tmp, "wb") as handle, pd.ExcelWriter(handle, engine="openpyxl") as xl:
                sheet.to_excel(xl, sheet_name="coding", index=False)
                guide.to_excel(xl, sheet_name="guide", index=False)
        return write_atomic(path, write)
    return write_atomic(path, lambda tmp: sheet.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n"))


def _predicted_frames(sample: pd.DataFrame) -> list[str]:
    found = {f for p in sample.get("predicted", pd.Series(dtype=str)) for f in str(p).split(";") if f}
    return sorted(found)


def read_coding_sheet(path: str | Path) -> pd.DataFrame:
    """Read a coding sheet back: ids as text, coder cells as 1.0 / 0.0 / NaN (uncoded).

    Accepted codes: 1/0, y/n, yes/no, true/false, and O/X as Korean coders mark them
    (O present, X absent); a blank cell is uncoded; anything else is an error naming
    the row and column.

    Example
    -------
    >>> coded = read_coding_sheet("coding/frames_round1.xlsx")  # doctest: +SKIP
    """
    path = Path(path)
    read = pd.read_excel if path.suffix.lower() == ".xlsx" else pd.read_csv
    kwargs = {"sheet_name": "coding"} if path.suffix.lower() == ".xlsx" else {"encoding": "utf-8-sig"}
    df = read(path, dtype=str, keep_default_na=False, **kwargs)
    for col in df.columns:
        if col.endswith(tuple(f"__{c}" for c in CODER_SUFFIXES)) or col.endswith("__gold"):
            df[col] = [_parse_code(v, path, col, i) for i, v in enumerate(df[col])]
    for col in ("para_id", "sent_id", "item"):
        if col in df:
            df[col] = pd.to_numeric(df[col])
    return df


def _parse_code(value: str, path: Path, col: str, row: int) -> float:
    v = str(value).strip().casefold()
    if v == "":
        return np.nan
    if v in _TRUE:
        return 1.0
    if v in _FALSE:
        return 0.0
    raise ValueError(f"{path}: row {row + 2}, column {col}: code {value!r} is not 1 or 0")


def score_validation(coded: pd.DataFrame, hits: pd.DataFrame, frames=None) -> pd.DataFrame:
    """Per-frame agreement of the rules with human coders, and between the coders.

    The human label for a sentence is ``<frame>__gold`` where given (adjudication),
    else the coders' label where both agree or only one coded; sentences where the
    coders disagree without adjudication are left out of precision and recall and
    counted in ``n_unresolved``. The rules' label is whether ``hits`` has the frame in
    that sentence. If ``coded`` carries ``weight`` (from :func:`draw_validation_sample`)
    the weighted precision and recall estimate corpus-level values.

    Columns: frame, n, tp, fp, fn, tn, precision, recall, f1, weighted_precision,
    weighted_recall, n_unresolved, n_double_coded, alpha (Krippendorff's nominal alpha
    between coder1 and coder2; NaN when undefined, e.g. only one value was ever used).

    Example
    -------
    >>> score_validation(read_coding_sheet("coding/round1.xlsx"), hits)  # doctest: +SKIP
    """
    import krippendorff

    if frames is None:
        frame_ids = sorted({c.split("__")[0] for c in coded.columns if c.endswith(f"__{CODER_SUFFIXES[0]}")})
    else:
        frame_ids = list(getattr(frames, "ids", frames))
    keys = coded[KEY].astype({"doc_id": str, "sent_id": np.int64})
    predicted = set(zip(hits["doc_id"].astype(str), hits["sent_id"].astype(np.int64), hits["frame"]))
    weight = coded["weight"].astype(float).to_numpy() if "weight" in coded else np.ones(len(coded))
    rows = []
    for frame in frame_ids:
        c1 = coded.get(f"{frame}__coder1", pd.Series(np.nan, index=coded.index)).astype(float).to_numpy()
        c2 = coded.get(f"{frame}__coder2", pd.Series(np.nan, index=coded.index)).astype(float).to_numpy()
        gold = coded.get(f"{frame}__gold", pd.Series(np.nan, index=coded.index)).astype(float).to_numpy()
        agreed = np.where(np.isnan(c1), c2, np.where(np.isnan(c2) | (c1 == c2), c1, np.nan))
        human = np.where(np.isnan(gold), agreed, gold)
        unresolved = np.isnan(gold) & ~np.isnan(c1) & ~np.isnan(c2) & (c1 != c2)
        pred = np.array([(d, s, frame) in predicted for d, s in zip(keys["doc_id"], keys["sent_id"])])
        ok = ~np.isnan(human)
        y, p, w = human[ok] == 1, pred[ok], weight[ok]
        tp, fp, fn, tn = int((y & p).sum()), int((~y & p).sum()), int((y & ~p).sum()), int((~y & ~p).sum())
        precision = tp / (tp + fp) if tp + fp else np.nan
        recall = tp / (tp + fn) if tp + fn else np.nan
        f1 = 2 * precision * recall / (precision + recall) if tp else (0.0 if tp + fp + fn else np.nan)
        wp = (w * (y & p)).sum() / (w * p).sum() if p.any() else np.nan
        wr = (w * (y & p)).sum() / (w * y).sum() if y.any() else np.nan
        both = ~np.isnan(c1) & ~np.isnan(c2)
        try:
            alpha = float(krippendorff.alpha(reliability_data=np.vstack([c1, c2]), level_of_measurement="nominal"))
        except ValueError:  # one value only: agreement beyond chance is undefined
            alpha = np.nan
        rows.append((frame, int(ok.sum()), tp, fp, fn, tn, precision, recall, f1, wp, wr,
                     int(unresolved.sum()), int(both.sum()), alpha))
    cols = ["frame", "n", "tp", "fp", "fn", "tn", "precision", "recall", "f1", "weighted_precision",
            "weighted_recall", "n_unresolved", "n_double_coded", "alpha"]
    return pd.DataFrame(rows, columns=cols).sort_values("frame", kind="stable").reset_index(drop=True)
