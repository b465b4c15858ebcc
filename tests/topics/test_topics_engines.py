"""Each engine of analysis.topics.engines, fitted through TopicModel on the themed corpus."""

import numpy as np
import pytest
from topics_corpus import ENGINES, FAST, THEMES, theme_of_topics

from analysis.topics import ENGINES as SPECS


@pytest.mark.parametrize("engine", ENGINES)
def test_engine_fits_normalised_arrays(models, units, engine):
    model = models[engine]
    vocabulary = model.vocabulary_
    assert vocabulary == sorted(vocabulary)
    assert set(vocabulary) == {w for words in THEMES.values() for w in words}  # fillers and 희귀어 pruned
    assert model.topic_term_.shape == (3, len(vocabulary))
    assert model.doc_topic_.shape == (len(units), 3)
    np.testing.assert_allclose(model.topic_term_.sum(axis=1), 1.0)
    np.testing.assert_allclose(model.doc_topic_.sum(axis=1), 1.0)
    assert (model.topic_term_ >= 0).all() and (model.doc_topic_ >= 0).all()


@pytest.mark.parametrize("engine", ENGINES)
def test_engine_recovers_themes(models, engine):
    assert sorted(theme_of_topics(models[engine]), key=str) == sorted(THEMES)


@pytest.mark.parametrize("engine", ENGINES)
def test_transform_assigns_new_units_to_their_theme(models, engine):
    model = models[engine]
    themes = theme_of_topics(model)
    new = [THEMES[name][:4] + ["처음보는말"] for name in themes] + [["처음보는말"]]
    shares = model.transform(new)
    assert shares.shape == (4, 3)
    assert shares[:3].argmax(axis=1).tolist() == [0, 1, 2]
    assert (shares[np.arange(3), np.arange(3)] > 0.6).all()
    np.testing.assert_allclose(shares[3], 1 / 3)  # nothing known: uniform


def test_heldout_score_by_engine(models, units):
    heldout = units["tokens"].iloc[:30]
    for engine in ("tomotopy", "gensim", "sklearn-lda"):
        ll = models[engine].score(heldout)
        assert np.isfinite(ll) and ll < 0
        # a per-token log-likelihood beats a uniform guess over the vocabulary
        assert ll > -np.log(len(models[engine].vocabulary_))
    assert np.isnan(models["nmf"].score(heldout))


@pytest.mark.parametrize("engine", ENGINES)
def test_options_reach_the_engine_and_fill_defaults(models, engine):
    options = models[engine].options_
    assert options == {"min_df": 2, "max_df": 0.9, **SPECS[engine].defaults, **FAST[engine]}
