"""From two independent coding passes to one gold table, and the split made once.

    python data/frames-dev/make_gold.py disagreements   # agreement.csv, adjudication.csv to fill
    python data/frames-dev/make_gold.py gold            # gold.csv (after adjudication) and split.csv
    python data/frames-dev/make_gold.py disagreements fresh   # the same for the fresh test set
    python data/frames-dev/make_gold.py gold fresh            # fresh/gold.csv (no split: all of it is test)
    python data/frames-dev/make_gold.py disagreements fresh2  # and so on for each later fresh set

A pass is one coder's sheet for the first draw (``coding/coderN.csv``) and one for the
second (``coding/coderN_extra.csv``); the two passes never saw each other's codes.
``agreement.csv``: per frame, Krippendorff's alpha (nominal) between the two passes,
their positives and the disagreements. ``adjudication.csv``: one row per (item, frame)
the passes disagree on, with both codes and notes; an adjudicator who has read the
codebook fills ``decision`` (1 or 0). ``gold.csv``: the agreed codes, the decisions
where they disagreed. ``split.csv``: each item's half, ``tune`` or ``test``, drawn once
with ``SPLIT_SEED`` by speech (all sentences of a speech in one half, so the halves are
independent) and stratified by the gold frames; rules and models are tuned on ``tune``
only, and every reported number comes from ``test``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedGroupKFold

HERE = Path(__file__).resolve().parent
BASE = HERE  # the set being worked on: HERE, or HERE / "fresh" (see ``build_fresh.py``)
PARTS = ("", "_extra")
FRAMES = ["japan_rivalry", "self_determination", "first_and_best", "crisis_as_opportunity", "tech_future"]
SPLIT_SEED = 7


def read_pass(name: str) -> pd.DataFrame:
    """One coding pass: its sheet for the first 835 items and the one for the second draw."""
    coded = pd.concat([pd.read_csv(BASE / "coding" / f"{name}{part}.csv", dtype={"note": str}, keep_default_na=False)
                       for part in PARTS], ignore_index=True)
    for frame in FRAMES:
        values = pd.to_numeric(coded[frame], errors="coerce")
        if values.isna().any() or not values.isin([0, 1]).all():
            bad = coded.loc[values.isna() | ~values.isin([0, 1]), "item"].tolist()[:5]
            raise SystemExit(f"{name}.csv: {frame} must be 0 or 1 in every row (e.g. items {bad})")
        coded[frame] = values.astype(int)
    return coded.set_index("item").sort_index()


def write_disagreements() -> None:
    one, two = read_pass("coder1"), read_pass("coder2")
    if not one.index.equals(two.index):
        raise SystemExit("the two passes do not cover the same items")
    rows, stats = [], []
    for frame in FRAMES:
        codes = np.vstack([one[frame], two[frame]])
        # Alpha is undefined when both passes gave one value throughout (no positive at all).
        alpha = (krippendorff.alpha(reliability_data=codes, level_of_measurement="nominal")
                 if len(np.unique(codes)) > 1 else np.nan)
        differ = one.index[one[frame] != two[frame]]
        stats.append({"frame": frame, "n": len(one), "positives_coder1": int(one[frame].sum()),
                      "positives_coder2": int(two[frame].sum()), "agree_positive": int(((one[frame] == 1)
                                                                                        & (two[frame] == 1)).sum()),
                      "disagreements": len(differ), "alpha": round(float(alpha), 3)})
        rows += [{"item": i, "frame": frame, "text": one.at[i, "text"], "coder1": one.at[i, frame],
                  "coder2": two.at[i, frame], "note1": one.at[i, "note"], "note2": two.at[i, "note"],
                  "decision": "", "reason": ""} for i in differ]
    pd.DataFrame(stats).to_csv(BASE / "agreement.csv", index=False, lineterminator="\n")
    pd.DataFrame(rows).to_csv(BASE / "coding" / "adjudication.csv", index=False, lineterminator="\n")
    print(pd.DataFrame(stats).to_string(index=False))
    print(f"{len(rows)} (item, frame) disagreements written to coding/adjudication.csv")


def write_gold_and_split() -> None:
    one, two = read_pass("coder1"), read_pass("coder2")
    decided = pd.read_csv(BASE / "coding" / "adjudication.csv", keep_default_na=False)
    values = pd.to_numeric(decided["decision"], errors="coerce")
    if values.isna().any() or not values.isin([0, 1]).all():
        raise SystemExit("coding/adjudication.csv: every decision must be 0 or 1")
    gold = one[FRAMES].where(one[FRAMES] == two[FRAMES])
    for item, frame, value in zip(decided["item"], decided["frame"], values.astype(int)):
        gold.at[item, frame] = value
    if gold.isna().any().any():
        raise SystemExit("some disagreements have no decision")
    gold = gold.astype(int)
    sentences = pd.read_csv(BASE / "sentences.csv", dtype={"speech_id": str}).set_index("item").sort_index()
    gold.reset_index().to_csv(BASE / "gold.csv", index=False, lineterminator="\n")
    if BASE != HERE:  # the fresh set is scored whole, once
        print(gold[FRAMES].sum().to_string())
        return
    # Stratify by each sentence's gold frames (its first frame, or none), group by speech.
    label = gold.apply(lambda row: next((f for f in FRAMES if row[f]), "none"), axis=1)
    folds = StratifiedGroupKFold(n_splits=2, shuffle=True, random_state=SPLIT_SEED)
    tune, _ = next(folds.split(gold, label, groups=sentences.loc[gold.index, "speech_id"]))
    half = np.full(len(gold), "test", dtype=object)
    half[tune] = "tune"
    split = pd.DataFrame({"item": gold.index, "half": half})
    split.to_csv(HERE / "split.csv", index=False, lineterminator="\n")
    summary = gold.assign(half=half).groupby("half")[FRAMES].sum()
    summary["sentences"] = split["half"].value_counts()
    print(summary.to_string())


if __name__ == "__main__":
    if sys.argv[2:] and sys.argv[2].startswith("fresh"):
        BASE, PARTS = HERE / sys.argv[2], ("",)
    {"disagreements": write_disagreements, "gold": write_gold_and_split}[sys.argv[1]]()
