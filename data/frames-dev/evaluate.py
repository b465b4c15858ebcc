"""Choose the frame detector on the development set; score it on the untouched fresh set.

    python data/frames-dev/evaluate.py errors   # the rules' mistakes on the tuning sentences, to read
    python data/frames-dev/evaluate.py choose   # the detector the tuning sentences choose (nothing saved)
    python data/frames-dev/evaluate.py          # choose, save the shipped detector, score the fresh set
    python data/frames-dev/evaluate.py baseline OLD.yaml   # an earlier lexicon's rules on the fresh set
    python data/frames-dev/evaluate.py means    # the fresh set's means over frames, every detector and lexicon

Rounds. Lexicon 1.1.0 was tuned on the development set's ``tune`` half and scored once
on its ``test`` half (``results/test_scores.csv``). That test half had then been looked
at, so from lexicon 1.2.0 on the whole development set (both halves, 997 sentences) is
tuning data, and the test set is a fresh set (``build_fresh.py``: speeches no earlier
set used, coded twice and adjudicated), scored once (``results/<set>_scores.csv``).
Once scored it joins the tuning data, and the next round draws the next fresh set:
the tuning sentences are the development set and every fresh set but the latest.

Every sentence goes through the package's own text layer, so the detectors see what
they see in use. On the tuning sentences only:

- the classifier's threshold per frame is the one with the best F1 over out-of-fold
  probabilities (5 folds grouped by speech);
- each frame's mode (rules, model, either, both; see :mod:`analysis.frames.detector`)
  is the one with the best out-of-fold F1, ties to the simpler (rules first), each mode
  with its own best threshold (from lexicon 1.5.0 on; before, every mode used the
  threshold best for the model alone, which handicapped ``both``); a mode that uses the
  model must beat the rules by ``MIN_GAIN`` (0.01), or the rules are kept;
- the classifier is then fitted on all tuning sentences and saved with the modes as
  the package's shipped detector.

The classifier is the character n-gram one (``FrameClassifier`` default) from round 7 on;
rounds 1-6 used sentence-encoder embeddings.

The test set is touched once, at the end: rules alone, the model alone and the chosen
detector are scored there, with 95% intervals that resample speeches
(:func:`analysis.frames.validation.score_frames`). Results go to ``results/``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedGroupKFold

from analysis.frames import load_frames, match_frames
from analysis.frames.classifier import FrameClassifier
from analysis.frames.detector import MODES, Detector, detect_frames, load_detector, save_detector
from analysis.frames.matcher import find_cue_sentences
from analysis.frames.validation import score_frames
from analysis.text import analyse_texts

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SHIPPED = ROOT / "src" / "analysis" / "lexicons" / "frame-detector"
FRAMES = ["japan_rivalry", "self_determination", "first_and_best", "crisis_as_opportunity", "tech_future"]
SEED = 20261130
MIN_GAIN = 0.01  # out-of-fold F1 a model mode must add over the rules to be chosen
THRESHOLDS = np.round(np.arange(0.1, 0.91, 0.05), 2)
# Earlier lexicons by the commit that froze them, scored again on each new fresh set.
LEXICONS = {"1.2.0": "f222d2f", "1.3.0": "1f91cc5", "1.4.0": "3191e9e", "1.5.0": "5618160", "1.6.0": "fdfe084"}
MIN_GOLD = 20  # a frame with fewer gold sentences in a set is left out of the second mean


def fresh_sets() -> list[Path]:
    """The fresh sets in the order they were drawn: fresh/, fresh2/, fresh3/, ..."""
    found = [path for path in HERE.glob("fresh*") if (path / "sentences.csv").exists()]
    return sorted(found, key=lambda path: int(path.name[5:] or 1))


def _coded(folder: Path, half: str, prefix: str) -> pd.DataFrame:
    table = pd.read_csv(folder / "sentences.csv", dtype={"speech_id": str}).merge(
        pd.read_csv(folder / "gold.csv"), on="item").sort_values("item").assign(half=half)
    table["item"] = prefix + table["item"].astype(str)  # every set numbers its items from 1
    return table


def load_devset(with_test: bool = True) -> pd.DataFrame:
    """Tuning sentences, then the test set, in one table; ``half`` tells which.

    The test set is the latest fresh set; the tuning sentences are the development set
    and every earlier fresh set (each was looked at once it was scored).
    """
    *earlier, latest = fresh_sets()
    parts = [_coded(HERE, "tune", "")] + [_coded(folder, "tune", folder.name + ":") for folder in earlier]
    if with_test:
        if not (latest / "gold.csv").exists():
            raise SystemExit(f"{latest.name}/ has no gold.csv yet: code and adjudicate it first (make_gold.py)")
        parts.append(_coded(latest, "test", latest.name + ":"))
    return pd.concat(parts, ignore_index=True)


def read_lexicon(commit: str, folder: Path):
    """``frames.yaml`` as it was at ``commit``, loaded from a copy in ``folder``."""
    text = subprocess.run(["git", "show", f"{commit}:src/analysis/lexicons/frames.yaml"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout
    (folder / f"{commit}.yaml").write_text(text, encoding="utf-8")
    return load_frames(folder / f"{commit}.yaml")


def write_means(dev, tables, frames) -> None:
    """``results/<set>_macro_four_frames.csv``: on the fresh set, the mean precision, recall
    and F1 of the four frames measurable on speeches, and (columns ending ``_enough``) of
    those with at least ``MIN_GOLD`` gold sentences there, for the rules, the model alone,
    the shipped detector and every earlier lexicon; intervals resample speeches."""
    test = dev["half"].eq("test").to_numpy()
    d = dev[test].reset_index(drop=True)
    part = analyse_texts(d["text"].tolist()) if len(d) != len(dev) else tables
    shipped = load_detector(None)
    n = len(d)
    predictions = {"rules": predict_by_rules(part, frames, n),
                   "model": _indicator(detect_frames(part.sentences, part.morphemes, frames, detector=Detector(
                       {f: "model" for f in FRAMES}, shipped.classifier)), n),
                   "default": _indicator(detect_frames(part.sentences, part.morphemes, frames, detector=shipped), n)}
    with tempfile.TemporaryDirectory() as tmp:
        for version, commit in LEXICONS.items():
            if version != frames.version:
                predictions[f"rules {version}"] = predict_by_rules(part, read_lexicon(commit, Path(tmp)), n)
    four = FRAMES[1:]
    enough = [f for f in four if d[f].sum() >= MIN_GOLD]
    measures = ["precision", "recall", "f1"]
    columns = [m + s for m in measures for s in ("", "_low", "_high")]
    rows = []
    for name, predicted in predictions.items():
        row = {"detector": name}
        for suffix, chosen in (("", four), ("_enough", enough)):
            macro = score_frames(d[chosen], predicted[chosen], d["speech_id"], seed=SEED, frames=chosen).iloc[-1]
            row.update({c + suffix: macro[c] for c in columns + ["tp", "fp", "fn"]})
        rows.append(row)
    table = pd.DataFrame(rows).assign(frames_enough=" ".join(enough)).round(4)
    table.to_csv(HERE / "results" / f"{fresh_sets()[-1].name}_macro_four_frames.csv", index=False, lineterminator="\n")
    print(table[["detector", "f1", "f1_low", "f1_high", "f1_enough", "f1_low_enough", "f1_high_enough"]].round(3)
          .to_string(index=False))


def predict_by_rules(tables, frames, n: int) -> pd.DataFrame:
    """0/1 per frame per dev item (doc_id is the item's position): any hit in any of its sentences."""
    hits = match_frames(tables.sentences, tables.morphemes, frames)
    return _indicator(hits, n)


def _indicator(hits: pd.DataFrame, n: int) -> pd.DataFrame:
    table = pd.DataFrame(0, index=range(n), columns=FRAMES)
    for doc, frame in set(zip(hits["doc_id"].astype(int), hits["frame"])):
        table.at[doc, frame] = 1
    return table


def cue_mask(tables, frames, n: int) -> pd.DataFrame:
    return _indicator(find_cue_sentences(tables.morphemes, frames), n)


def f1(y: np.ndarray, p: np.ndarray) -> float:
    tp, fp, fn = (y & p).sum(), (~y & p).sum(), (y & ~p).sum()
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0


def combine(mode: str, rules: np.ndarray, model: np.ndarray) -> np.ndarray:
    return {"rules": rules, "model": model, "either": rules | model, "both": rules & model}[mode]


def out_of_fold(texts: list[str], labels: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Probabilities for each tuning sentence from a classifier that did not see its speech
    (its n-gram vocabulary too is learnt without that speech)."""
    proba = pd.DataFrame(np.nan, index=labels.index, columns=FRAMES)
    strata = labels.apply(lambda row: next((f for f in FRAMES if row[f]), "none"), axis=1)
    for train, held in StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=SEED).split(
            texts, strata, groups):
        model = FrameClassifier(seed=SEED).fit([texts[i] for i in train], labels.iloc[train])
        proba.iloc[held] = model.predict_proba([texts[i] for i in held]).to_numpy()
    return proba


def show_errors(dev, rules) -> None:
    tune = dev["half"].eq("tune").to_numpy()
    for frame in FRAMES:
        y, p = dev[frame].to_numpy(bool), rules[frame].to_numpy(bool)
        print(f"\n=== {frame}: tuning half, tp {int((y & p & tune).sum())}, fp {int((~y & p & tune).sum())}, "
              f"fn {int((y & ~p & tune).sum())}")
        for kind, wrong in (("FP", ~y & p & tune), ("FN", y & ~p & tune)):
            for item, text in zip(dev.loc[wrong, "item"], dev.loc[wrong, "text"]):
                print(f"{kind} {item}: {text}")


def main(mode: str = "evaluate", lexicon: str | None = None) -> None:
    dev = load_devset(with_test=mode not in ("errors", "choose"))
    frames = load_frames(lexicon)
    tables = analyse_texts(dev["text"].tolist())
    rules = predict_by_rules(tables, frames, len(dev))
    if mode == "errors":
        show_errors(dev, rules)
        return
    if mode == "means":
        write_means(dev, tables, frames)
        return
    if mode == "baseline":  # scores a lexicon as it was, so a change can be told from the data
        test = dev["half"].eq("test").to_numpy()
        scored = score_frames(dev.loc[test, FRAMES].reset_index(drop=True), rules[test].reset_index(drop=True),
                              dev.loc[test, "speech_id"], seed=SEED, frames=FRAMES)
        (HERE / "results").mkdir(exist_ok=True)
        scored.assign(detector=f"rules {frames.version}").round(4).to_csv(
            HERE / "results" / f"{fresh_sets()[-1].name}_scores_rules_{frames.version}.csv", index=False,
            lineterminator="\n")
        print(scored[["frame", "precision", "recall", "f1", "f1_low", "f1_high"]].round(2).to_string(index=False))
        return
    tune = dev["half"].eq("tune").to_numpy()
    texts = dev["text"].tolist()
    cues = cue_mask(tables, frames, len(dev))
    labels = dev[FRAMES].astype(int)
    tune_texts = [t for t, keep in zip(texts, tune) if keep]
    oof = out_of_fold(tune_texts, labels[tune].reset_index(drop=True),
                      dev.loc[tune, "speech_id"].reset_index(drop=True))
    thresholds, modes, choice_rows = {}, {}, []
    for frame in FRAMES:
        y = labels.loc[tune, frame].to_numpy(bool)
        r = rules.loc[tune, frame].to_numpy(bool)
        c = cues.loc[tune, frame].to_numpy(bool)
        # Each mode gets its own threshold: confirming a rule hit ("both") wants a lower
        # bar than finding a sentence alone ("model", "either").
        best_t, scores = {}, {}
        for mode_ in MODES:
            # The model sees cue sentences in "model" and "either", rule hits in "both".
            gate = r if mode_ == "both" else c
            best_t[mode_] = max(THRESHOLDS, key=lambda t: (
                f1(y, combine(mode_, r, (oof[frame].to_numpy() >= t) & gate)), -abs(t - 0.5)))
            scores[mode_] = f1(y, combine(mode_, r, (oof[frame].to_numpy() >= best_t[mode_]) & gate))
        modes[frame] = max(MODES, key=lambda mode_: (round(scores[mode_], 6), -MODES.index(mode_)))
        if scores[modes[frame]] < scores["rules"] + MIN_GAIN:
            modes[frame] = "rules"  # a gain inside the folds' noise does not pay for the model
        thresholds[frame] = float(best_t[modes[frame]] if modes[frame] != "rules" else best_t["model"])
        choice_rows.append({"frame": frame, "threshold": thresholds[frame],
                            **{f"f1_{k}": round(v, 4) for k, v in scores.items()},
                            **{f"threshold_{k}": best_t[k] for k in MODES if k != "rules"}, "mode": modes[frame]})
    choice = pd.DataFrame(choice_rows)
    print("Chosen on the tuning sentences (out-of-fold F1):\n" + choice.to_string(index=False))
    if mode == "choose":  # the choice alone, before the fresh set is coded
        return
    classifier = FrameClassifier(seed=SEED, threshold=thresholds).fit(
        tune_texts, labels[tune].reset_index(drop=True))
    detector = Detector({f: m for f, m in modes.items() if m != "rules"}, classifier,
                        f"chosen on the {int(tune.sum())} tuning sentences of data/frames-dev (evaluate.py)")
    save_detector(detector, SHIPPED)

    # The fresh test set, once.
    test = ~tune
    model_only = Detector({f: "model" for f in FRAMES}, classifier)
    predictions = {
        "rules": rules,
        "model": _indicator(detect_frames(tables.sentences, tables.morphemes, frames, detector=model_only), len(dev)),
        "default": _indicator(detect_frames(tables.sentences, tables.morphemes, frames, detector=detector), len(dev)),
    }
    results = []
    for name, predicted in predictions.items():
        scored = score_frames(labels[test].reset_index(drop=True), predicted[test].reset_index(drop=True),
                              dev.loc[test, "speech_id"], seed=SEED, frames=FRAMES)
        results.append(scored.assign(detector=name))
    results = pd.concat(results, ignore_index=True)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    name = fresh_sets()[-1].name
    choice.to_csv(out / f"tuning_choice_{name}.csv", index=False, lineterminator="\n")
    results.round(4).to_csv(out / f"{name}_scores.csv", index=False, lineterminator="\n")
    view = results[["detector", "frame", "n_gold", "tp", "fp", "fn", "precision", "precision_low", "precision_high",
                    "recall", "recall_low", "recall_high", "f1", "f1_low", "f1_high"]].round(2)
    print("\nFresh test set:\n" + view.to_string(index=False))


if __name__ == "__main__":
    main(*sys.argv[1:3])
