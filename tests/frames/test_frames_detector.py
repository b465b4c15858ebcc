"""The learned model, the detector that combines it with the rules, and how both are scored."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from analysis.frames import (Detector, FrameClassifier, detect_frames, load_classifier, load_detector,
                             rank_for_coding, read_codebook, read_coding_sheet, rules_only, save_classifier,
                             score_frames, write_coding_sheet)
from analysis.text import analyse_texts

TEXTS = ["일본을 뛰어넘어야 합니다.", "오늘 날씨가 맑습니다.", "일본을 반드시 추월할 것입니다.", "점심을 먹었습니다.",
         "위기를 기회로 삼아야 합니다.", "위기가 닥쳤습니다.", "일본 기업과 협력합니다.", "어려움 속에 기회가 있습니다."]
LABELS = pd.DataFrame({"japan_rivalry": [1, 0, 1, 0, 0, 0, 0, 0], "crisis_as_opportunity": [0, 0, 0, 0, 1, 0, 0, 1]})


@pytest.fixture(scope="module")
def classifier():
    return FrameClassifier(seed=3, threshold={"japan_rivalry": 0.5, "crisis_as_opportunity": 0.5}).fit(TEXTS, LABELS)


def test_the_classifier_learns_repeats_and_saves_without_pickle(classifier, tmp_path):
    proba = classifier.predict_proba(TEXTS)
    assert list(proba.columns) == ["japan_rivalry", "crisis_as_opportunity"]
    assert (proba.loc[LABELS.japan_rivalry == 1, "japan_rivalry"].min()
            > proba.loc[LABELS.japan_rivalry == 0, "japan_rivalry"].max())
    again = FrameClassifier(seed=3, threshold=0.5).fit(TEXTS, LABELS)
    assert np.array_equal(again.coef_, classifier.coef_)
    loaded = load_classifier(save_classifier(classifier, tmp_path / "model"))
    assert loaded.get_params() == classifier.get_params() and loaded.thresholds_ == classifier.thresholds_
    pd.testing.assert_frame_equal(loaded.predict_proba(TEXTS), proba)
    with pytest.raises(ValueError, match="both coded 1 and coded 0"):
        FrameClassifier(seed=1).fit(TEXTS, LABELS.assign(japan_rivalry=1))


def test_character_features_are_learnt_from_the_texts_and_saved_with_the_model(classifier, tmp_path):
    assert classifier.features == "chars" and len(classifier.vocabulary_) == classifier.coef_.shape[1]
    assert "일본" in classifier.vocabulary_ and len(classifier.idf_) == len(classifier.vocabulary_)
    # A refit learns its own vocabulary: n-grams of the first texts do not linger.
    crisis = LABELS[["crisis_as_opportunity"]]
    other = FrameClassifier(seed=3).fit(TEXTS, LABELS).fit(TEXTS[3:], crisis.iloc[3:].reset_index(drop=True))
    # (and an n-gram in one sentence only, 일본 here, is no feature: min_df=2)
    assert " 위기" in other.vocabulary_ and not any("뛰어" in g or "일본" in g for g in other.vocabulary_)
    with pytest.raises(ValueError, match="features='use'"):
        classifier.predict_proba(TEXTS, embeddings=np.zeros((len(TEXTS), 512)))
    with pytest.raises(ValueError, match="features must be one of"):
        FrameClassifier(seed=1, features="words").fit(TEXTS, LABELS)


def test_a_failed_refit_leaves_the_model_as_it_was(classifier):
    model = FrameClassifier(seed=3).fit(TEXTS, LABELS)
    before = model.predict_proba(TEXTS)
    with pytest.raises(ValueError, match="both coded 1 and coded 0"):
        model.fit(TEXTS[::-1] + ["새 문장입니다."], LABELS.iloc[::-1].reset_index(drop=True).assign(japan_rivalry=0)
                  .pipe(lambda t: pd.concat([t, t.iloc[:1]], ignore_index=True)))
    pd.testing.assert_frame_equal(model.predict_proba(TEXTS), before)


def test_the_sentence_encoder_remains_a_choice_and_old_saves_load(tmp_path):
    model = FrameClassifier(seed=3, features="use").fit(TEXTS, LABELS)
    assert model.coef_.shape == (2, 512) and not hasattr(model, "vocabulary_")
    folder = save_classifier(model, tmp_path / "use")
    pd.testing.assert_frame_equal(load_classifier(folder).predict_proba(TEXTS), model.predict_proba(TEXTS))
    # A classifier saved before character features existed (format 1, no "features")
    # is a sentence-encoder model.
    settings = json.loads((folder / "classifier.json").read_text(encoding="utf-8"))
    settings["format"] = "analysis.frames.classifier/1"
    del settings["params"]["features"], settings["vocabulary"]
    (folder / "classifier.json").write_text(json.dumps(settings), encoding="utf-8")
    old = load_classifier(folder)
    assert old.features == "use"
    pd.testing.assert_frame_equal(old.predict_proba(TEXTS), model.predict_proba(TEXTS))
    with pytest.raises(NotFittedError):  # a chars model needs its own vocabulary, never the texts it scores
        old.set_params(features="chars").predict_proba(TEXTS)


def test_uncertainty_sampling_puts_the_closest_to_the_threshold_first(classifier):
    ranked = rank_for_coding(classifier, TEXTS, n=3)
    assert list(ranked.columns) == ["position", "text", "frame", "probability", "margin"]
    assert ranked.margin.is_monotonic_increasing and len(ranked) == 3
    assert ranked.margin.iloc[0] == pytest.approx(abs(ranked.probability.iloc[0] - 0.5))


def test_each_mode_combines_rules_and_model_and_says_what_decided(classifier):
    t = analyse_texts(["이제 일본을 앞지르는 나라가 됩시다.", "지금의 어려움은 오히려 우리에게 새로운 기회가 될 것입니다.",
                       "날씨가 맑다."])
    rules = detect_frames(t.sentences, t.morphemes, detector=rules_only())
    assert rules.decided_by.str.startswith("rule ").all() and rules.score.isna().all()
    model = detect_frames(t.sentences, t.morphemes, detector=Detector(
        {"japan_rivalry": "model", "crisis_as_opportunity": "model"}, classifier))
    assert (model.rule == "model").all() and model.decided_by.str.match(r"model 0\.\d\d >= 0\.50").all()
    assert (model.start == 0).all() and (model["match"] == model.merge(t.sentences, on=["doc_id", "sent_id"]).text).all()
    either = detect_frames(t.sentences, t.morphemes, detector=Detector({"japan_rivalry": "either"}, classifier))
    japan = either[either.frame == "japan_rivalry"]
    assert len(japan) == 1 and japan.decided_by.iloc[0].startswith("rule ")
    # "both": a rule hit the model does not confirm is dropped.
    strict = Detector({"japan_rivalry": "both"}, FrameClassifier(seed=3, threshold=0.999).fit(TEXTS, LABELS))
    assert "japan_rivalry" not in set(detect_frames(t.sentences, t.morphemes, detector=strict).frame)


def test_the_shipped_detector_loads_and_matches_its_lexicon():
    detector = load_detector()
    assert detector.description and set(detector.modes.values()) <= {"model", "either", "both"}
    t = analyse_texts(["우리의 운명은 우리가 개척한다."])
    assert detect_frames(t.sentences, t.morphemes).frame.tolist() == ["self_determination"]


def test_coding_sheets_carry_the_codebook_and_read_back(tmp_path):
    sample = pd.DataFrame({"item": [1, 2], "doc_id": ["a", "b"], "sent_id": [1, 1], "text": ["#해시태그 문장", "문장"]})
    path = write_coding_sheet(sample, tmp_path / "sheet.csv", frames=["japan_rivalry"])
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "# " + read_codebook().splitlines()[0] and any("## japan_rivalry" in line for line in lines)
    back = read_coding_sheet(path)
    assert back.text.tolist() == ["#해시태그 문장", "문장"] and "japan_rivalry__coder1" in back


def test_scores_resample_whole_documents_and_cover_the_truth():
    # Simulation: 40 documents of 8 sentences; each document's detector is good or bad
    # as a whole, so sentences within a document are not independent. The interval must
    # cover the corpus-level recall in about 95% of replications.
    rng = np.random.default_rng(0)
    covered, truth = [], []
    for rep in range(150):
        docs = np.repeat(np.arange(40), 8)
        gold = rng.random(len(docs)) < 0.4
        doc_recall = rng.beta(8, 2, size=40)[docs]  # recall varies by document
        pred = gold & (rng.random(len(docs)) < doc_recall)
        s = score_frames(pd.DataFrame({"f": gold.astype(int)}), pd.DataFrame({"f": pred.astype(int)}), docs,
                         seed=rep, n_boot=400)
        covered.append((s.recall_low[0], s.recall_high[0]))
    # The population recall of this design is E[beta(8, 2)] = 0.8.
    hit = np.mean([lo <= 0.8 <= hi for lo, hi in covered])
    assert 0.88 <= hit <= 0.99


def test_the_macro_row_leaves_out_a_frame_the_set_has_no_example_of():
    # A set with no Japan-rivalry sentence cannot score that frame; the macro mean is over
    # the frames it can score, not NaN, and not dragged to 0 by the model's false alarms.
    gold = pd.DataFrame({"a": [1, 0, 1, 0], "b": [0, 0, 0, 0]})
    pred = pd.DataFrame({"a": [1, 0, 0, 0], "b": [0, 1, 0, 0]})
    s = score_frames(gold, pred, groups=[1, 2, 3, 4], seed=0, n_boot=200).set_index("frame")
    assert np.isnan(s.at["b", "recall"]) and s.at["b", "precision"] == 0
    assert s.at["macro", "f1"] == s.at["a", "f1"] == pytest.approx(2 / 3)
    assert s.at["macro", "recall"] == 0.5 and s.at["macro", "fp"] == 1
