"""Which learned model, and does it add to the rules? Checked forward in time.

    python data/frames-dev/compare_models.py   # results/forward_models.csv (needs the `model` extra)

The tuning sentences cannot judge a combination of rules and model fairly: every lexicon
since 1.2.0 was written reading their errors, so on them the rules look better than they
are on new text. The fresh sets can, in the order they were drawn. For each target set,
a model is trained on every set drawn before it; the rules are the lexicon frozen before
that set was coded (so their errors are honest); thresholds (and, for a combination,
the mode) are chosen on the honest outputs of the fresh sets drawn before it (``fresh/``
on), then the target is scored; targets run from ``fresh2/``.
Reported per target, per frame and as the mean over the four frames measurable on
speeches: F1 for the rules, each model alone (on all sentences, and only on the
lexicon's cue sentences as the detector's ``model`` mode does), and each model with the
rules as the detector combines them (the better of ``either``, on cue sentences, and
``both``). The character
model's settings were picked in an exploratory run of this comparison on ``fresh3/`` to
``fresh5/``, before ``fresh6/`` was coded; only ``fresh6/`` is untouched by that choice.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

import evaluate as ev
from analysis.frames import load_frames
from analysis.frames.classifier import FrameClassifier, embed_sentences
from analysis.text import analyse_texts

FOUR = ev.FRAMES[1:]
# The lexicon frozen before each set was coded (its commit, from evaluate.py's one list),
# so its errors there are honest; fresh6 and fresh7 were coded under 1.6.0 too.
FROZEN = {target: ev.LEXICONS[version] for target, version in
          {"fresh": "1.2.0", "fresh2": "1.3.0", "fresh3": "1.4.0", "fresh4": "1.5.0", "fresh5": "1.6.0",
           "fresh6": "1.6.0", "fresh7": "1.6.0"}.items()}


def main() -> None:
    dev = ev.load_devset(with_test=True)
    dev["set"] = dev["item"].str.extract(r"^(fresh\d*):")[0].fillna("dev")
    order = ["dev"] + [path.name for path in ev.fresh_sets()]
    texts, n = dev["text"].tolist(), len(dev)
    tables = analyse_texts(texts)
    cues = ev.cue_mask(tables, load_frames(None), n)
    embeddings = embed_sentences(texts)
    out = {}  # (set, name, frame) -> honest 0/1 or probabilities on that set
    with tempfile.TemporaryDirectory() as tmp:
        for target in order[1:]:
            train, held = dev["set"].isin(order[:order.index(target)]).to_numpy(), dev["set"].eq(target).to_numpy()
            rules = ev.predict_by_rules(tables, ev.read_lexicon(FROZEN[target], Path(tmp)), n)
            labels = dev.loc[train, FOUR].astype(int).reset_index(drop=True)
            chars = FrameClassifier(seed=ev.SEED).fit([t for t, k in zip(texts, train) if k], labels)
            use = FrameClassifier(seed=ev.SEED, features="use").fit(None, labels, embeddings=embeddings[train])
            p_chars = chars.predict_proba([t for t, k in zip(texts, held) if k])
            p_use = use.predict_proba(embeddings=embeddings[held])
            for frame in FOUR:
                out[target, "y", frame] = dev.loc[held, frame].to_numpy(bool)
                out[target, "rules", frame] = rules.loc[held, frame].to_numpy(bool)
                out[target, "cue", frame] = cues.loc[held, frame].to_numpy(bool)
                out[target, "chars", frame], out[target, "use", frame] = p_chars[frame].to_numpy(), p_use[frame].to_numpy()

    def predict(target, frame, model, mode, t, gated):
        p = out[target, model, frame] >= t
        rules = out[target, "rules", frame]
        gate = rules if mode == "both" else (out[target, "cue", frame] if gated else True)
        return ev.combine(mode, rules, p & gate)

    rows = []
    for target in order[2:]:
        earlier = order[1:order.index(target)]
        scores = {f: {"target": target, "frame": f, "chosen_on": " ".join(earlier),
                      "rules": ev.f1(out[target, "y", f], out[target, "rules", f])} for f in FOUR}
        for model in ("chars", "use"):
            # "with_rules" as the detector combines them: either on cue sentences, or both.
            for name, modes, gated in ((f"{model}_alone", ["model"], False), (f"{model}_alone_cues", ["model"], True),
                                       (f"{model}_with_rules", ["either", "both"], True)):
                for frame in FOUR:
                    y = np.concatenate([out[s, "y", frame] for s in earlier])
                    mode, t = max(((m, t) for m in modes for t in ev.THRESHOLDS), key=lambda mt: ev.f1(
                        y, np.concatenate([predict(s, frame, model, *mt, gated) for s in earlier])))
                    scores[frame][name] = ev.f1(out[target, "y", frame], predict(target, frame, model, mode, t, gated))
        per_frame = pd.DataFrame(scores.values())
        mean = per_frame.drop(columns=["frame", "target", "chosen_on"]).mean()
        rows += [{"target": target, "frame": "mean of four", "chosen_on": " ".join(earlier), **mean}, *scores.values()]
    table = pd.DataFrame(rows).round(4)
    table.to_csv(ev.HERE / "results" / "forward_models.csv", index=False, lineterminator="\n")
    print(table.round(3).to_string(index=False))


if __name__ == "__main__":
    main()
