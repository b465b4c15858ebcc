"""save_model and load_model: pickle-free, parameters and arrays round-trip, old format still loads."""

import json

import numpy as np
import pandas as pd
import pytest
from topics_corpus import ENGINES, THEMES

from analysis import topics as T
from analysis.topics.persistence import SAVE_FORMAT


@pytest.mark.parametrize("engine", ENGINES)
def test_save_load_roundtrip(models, tmp_path, engine):
    model = models[engine]
    T.save_model(model, tmp_path / "model")
    loaded = T.load_model(tmp_path / "model")
    for name in ("topic_term_", "doc_topic_", "empty_", "term_freq_", "doc_lengths_"):
        assert np.array_equal(getattr(model, name), getattr(loaded, name)), name
    assert loaded.vocabulary_ == model.vocabulary_
    assert loaded.get_params() == model.get_params()
    assert loaded.options_ == model.options_
    for method in ("prob", "frex", "lift"):
        pd.testing.assert_frame_equal(T.label_topics(model, method=method), T.label_topics(loaded, method=method))
    with np.load(tmp_path / "model" / "arrays.npz", allow_pickle=False) as arrays:
        assert arrays["doc_topic"].dtype == np.float64
    new = [THEMES["ai"][:4], THEMES["japan"][:4]]
    if engine == "tomotopy":
        np.testing.assert_array_equal(loaded.transform(new), model.transform(new))
    else:
        with pytest.raises(NotImplementedError, match="refit"):
            loaded.transform(new)


def test_model_json_holds_the_parameters(models, tmp_path):
    T.save_model(models["gensim"], tmp_path / "model")
    settings = json.loads((tmp_path / "model" / "model.json").read_text(encoding="utf-8"))
    assert settings["format"] == SAVE_FORMAT == "analysis.topics/2"
    assert settings["params"] == {"engine": "gensim", "k": 3, "seed": 2, "min_df": 2, "max_df": 0.9,
                                  "options": {"passes": 5}}
    assert settings["options"]["passes"] == 5 and settings["options"]["min_df"] == 2
    assert {"analysis", "gensim", "tomotopy", "scikit-learn", "numpy", "scipy", "pandas"} <= set(settings["versions"])


@pytest.mark.parametrize("engine", ["tomotopy", "nmf"])
def test_models_saved_in_the_first_format_still_load(models, tmp_path, engine):
    # Format 1 kept TopicModel's keyword arguments, min_df and max_df among them, in engine_options.
    model = models[engine]
    folder = T.save_model(model, tmp_path / "model")
    settings = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    params = settings.pop("params")
    settings.update(format="analysis.topics/1", engine=params["engine"], k=params["k"], seed=params["seed"],
                    engine_options={"min_df": 2, "max_df": 0.9, **(params["options"] or {})})
    (folder / "model.json").write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")
    loaded = T.load_model(folder)
    assert loaded.get_params() == {**model.get_params(), "options": model.options or None}
    assert np.array_equal(loaded.topic_term_, model.topic_term_) and loaded.options_ == model.options_


def test_load_rejects_other_folders(tmp_path):
    (tmp_path / "model.json").write_text('{"format": "something/else"}', encoding="utf-8")
    with pytest.raises(ValueError, match="not a saved topic model"):
        T.load_model(tmp_path)
