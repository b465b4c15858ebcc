"""Statistics of text tables, shared by several stages (after quanteda's ``textstat_*``).

Inputs are the tables of :mod:`analysis.text`: a tokens table (ids plus a ``tokens``
list column, from :func:`analysis.text.tokens_by_unit`), or sentences and morphemes
keyed by :data:`KEY`. Every output is a tidy DataFrame, sorted with ties broken by
term, so tables are identical across runs:

- **counts** (:func:`count_terms`, :func:`rank_tfidf_terms`): frequent and distinctive
  terms per group, one row per (group, rank);
- **collocations** (:func:`find_collocations`): adjacent token pairs scored by gensim;
- **keyness** (:func:`compute_keyness`, :func:`compute_group_keyness`): which lemmas one
  group uses more than another, by log-likelihood G2 (Dunning 1993; Rayson & Garside
  2000) with the log ratio effect size (Hardie 2014);
- **co-occurrence networks** (:func:`build_cooccurrence_network`, :func:`network_to_frames`):
  lemmas linked when they share a sentence, weighted by count, PMI and Jaccard, with
  Louvain communities drawn from a required ``seed``;
- **concordances** (:func:`make_concordance`): key word in context around frame hits.

Example
-------
>>> units = pd.DataFrame({"speaker": ["이용섭", "권영진"], "tokens": [["일본", "추월"], ["운명", "개척", "운명"]]})
>>> count_terms(units, by="speaker", n=1).values.tolist()
[['권영진', 1, '운명', 2], ['이용섭', 1, '일본', 1]]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse

from analysis.settings import CONTENT_TAGS, NON_TOKEN_TAGS, SENTENCE_KEY as KEY

__all__ = ["build_cooccurrence_network", "compute_correspondence", "compute_group_keyness", "compute_keyness", "count_terms",
           "find_collocations", "make_concordance", "network_to_frames", "rank_tfidf_terms"]


# --------------------------------------------------------------------------- counts


def _identity(tokens):
    return tokens


def _group_matrix(units: pd.DataFrame, by: str):
    from sklearn.feature_extraction.text import CountVectorizer  # a second to import: only when used

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
    from sklearn.feature_extraction.text import TfidfTransformer

    groups, terms, counts = _group_matrix(units, by)
    tfidf = TfidfTransformer().fit_transform(counts)
    table = _top_per_row(tfidf, groups, terms, by, "tfidf", n)
    table["tfidf"] = table["tfidf"].round(6)
    return table


# --------------------------------------------------------------------------- collocations


def find_collocations(token_lists: Iterable[list[str]], min_count: int = 5, threshold: float = 0.5,
                      scoring: str = "npmi", connector_words: Iterable[str] = ()) -> pd.DataFrame:
    """Score adjacent token pairs with gensim ``Phrases``: candidate multiword expressions.

    Returns ``term`` (the two tokens joined by a space), ``count`` and ``score``, best
    first. Terms worth keeping whole can go to :func:`analysis.text.lexicons.promote_to_userdict`
    (check that the term is a surface spelling: tokens are lemmas).

    Example
    -------
    >>> find_collocations([["스마트", "시티", "조성"]] * 6, min_count=3).term.tolist()[0]
    '스마트 시티'
    """
    from gensim.models.phrases import Phrases

    phrases = Phrases(token_lists, min_count=min_count, threshold=threshold, scoring=scoring,
                      delimiter=" ", connector_words=frozenset(connector_words))
    scored = phrases.export_phrases()
    table = pd.DataFrame({"term": list(scored), "count": [int(phrases.vocab[t]) for t in scored],
                          "score": [float(s) for s in scored.values()]})
    return table.sort_values(["score", "count", "term"], ascending=[False, False, True], ignore_index=True)


# --------------------------------------------------------------------------- keyness


def compute_keyness(counts_a: Mapping | pd.Series, counts_b: Mapping | pd.Series, total_a: int | None = None,
                    total_b: int | None = None, min_count: int = 1, names: tuple[str, str] = ("a", "b")) -> pd.DataFrame:
    """Log-likelihood keyness of every term in corpus A against corpus B.

    G2 = 2 * sum(O * ln(O / E)) over the two corpora (Rayson & Garside 2000), with
    p-values from chi-squared with 1 df; log ratio = log2((a/A) / (b/B)) (Hardie 2014),
    a zero count taken as 0.5 so the ratio stays finite. ``total_a``/``total_b``
    default to the sums of the counts. Terms with a + b < ``min_count`` are dropped.

    Columns: term, count_a, count_b, per_1k_a, per_1k_b, g2, p_value, log_ratio,
    key_for (the name of the corpus that over-uses the term), q_value (p adjusted by
    Benjamini-Hochberg over the terms kept, since every term is a test); sorted by g2
    descending.

    Example
    -------
    >>> k = compute_keyness({"일본": 10, "기타": 990}, {"일본": 5, "기타": 1995})
    >>> k.loc[k.term == "일본", ["g2", "log_ratio"]].round(3).values.tolist()
    [[6.931, 2.0]]
    """
    from scipy import stats  # slow to import: only when used

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
    out = out[out["count_a"] + out["count_b"] >= min_count].copy()
    # Many terms are tested at once: Benjamini-Hochberg over the terms kept.
    out["q_value"] = _adjust_bh(out["p_value"].to_numpy())
    return out.sort_values(["g2", "term"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _adjust_bh(p_values: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (the false discovery rate over all terms)."""
    if len(p_values) == 0:
        return p_values
    from statsmodels.stats.multitest import multipletests

    return multipletests(p_values, method="fdr_bh")[1]


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
    >>> s = pd.DataFrame({"doc_id": "d", "sent_id": [1, 2], "voice": ["quote", "narration"]})
    >>> m = pd.DataFrame({"doc_id": "d", "sent_id": [1, 1, 1, 2, 2, 2], "tag": ["NNP", "VV", "SF", "NNG", "VV", "SF"],
    ...                   "lemma": ["일본", "추월하다", ".", "시장", "말하다", "."]})
    >>> k = compute_group_keyness(m, "voice", "quote", sentences=s, min_count=1)
    >>> k[["term", "count_a", "count_b", "key_for"]].values.tolist()
    [['말하다', 0, 1, 'rest'], ['시장', 0, 1, 'rest'], ['일본', 1, 0, 'quote'], ['추월하다', 1, 0, 'quote']]
    """
    m = _with_group(morphemes, group, sentences)
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


def _with_group(morphemes: pd.DataFrame, group: str, sentences: pd.DataFrame | None) -> pd.DataFrame:
    """``morphemes`` with ``group``: its own column, or a sentence column joined on the ids."""
    if group in morphemes.columns:
        return morphemes
    if sentences is None:
        raise ValueError(f"{group!r} is not a morpheme column; pass sentences to join it")
    return morphemes.merge(sentences[KEY + [group]], on=KEY, how="left")


def compute_correspondence(morphemes: pd.DataFrame, group: str, sentences: pd.DataFrame | None = None,
                           tags: Sequence[str] = ("NNG", "NNP"), n_terms: int = 40,
                           min_count: int = 5, min_len: int = 2) -> tuple[pd.DataFrame, np.ndarray]:
    """Correspondence analysis of words by group (KH Coder's 対応分析): which words go
    with which speaker, city or year.

    The ``n_terms`` most frequent lemmas (tags starting with ``tags``, at least
    ``min_len`` characters, at least ``min_count`` times) are cross-tabulated by ``group`` (a morpheme column, or a
    sentence column joined through ``sentences``); the table's standardised residuals
    are decomposed by SVD and both terms and groups get principal coordinates (a
    symmetric map: near each other means used alike). Each dimension's sign is fixed so
    that its largest group coordinate is positive, so runs repeat. Returns the
    coordinates (``kind`` = term or group, ``label``, ``count``, ``dim1``, ``dim2``) and
    each dimension's share of the inertia. Needs three groups for two dimensions.

    Example
    -------
    >>> m = pd.DataFrame({"lemma": ["a", "a", "a", "b", "b", "b", "b", "c", "c", "c", "c", "a"], "tag": "NNG",
    ...                   "speaker": ["x"] * 4 + ["y"] * 4 + ["z"] * 4})
    >>> coords, inertia = compute_correspondence(m, "speaker", min_count=1, min_len=1)
    >>> coords.kind.value_counts().to_dict(), round(float(inertia.sum()), 6)
    ({'term': 3, 'group': 3}, 1.0)
    >>> coords.set_index("label").loc[["a", "x"], "dim1"].gt(0).tolist()  # a goes with x
    [True, True]
    """
    m = _with_group(morphemes, group, sentences)
    m = m[m["tag"].astype(str).str.startswith(tuple(tags)) & m[group].notna() & m[group].astype(str).ne("")
          & m["lemma"].astype(str).str.len().ge(min_len)]
    totals = m["lemma"].value_counts()
    totals = totals[totals >= min_count]
    terms = totals.sort_index().sort_values(ascending=False, kind="stable").index[:n_terms]
    table = pd.crosstab(m.loc[m["lemma"].isin(terms), "lemma"], m.loc[m["lemma"].isin(terms), group].astype(str))
    table = table.loc[:, table.sum(axis=0) > 0]
    if table.shape[1] < 3 or table.shape[0] < 3:
        raise ValueError(f"correspondence analysis needs 3 or more groups and terms; got {table.shape[1]} groups "
                         f"and {table.shape[0]} terms")
    P = table.to_numpy(float) / table.to_numpy().sum()
    r, c = P.sum(axis=1), P.sum(axis=0)
    S = (P - np.outer(r, c)) / np.sqrt(np.outer(r, c))
    U, sv, Vt = np.linalg.svd(S, full_matrices=False)
    rows = U / np.sqrt(r)[:, None] * sv
    cols = Vt.T / np.sqrt(c)[:, None] * sv
    for d in range(min(2, len(sv))):
        sign = np.sign(cols[np.argmax(np.abs(cols[:, d])), d]) or 1.0
        rows[:, d] *= sign
        cols[:, d] *= sign
    inertia = sv ** 2 / (sv ** 2).sum() if (sv ** 2).sum() else sv
    coords = pd.concat([
        pd.DataFrame({"kind": "term", "label": table.index, "count": table.sum(axis=1).to_numpy(),
                      "dim1": rows[:, 0], "dim2": rows[:, 1]}),
        pd.DataFrame({"kind": "group", "label": table.columns, "count": table.sum(axis=0).to_numpy(),
                      "dim1": cols[:, 0], "dim2": cols[:, 1]}),
    ], ignore_index=True)
    coords[["dim1", "dim2"]] = coords[["dim1", "dim2"]].round(6)
    return coords, inertia[: len(sv)]


def build_cooccurrence_network(morphemes: pd.DataFrame, terms: Sequence[str] | None = None, min_count: int = 5,
                               top_n: int = 50, min_edge_count: int = 2, tags: Sequence[str] = CONTENT_TAGS,
                               stopwords=None, *, seed: int) -> nx.Graph:
    """Lemmas as nodes, linked when they occur in the same sentence.

    Nodes are ``terms`` (lemmas) or else the ``top_n`` most frequent content lemmas
    (by number of sentences) occurring in at least ``min_count`` sentences, leaving out
    ``stopwords`` (default: the package's list, :func:`analysis.text.lexicons.read_stopwords`;
    entries are lemmas or (lemma, tag) pairs; pass ``()`` to keep all). Node
    attributes: count (sentences), community. Edge attributes: count (shared
    sentences, at least ``min_edge_count``), pmi = log2(p(ab) / p(a)p(b)), npmi and
    jaccard. ``G.graph["communities"]`` lists Louvain communities (networkx,
    ``seed``), largest first. Nodes are added in a fixed order (count desc, lemma).

    Example
    -------
    >>> m = pd.DataFrame({"doc_id": "d", "sent_id": [1, 1, 2, 2, 3], "tag": "NNG",
    ...                   "lemma": ["일본", "추월", "일본", "추월", "운명"]})
    >>> G = build_cooccurrence_network(m, min_count=1, min_edge_count=1, stopwords=(), seed=0)
    >>> list(G.nodes), G.edges["일본", "추월"]["count"]
    (['일본', '추월', '운명'], 2)
    """
    m = morphemes
    if terms is None:
        from analysis.text.lexicons import read_stopwords

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


# --------------------------------------------------------------------------- concordances


def make_concordance(hits: pd.DataFrame, sentences: pd.DataFrame, width: int = 30) -> pd.DataFrame:
    """Key word in context: up to ``width`` characters of the sentence either side.

    Columns: doc_id, para_id, sent_id, frame, rule, speaker, voice, left, match, right.

    Example
    -------
    >>> s = pd.DataFrame({"doc_id": ["0"], "sent_id": [1], "text": ["이제 일본을 뛰어넘어야 한다."]})
    >>> h = pd.DataFrame({"doc_id": ["0"], "sent_id": [1], "frame": ["japan_rivalry"], "start": [3], "end": [10]})
    >>> make_concordance(h, s, width=3)[["left", "match", "right"]].values.tolist()
    [['이제 ', '일본을 뛰어넘', '어야 ']]
    """
    text = sentences[["doc_id", "sent_id", "text"]]
    df = hits.drop(columns=[c for c in ("text", "match") if c in hits]).merge(text, on=["doc_id", "sent_id"], how="left")
    starts, ends = df["start"].astype(int).to_numpy(), df["end"].astype(int).to_numpy()
    df["left"] = [t[max(0, s - width):s] for t, s in zip(df["text"], starts)]
    df["match"] = [t[s:e] for t, s, e in zip(df["text"], starts, ends)]
    df["right"] = [t[e:e + width] for t, e in zip(df["text"], ends)]
    cols = [c for c in ["doc_id", "para_id", "sent_id", "frame", "rule", "speaker", "voice"] if c in df]
    return df[cols + ["left", "match", "right"]].reset_index(drop=True)
