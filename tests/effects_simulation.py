"""Simulated corpora with planted effects, to measure how often intervals cover the truth.

Used by ``test_effects.py``; ``python tests/effects_simulation.py`` prints the coverage
table quoted in the README. Each corpus is drawn from ``numpy.random.default_rng(seed)``.

- **Frames.** 80 documents, half in group A (2 hits per 1,000 tokens) and half in B (3
  per 1,000): the planted rate ratio is 1.5. Documents vary in length (about 150-3,000
  tokens) and in how much they use the frame (a gamma frailty of mean 1), so hits
  cluster within documents; each document is cut into sentences of 20 tokens.
- **Topics.** 100 documents from 2017-2021 whose expected share of a topic rises by
  0.05 a year: the planted 2021-2017 difference is 0.20. Documents vary around it
  (Beta, precision 10), the topic model estimates each share with noise that shrinks
  with the document's length, and each document is cut into paragraphs of 60 tokens
  whose shares vary around the document's.

For each corpus, the document-level estimate (:func:`analysis.effects.estimate_effects`)
and the old sentence-level (paragraph-level) bootstrap are both computed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.effects import estimate_effects

FRAME_RATIO = 1.5
TOPIC_DIFFERENCE = 0.20


def draw_frame_corpus(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Documents (group, tokens, hits) and their sentences (group, tokens, hits)."""
    n = 80
    group = np.repeat(["A", "B"], n // 2)
    tokens = np.clip(np.exp(rng.normal(6.5, 0.7, n)), 150, 3000).astype(int)
    frailty = rng.gamma(2.0, 0.5, n)
    rate = np.where(group == "A", 2.0, 2.0 * FRAME_RATIO) / 1000
    hits = rng.poisson(rate * frailty * tokens)
    docs = pd.DataFrame({"doc_id": np.arange(n), "group": group, "tokens": tokens, "hits": hits})
    rows = []
    for d, g, t, h in zip(docs.doc_id, group, tokens, hits):
        sizes = np.full(t // 20, 20)
        sizes[-1] += t - sizes.sum()
        rows.append(pd.DataFrame({"doc_id": d, "group": g, "tokens": sizes,
                                  "hits": rng.multinomial(h, sizes / sizes.sum())}))
    return docs, pd.concat(rows, ignore_index=True)


def draw_topic_corpus(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Documents (year, tokens, estimated share) and their paragraphs (year, share)."""
    n = 100
    year = rng.integers(2017, 2022, n)
    mean = 0.15 + 0.05 * (year - 2017)
    true = rng.beta(mean * 10, (1 - mean) * 10)
    tokens = np.clip(np.exp(rng.normal(6.0, 0.6, n)), 120, 2000).astype(int)
    estimated = rng.beta(tokens * true + 1, tokens * (1 - true) + 1)
    docs = pd.DataFrame({"doc_id": np.arange(n), "year": year, "tokens": tokens, "share": estimated})
    rows = []
    for d, y, t, s in zip(docs.doc_id, year, tokens, estimated):
        k = max(1, t // 60)
        rows.append(pd.DataFrame({"doc_id": d, "year": y, "share": rng.beta(s * 20 + 0.1, (1 - s) * 20 + 0.1, k)}))
    return docs, pd.concat(rows, ignore_index=True)


def bootstrap_units(values: dict[str, np.ndarray], statistic, rng: np.random.Generator, n_boot: int = 300):
    """Percentile 95% interval of ``statistic`` after resampling the rows of each group."""
    draws = []
    for _ in range(n_boot):
        draws.append(statistic({g: v[rng.integers(0, len(v), len(v))] for g, v in values.items()}))
    return np.quantile(draws, [0.025, 0.975])


def simulate_frames(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    docs, sentences = draw_frame_corpus(rng)
    fit = estimate_effects(docs, "hits", "C(group)", exposure="tokens", seed=seed, n_sims=1000)
    ratio = fit.contrast({"group": "B"}, {"group": "A"}).set_index("measure").loc["ratio"]
    by_sentence = bootstrap_units(
        {g: s[["hits", "tokens"]].to_numpy(float) for g, s in sentences.groupby("group")},
        lambda v: (v["B"][:, 0].sum() / v["B"][:, 1].sum()) / (v["A"][:, 0].sum() / v["A"][:, 1].sum()), rng)
    return {"document": ratio.low <= FRAME_RATIO <= ratio.high,
            "sentence": by_sentence[0] <= FRAME_RATIO <= by_sentence[1]}


def simulate_topics(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    docs, paragraphs = draw_topic_corpus(rng)
    fit = estimate_effects(docs, "share", "bs(year, df=3)", concentration="tokens", n_compositions=10,
                           seed=seed, n_sims=1000)
    diff = fit.contrast({"year": 2021}, {"year": 2017}).iloc[0]
    by_paragraph = bootstrap_units(
        {y: p["share"].to_numpy(float) for y, p in paragraphs[paragraphs.year.isin([2017, 2021])].groupby("year")},
        lambda v: v[2021].mean() - v[2017].mean(), rng)
    return {"document": diff.low <= TOPIC_DIFFERENCE <= diff.high,
            "sentence": by_paragraph[0] <= TOPIC_DIFFERENCE <= by_paragraph[1]}


def measure_coverage(n_corpora: int = 200, first_seed: int = 1) -> pd.DataFrame:
    """Share of corpora whose 95% interval covers the planted value, per method."""
    rows = []
    for name, simulate in (("frame rate ratio", simulate_frames), ("topic share difference", simulate_topics)):
        results = pd.DataFrame([simulate(first_seed + i) for i in range(n_corpora)])
        rows.append({"estimand": name, "corpora": n_corpora, "document level": results["document"].mean(),
                     "sentence level": results["sentence"].mean()})
    return pd.DataFrame(rows)


if __name__ == "__main__":
    print(measure_coverage().to_string(index=False))
