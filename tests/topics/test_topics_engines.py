"""Each engine of analysis.topics.engines, fitted through TopicModel on the themed corpus."""

import numpy as np
import pytest
from topics_corpus import ENGINES, FAST, THEMES, theme_of_topics

from analysis import topics as T
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
    assert -1 <= models["nmf"].score(heldout) <= 0  # minus the relative reconstruction error


@pytest.mark.parametrize("engine", ENGINES)
def test_options_reach_the_engine_and_fill_defaults(models, engine):
    options = models[engine].options_
    assert options == {"min_df": 2, "max_df": 0.9, **SPECS[engine].defaults, **FAST[engine]}


def _themed_units(seed=0):
    import pandas as pd

    rng = np.random.default_rng(seed)
    themes = {"tech": ["인공지능", "데이터", "산업", "기술", "혁신"], "japan": ["일본", "추월", "수출", "경쟁", "소재"],
              "destiny": ["운명", "개척", "미래", "우리", "스스로"]}
    rows = []
    for i in range(120):
        theme = list(themes)[i % 3]
        noise = list(rng.choice(sum(themes.values(), []), 3))
        rows.append({"tokens": list(rng.choice(themes[theme], 12)) + noise, "speaker": ["a", "b", "c"][i % 3],
                     "year": 2017 + (i % 5), "theme": theme})
    return pd.DataFrame(rows)


def test_guided_topics_start_from_their_seeds():
    units = _themed_units()
    seeds = {"japan": ["일본", "추월"], "tech": ["인공지능"]}
    model = T.TopicModel("guided", 3, seed=1, options={"seeds": seeds, "iterations": 200}).fit(units)
    table = T.summarise_seeds(model, n=5)
    assert table[["topic", "seed_name"]].values.tolist() == [[1, "japan"], [2, "tech"]]
    assert table.loc[0, "seeds_in_top"] == "일본 · 추월" and table.loc[1, "seeds_in_top"] == "인공지능"
    again = T.TopicModel("guided", 3, seed=1, options={"seeds": seeds, "iterations": 200}).fit(units)
    np.testing.assert_array_equal(model.topic_term_, again.topic_term_)
    with pytest.raises(ValueError, match="no seeded topics"):
        T.summarise_seeds(T.TopicModel("nmf", 3, seed=1).fit(units))


def test_covariate_engines_put_metadata_inside_the_model():
    units = _themed_units()
    dmr = T.TopicModel("dmr", 3, seed=1, options={"metadata": "speaker", "iterations": 200}).fit(units)
    # Each speaker talks about one theme, so prevalence depends on the speaker.
    shares = pd_frame(dmr.doc_topic_).groupby(units["speaker"].to_numpy()).mean()
    assert (shares.max(axis=1) > 0.6).all()
    gdmr = T.TopicModel("gdmr", 3, seed=1, options={"numeric": "year", "iterations": 100}).fit(units)
    assert gdmr.doc_topic_.shape == (len(units), 3) and np.allclose(gdmr.doc_topic_.sum(axis=1), 1)
    # The in-model estimates flow into the effect estimates like any other shares.
    from analysis.effects import estimate_effects

    shares = T.tabulate_doc_topics(dmr, units.assign(doc_id=range(len(units))), covariates=["speaker"])
    top = int(np.argmax(dmr.doc_topic_[units["speaker"].to_numpy() == "a"].mean(axis=0))) + 1
    fit = estimate_effects(shares, f"topic_{top}", "C(speaker)", seed=1)
    contrast = fit.contrast({"speaker": "a"}, {"speaker": "b"}).iloc[0]
    assert contrast.low > 0.3
    with pytest.raises(ValueError, match="must be a column"):
        T.TopicModel("dmr", 3, seed=1, options={"metadata": "city"}).fit(units)
    # New units are inferred with their covariate (a units table), never without it.
    inferred = dmr.transform(units)
    assert inferred.shape == (len(units), 3) and np.allclose(inferred.sum(axis=1), 1)
    by_speaker = pd_frame(inferred).groupby(units["speaker"].to_numpy()).mean()
    assert (by_speaker.idxmax(axis=1) == shares_by_speaker_argmax(dmr, units)).all()
    assert np.isfinite(dmr.score(units)) and np.isfinite(gdmr.score(units))
    with pytest.raises(NotImplementedError, match="covariate"):
        dmr.transform(units["tokens"].tolist())


def pd_frame(array):
    import pandas as pd

    return pd.DataFrame(array)


def shares_by_speaker_argmax(model, units):
    return pd_frame(model.doc_topic_).groupby(units["speaker"].to_numpy()).mean().idxmax(axis=1)
