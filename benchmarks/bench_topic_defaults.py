"""Which vocabulary gives coherent topics: the defaults measured on real speeches.

For a seeded sample of N presidential speeches (300 and 1,000 by default), documents
as units, K = 20, seed 1, every variant is scored by the same measure: document-level
NPMI of each topic's top 10 terms (:func:`analysis.topics.score_npmi_documents`, over
the variant's own token lists of the same documents), with its fit time.

- vocabulary variants, all with the default engine (NMF): the POS filter (nouns, verbs
  and adjectives, or nouns only), the upper document-frequency bound ``max_df``, and
  proper nouns (names of people and places) kept or dropped;
- the baseline: ten lines of scikit-learn on Kiwi nouns of two or more syllables with
  ``max_df`` 0.5, no user dictionary or synonyms;
- every engine with the chosen defaults.

Usage: ``python benchmarks/bench_topic_defaults.py [--n 300 1000]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import show_table, write_machine  # noqa: E402
from _speeches import import_speeches, select_speeches  # noqa: E402

from analysis import DEFAULTS, Settings, TopicModel, analyse_documents, tokens_by_unit  # noqa: E402
from analysis.topics import ENGINES, score_npmi_documents  # noqa: E402
from analysis.topics.model import top_terms  # noqa: E402

K, SEED = 20, 1
SEEDS = (1, 2, 3)  # each fit repeated with three seeds: the mean and the spread are reported
VARIANTS = {
    "nouns+verbs+adjectives, max_df 1.0 (before)": Settings(pos=("NNG", "NNP", "VV", "VA"), max_df=1.0),
    "nouns+verbs+adjectives, max_df 0.5": Settings(pos=("NNG", "NNP", "VV", "VA"), max_df=0.5),
    "nouns, max_df 1.0": Settings(pos=("NNG", "NNP"), max_df=1.0),
    "nouns, max_df 0.5": Settings(pos=("NNG", "NNP"), max_df=0.5),
    "nouns, max_df 0.3": Settings(pos=("NNG", "NNP"), max_df=0.3),
    "common nouns only, max_df 0.5": Settings(pos=("NNG",), max_df=0.5),
}


def sample_documents(n: int) -> pd.DataFrame:
    """The benchmark's nested seeded sample of ``n`` speeches, through the corpus stage."""
    import tempfile

    path = Path(tempfile.gettempdir()) / f"speeches-{n}.parquet"
    select_speeches(n).to_parquet(path, index=False)
    return import_speeches(path).documents


def fit_and_score(units: pd.DataFrame, settings: Settings, engine: str = "nmf") -> dict:
    scores, seconds = [], []
    for seed in SEEDS:
        t0 = time.perf_counter()
        model = TopicModel(engine, K, seed=seed, min_df=settings.min_df, max_df=settings.max_df).fit(units)
        seconds.append(time.perf_counter() - t0)
        scores.append(float(np.nanmean(score_npmi_documents(top_terms(model, 10), units["tokens"].tolist()))))
    return {"npmi_doc": np.mean(scores), "npmi_doc_sd": np.std(scores, ddof=1), "fit_seconds": np.mean(seconds),
            "n_terms": len(model.vocabulary_)}


def score_baseline(documents: pd.DataFrame) -> dict:
    """The ten-line baseline: Kiwi nouns (forms) of 2+ syllables, TF-IDF max_df 0.5, NMF."""
    from kiwipiepy import Kiwi
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    kiwi = Kiwi(num_workers=2)
    docs = [[t.form for t in tokens if t.tag in ("NNG", "NNP") and len(t.form) >= 2]
            for tokens in kiwi.tokenize(documents["text"].tolist())]
    scores, seconds = [], []
    for seed in SEEDS:
        t0 = time.perf_counter()
        vectorizer = TfidfVectorizer(analyzer=lambda d: d, max_df=0.5, min_df=2)
        X = vectorizer.fit_transform(docs)
        nmf = NMF(K, init="nndsvda", random_state=seed, max_iter=500).fit(X)
        seconds.append(time.perf_counter() - t0)
        vocab = vectorizer.get_feature_names_out()
        terms = [[vocab[i] for i in np.argsort(-row)[:10]] for row in nmf.components_]
        scores.append(float(np.nanmean(score_npmi_documents(terms, docs))))
    return {"npmi_doc": np.mean(scores), "npmi_doc_sd": np.std(scores, ddof=1), "fit_seconds": np.mean(seconds),
            "n_terms": len(vocab)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[300, 1000])
    args = parser.parse_args(argv)
    write_machine()
    rows = []
    for n in args.n:
        documents = sample_documents(n)
        tables = analyse_documents(documents, tokenizer=DEFAULTS.make_tokenizer(), cache_dir=".cache/text",
                                   progress=False)
        rows.append({"speeches": n, "vocabulary": "baseline: ten lines, Kiwi nouns 2+ syllables, max_df 0.5",
                     "engine": "nmf", **score_baseline(documents)})
        for name, settings in VARIANTS.items():
            units = tokens_by_unit(tables.morphemes, unit="document", tokenizer=settings.make_tokenizer())
            rows.append({"speeches": n, "vocabulary": name, "engine": "nmf", **fit_and_score(units, settings)})
        units = tokens_by_unit(tables.morphemes, unit="document", tokenizer=DEFAULTS.make_tokenizer())
        for engine in ("gensim", "sklearn-lda", "tomotopy"):  # the engines that need only words
            if engine in ENGINES:
                rows.append({"speeches": n, "vocabulary": "package defaults", "engine": engine,
                             **fit_and_score(units, DEFAULTS, engine)})
        rows.append({"speeches": n, "vocabulary": "package defaults", "engine": "nmf",
                     **fit_and_score(units, DEFAULTS)})
    show_table(pd.DataFrame(rows).round(4), "topic_defaults", "Topic coherence by vocabulary and engine")


if __name__ == "__main__":
    main()
