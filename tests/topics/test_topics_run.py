"""The runner behind ``python -m analysis topics`` (analysis.cli.run_topics): its files and bytes."""

import json

import numpy as np
import pandas as pd
import pytest
from topics_corpus import ENGINES, FAST

from analysis import topics as T
from analysis.cli import run_topics
from analysis.topics.model import top_terms


@pytest.mark.parametrize("engine", ENGINES)
def test_run_topics_same_seed_same_bytes(units, tmp_path, engine):
    results = [
        run_topics(units, k=3, seed=11, out_dir=tmp_path / run, engine=engine, min_df=2, max_df=0.9,
                    options=FAST[engine])
        for run in ("a", "b")
    ]
    for name in ("topic_terms", "doc_topics", "topic_thoughts", "model_info"):
        assert results[0]["files"][name].read_bytes() == results[1]["files"][name].read_bytes(), name

    terms = pd.read_csv(results[0]["files"]["topic_terms"])
    assert list(terms.columns) == ["topic", "rank", "term", "weight"]
    assert sorted(terms["topic"].unique()) == [1, 2, 3]
    assert len(terms) == 3 * 20
    doc_topics = pd.read_csv(results[0]["files"]["doc_topics"])
    assert list(doc_topics.columns) == ["doc_id", "sent_id", "empty", "topic_1", "topic_2", "topic_3"]
    assert len(doc_topics) == len(units)
    info = json.loads(results[0]["files"]["model_info"].read_text(encoding="utf-8"))
    assert (info["engine"], info["k"], info["seed"], info["n_units"]) == (engine, 3, 11, len(units))
    assert info["vocabulary_size"] == 24 and info["n_empty_units"] == 3
    npmi = T.score_npmi_documents(top_terms(results[0]["model"], 10), units["tokens"].tolist())
    assert info["coherence"] == {"npmi_doc": round(float(np.nanmean(npmi)), 6)}
    assert {"analysis", "gensim", "tomotopy", "scikit-learn", "numpy"} <= set(info["versions"])
    assert not list(tmp_path.glob("*/.*.tmp"))  # atomic writes leave no temp files
    # options in model_info are the resolved ones, vocabulary settings included
    assert info["options"] == {"min_df": 2, "max_df": 0.9, **T.ENGINES[engine].defaults, **FAST[engine]}
