"""Topic quality: stability, FREX, lift, exclusivity and coherence."""

import copy

import numpy as np
import pytest
from topics_corpus import THEMES

from analysis import topics as T

TOY_BETA = np.array([[0.6, 0.3, 0.1], [0.2, 0.7, 0.1]])


def test_stability_of_identical_and_permuted_models(units, models):
    a = T.TopicModel("tomotopy", 3, seed=3, min_df=2, max_df=0.9, options={"iterations": 200}).fit(units)
    b = T.TopicModel("tomotopy", 3, seed=3, min_df=2, max_df=0.9, options={"iterations": 200}).fit(units)
    score, matching = T.score_stability(a, b)
    assert score == 1.0
    assert matching["topic_a"].tolist() == matching["topic_b"].tolist() == [1, 2, 3]

    perm = np.array([2, 0, 1])
    shuffled = copy.copy(a)
    shuffled.topic_term_ = a.topic_term_[perm]
    for method in ("jaccard", "cosine"):
        score, matching = T.score_stability(a, shuffled, method=method)
        assert score == pytest.approx(1.0)
        assert (matching["topic_b"].to_numpy() - 1).tolist() == np.argsort(perm).tolist()

    # a model of noise agrees with the themed model far less
    noise = copy.copy(a)
    noise.topic_term_ = np.random.default_rng(0).dirichlet(np.ones(len(a.vocabulary_)), 3)
    assert T.score_stability(a, noise, method="cosine")[0] < 0.8


def test_frex_lift_exclusivity_by_hand():
    # exclusivity p(w|k)/sum_j p(w|j): topic 1 -> .75 .30 .50, topic 2 -> .25 .70 .50
    # ECDF ranks / 3: topic 1 freq 1, 2/3, 1/3; excl 1, 1/3, 2/3
    #                 topic 2 freq 2/3, 1, 1/3; excl 1/3, 1, 2/3
    # w=.5: 1/(.5/(2/3) + .5/(1/3)) = 1/2.25 = 4/9
    np.testing.assert_allclose(T.score_frex(TOY_BETA), [[1, 4 / 9, 4 / 9], [4 / 9, 1, 4 / 9]])
    # w=.25 on topic 1, word 2: 1/(.25*1.5 + .75*3) = 1/2.625; word 3: 1/(.25*3 + .75*1.5) = 1/1.875
    np.testing.assert_allclose(T.score_frex(TOY_BETA, w=0.25)[0], [1, 1 / 2.625, 1 / 1.875])
    # lift with corpus shares .4 .4 .2
    np.testing.assert_allclose(T.score_lift(TOY_BETA, np.array([4, 4, 2])), [[1.5, 0.75, 0.5], [0.5, 1.75, 0.5]])
    # stm exclusivity, top 2 words, w=.7: 1 + 1/(.7*1.5 + .3*3) = 1 + 1/1.95 in both topics
    np.testing.assert_allclose(T.score_exclusivity(TOY_BETA, topn=2), [1 + 1 / 1.95] * 2)


def test_coherence_prefers_themed_topics(units):
    texts = units["tokens"].tolist()
    themed = [words[:5] for words in THEMES.values()]
    mixed = [[words[i] for words in THEMES.values()] + [THEMES["ai"][i + 3]] for i in range(3)]
    good = T.score_coherence(themed, texts, topn=5)
    bad = T.score_coherence(mixed, texts, topn=5)
    assert list(good.columns) == ["topic", "c_npmi", "c_v"]
    assert good["topic"].tolist() == [1, 2, 3]
    assert good["c_npmi"].min() > bad["c_npmi"].max()
