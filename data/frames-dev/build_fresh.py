"""Draw a fresh test set for the frame detectors, from speeches the development set never used.

    python data/frames-dev/build_fresh.py      # round 1: fresh/sentences.csv and fresh/sheet.csv
    python data/frames-dev/build_fresh.py 2    # round 2: fresh2/, from speeches no earlier set used

The development set's test half was looked at when the rules 1.1.0 were scored, so it
can no longer show what the next rules do on unseen text. This draw follows the same
design as ``build_devset.py`` (speeches weighted to 1998 on, broad keyword strata with
their hard negatives, narrow strata for the rare frames, sentences at random, at most two
sentences per speech) with its own seed, over the speeches the development set did not
touch. ``sheet.csv`` is what the coders see: item and text only, in a random order.
The whole development set (both halves) is tuning data from now on; this set is scored
once, after the rules and the model are fixed. Once scored, a fresh set has been looked
at and joins the tuning data; the next round draws ``fresh<N>/`` from speeches that no
earlier set used, with its own seed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import build_devset as devset  # noqa: E402  (the same design, the same text layer)

from analysis.text import analyse_documents  # noqa: E402

SEED = 20261201
N_SPEECHES = 1200
PER_STRATUM = 60
N_RANDOM = 150
NARROW = {"japan_rivalry_narrow": 50, "crisis_as_opportunity_narrow": 40, "self_determination_narrow": 40}
# The development set's narrow Japan pattern matched 59 speeches in the whole corpus and
# took sentences from 58 of them, so this draw widens it: Japan and a verb or noun of
# rivalry within one sentence, in either order (most of these are hard negatives).
_RIVALRY = "추월|따라잡|앞지르|앞질|이기|이겨|뛰어넘|넘어|앞서|제치|능가|압도|경쟁|격차|뒤지|뒤떨어|뒤처|따라가|극복"
JAPAN_NARROW = rf"(?:일본|日本)[^.]{{0,60}}(?:{_RIVALRY})|(?:{_RIVALRY})[^.]{{0,40}}(?:일본|日本)|극일|克日"


def main(round_: int = 1) -> None:
    seed = SEED + 10 * (round_ - 1)
    out = HERE / ("fresh" if round_ == 1 else f"fresh{round_}")
    earlier = [HERE / "sentences.csv"] + [HERE / ("fresh" if r == 1 else f"fresh{r}") / "sentences.csv"
                                          for r in range(1, round_)]
    rng = np.random.default_rng(seed)
    used = set(pd.concat([pd.read_csv(path, dtype={"speech_id": str}) for path in earlier])["speech_id"])
    speeches = devset.read_speeches()
    speeches = speeches[~speeches["doc_id"].isin(used)].reset_index(drop=True)
    devset.N_SPEECHES, devset.PER_STRATUM, devset.N_RANDOM = N_SPEECHES, PER_STRATUM, N_RANDOM
    devset.NARROW_STRATA = {k: (pattern, NARROW[k]) for k, (pattern, _) in devset.NARROW_STRATA.items()}
    devset.NARROW_STRATA["japan_rivalry_narrow"] = (JAPAN_NARROW, NARROW["japan_rivalry_narrow"])
    if round_ >= 3:
        # Rounds 2 and 3 found 7 and 3 Japan-rivalry sentences in about 570 each: too few to
        # score the frame, so from round 4 (fresh3/) the draw takes every remaining sentence
        # the wide Japan pattern matches, up to 120 (at most two per speech, as before).
        devset.NARROW_STRATA["japan_rivalry_narrow"] = (JAPAN_NARROW, 120)
    drawn = devset.draw_speeches(speeches, rng)
    documents = drawn[["doc_id", "title", "speech_text", "president"]].rename(
        columns={"speech_text": "text", "president": "speaker"})
    tables = analyse_documents(documents, progress=True)
    first = devset.finish(devset.draw_sentences(tables.sentences[tables.sentences["para_id"] > 0], rng),
                          speeches, rng, 1)
    second_rng = np.random.default_rng(seed + 1)
    second = devset.finish(devset.draw_narrow(speeches, first, second_rng), speeches, second_rng, len(first) + 1)
    fresh = pd.concat([first, second], ignore_index=True)
    # One random order over both draws, so the coders cannot tell a narrow stratum by position.
    fresh = fresh.iloc[np.random.default_rng(seed + 2).permutation(len(fresh))].reset_index(drop=True)
    fresh["item"] = np.arange(1, len(fresh) + 1)
    out.mkdir(exist_ok=True)
    columns = ["item", "speech_id", "president", "date", "para_id", "sent_id", "stratum", "text"]
    fresh[columns].to_csv(out / "sentences.csv", index=False, lineterminator="\n")
    fresh[["item", "text"]].to_csv(out / "sheet.csv", index=False, lineterminator="\n")
    print(f"{len(fresh)} sentences from {fresh.speech_id.nunique()} speeches; by stratum:")
    print(fresh.stratum.value_counts().to_string())


if __name__ == "__main__":
    main(*map(int, sys.argv[1:2]))
