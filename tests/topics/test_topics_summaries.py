"""Reading a fitted model: labels, unit-topic tables, representative passages, prevalence."""

import numpy as np
import pandas as pd
import pytest
from topics_corpus import theme_of_topics

from analysis import topics as T


def test_label_topics_weights_and_tie_break():
    model = T.TopicModel("nmf", 2, seed=0)
    model.vocabulary_ = ["가", "나", "다"]
    model.topic_term_ = np.array([[0.4, 0.2, 0.4], [0.2, 0.7, 0.1]])
    model.term_freq_ = np.array([4, 4, 2])
    labels = T.label_topics(model, n=3)
    assert list(labels.columns) == ["topic", "rank", "term", "weight"]
    assert labels["topic"].tolist() == [1, 1, 1, 2, 2, 2]
    assert labels["rank"].tolist() == [1, 2, 3, 1, 2, 3]
    assert labels["term"].tolist() == ["가", "다", "나", "나", "가", "다"]  # 가/다 tie: term order
    lift = T.label_topics(model, n=1, method="lift")
    assert lift["term"].tolist() == ["다", "나"] and lift["weight"].tolist() == pytest.approx([2.0, 1.75])
    frex = T.label_topics(model, n=3, method="frex")
    expected = T.score_frex(model.topic_term_)
    for row in frex.itertuples():
        assert row.weight == expected[row.topic - 1, model.vocabulary_.index(row.term)]


def test_find_thoughts_returns_theme_units(models, units):
    model = models["tomotopy"]
    themes = theme_of_topics(model)
    thoughts = T.find_thoughts(model, units, n=3)
    assert list(thoughts.columns) == ["topic", "rank", "doc_id", "sent_id", "share", "text"]
    assert len(thoughts) == 9
    for row in thoughts.itertuples():
        position = units.index[(units["doc_id"] == row.doc_id) & (units["sent_id"] == row.sent_id)][0]
        assert units.at[position, "theme"] == themes[row.topic - 1]
        assert row.share == model.doc_topic_[position, row.topic - 1]


def test_prevalence_intervals_shrink_with_more_units():
    rng = np.random.default_rng(5)
    alpha = np.array([2.0, 1.0, 1.0])
    table = pd.DataFrame(rng.dirichlet(alpha, 2020), columns=["topic_1", "topic_2", "topic_3"])
    table["speaker"] = ["small"] * 20 + ["large"] * 2000
    table["empty"] = False
    extra = pd.DataFrame({"topic_1": [1.0], "topic_2": [0.0], "topic_3": [0.0], "speaker": ["small"], "empty": [True]})
    table = pd.concat([table, extra], ignore_index=True)

    result = T.estimate_prevalence(table, "speaker", n_boot=500, seed=1)
    assert list(result.columns) == ["speaker", "topic", "mean", "ci_low", "ci_high", "n", "n_documents", "interval"]
    assert len(result) == 6 and result["topic"].tolist() == [1, 2, 3, 1, 2, 3]
    small = result[result["speaker"] == "small"].set_index("topic")
    large = result[result["speaker"] == "large"].set_index("topic")
    assert small["n"].unique().tolist() == [20]  # the empty unit is left out
    assert large["n"].unique().tolist() == [2000]
    width_small = small["ci_high"] - small["ci_low"]
    width_large = large["ci_high"] - large["ci_low"]
    assert (width_large < width_small / 4).all()  # ~ sqrt(100) = 10 times narrower
    assert ((large["ci_low"] <= large["mean"]) & (large["mean"] <= large["ci_high"])).all()
    np.testing.assert_allclose(large["mean"], alpha / alpha.sum(), atol=0.02)

    again = T.estimate_prevalence(table, ["speaker"], n_boot=500, seed=1)
    pd.testing.assert_frame_equal(result, again)
    other = T.estimate_prevalence(table, "speaker", n_boot=500, seed=2)
    assert not np.array_equal(result["ci_low"], other["ci_low"])


def test_prevalence_seed_is_required():
    table = pd.DataFrame({"topic_1": [0.5], "group": ["a"]})
    with pytest.raises(TypeError):
        T.estimate_prevalence(table, "group")


def test_tabulate_new_units_uses_transform_and_flags_unknown(models):
    model = models["tomotopy"]
    new = pd.DataFrame({"doc_id": ["x", "y"], "voice": ["quote", "narration"],
                        "tokens": [["인공지능", "데이터"], ["없는말"]]})
    table = T.tabulate_doc_topics(model, new, covariates=["voice"], new=True)
    assert list(table.doc_id) == ["x", "y"] and list(table.voice) == ["quote", "narration"]
    assert table["empty"].tolist() == [False, True]
    shares = table[[c for c in table if c.startswith("topic_")]].to_numpy()
    assert np.allclose(shares, model.transform(new))


def test_prevalence_resamples_documents_not_their_paragraphs():
    # 10 documents of 30 paragraphs each; a topic fills the paragraphs of half the
    # documents. Resampling paragraphs would see 300 independent units; there are 10.
    table = pd.DataFrame({"doc_id": np.repeat(np.arange(10), 30), "group": "all", "empty": False})
    table["topic_1"] = (table["doc_id"] < 5).astype(float)
    table["topic_2"] = 1 - table["topic_1"]
    by_doc = T.estimate_prevalence(table, "group", n_boot=2000, seed=4).set_index("topic").loc[1]
    by_unit = T.estimate_prevalence(table, "group", n_boot=2000, seed=4, cluster=None).set_index("topic").loc[1]
    assert by_doc.n_documents == 10 and by_unit.n_documents == 300
    assert by_doc.ci_high - by_doc.ci_low > 3 * (by_unit.ci_high - by_unit.ci_low)
    assert "documents" in by_doc.interval and "units" in by_unit.interval
