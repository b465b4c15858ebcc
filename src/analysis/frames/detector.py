"""The frame detector: rules, a learned model, or both, chosen frame by frame.

Each frame has a *mode*, chosen on the tuning sentences of the development set
(``data/frames-dev/``) and stated in the detector's ``detector.json``:

- ``rules``: the lexicon's rule hits;
- ``model``: sentences the classifier scores at or above the frame's threshold;
- ``either``: rule hits, plus the sentences the model finds that no rule does;
- ``both``: rule hits the model confirms (at or above the threshold).

The model only sees *candidate* sentences: those with one of the frame's ``cues`` (a
broad list in the lexicon) for ``model`` and ``either``, those with a rule hit for
``both``, so a large corpus is not embedded sentence by sentence. Every hit says what
decided it in ``decided_by`` (``rule overtake_japan``, ``model 0.83 >= 0.50``, or both)
with the model's ``score`` where one was computed. A hit the model finds alone spans its
whole sentence.

The detector shipped in ``analysis/lexicons/frame-detector/`` is the default of
:func:`detect_frames`, the command line and notebook 04.

Example
-------
>>> from analysis.text import analyse_texts
>>> t = analyse_texts(["우리의 운명은 우리가 개척한다.", "날씨가 맑다."])
>>> detect_frames(t.sentences, t.morphemes, detector=rules_only())[["frame", "decided_by"]].values.tolist()
[['self_determination', 'rule forge_destiny']]
"""

from __future__ import annotations

import importlib.resources
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.frames.lexicon import FrameSet, ensure_frameset
from analysis.frames.matcher import (HIT_COLUMNS, attribute_hits_to_quotes, find_cue_sentences, index_morphemes,
                                     match_frames)
from analysis.io import write_json

if TYPE_CHECKING:  # the classifier (scikit-learn) loads only when a mode needs it
    from analysis.frames.classifier import FrameClassifier

__all__ = ["DETECTOR_COLUMNS", "MODES", "Detector", "detect_frames", "load_detector", "rules_only", "save_detector"]

MODES = ("rules", "model", "either", "both")
DETECTOR_COLUMNS = HIT_COLUMNS + ["score", "decided_by"]
DEFAULT_DETECTOR = "lexicons/frame-detector"


@dataclass(frozen=True)
class Detector:
    """Modes per frame (frames not named use ``rules``) and the classifier they need."""

    modes: dict[str, str] = field(default_factory=dict)
    classifier: FrameClassifier | None = None
    description: str = ""

    def mode(self, frame: str) -> str:
        return self.modes.get(frame, "rules")


def rules_only() -> Detector:
    """A detector that uses the lexicon's rules for every frame."""
    return Detector(description="rules only")


def load_detector(path: str | Path | None = None) -> Detector:
    """Read a detector folder (``detector.json`` and, when a mode needs it, the classifier);
    ``None`` is the detector shipped with the package."""
    folder = Path(str(importlib.resources.files("analysis").joinpath(DEFAULT_DETECTOR))) if path is None else Path(path)
    try:
        settings = json.loads((folder / "detector.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{folder}: no detector.json (a detector folder holds detector.json and classifier/)") from None
    modes = settings.get("modes", {})
    bad = {f: m for f, m in modes.items() if m not in MODES}
    if bad:
        raise InputError(f"{folder / 'detector.json'}: unknown mode(s) {bad}; modes are {', '.join(MODES)}")
    needs_model = any(m != "rules" for m in modes.values())
    if not needs_model:
        return Detector(modes, None, settings.get("description", ""))
    from analysis.frames.classifier import load_classifier

    classifier = load_classifier(folder / "classifier")
    return Detector(modes, classifier, settings.get("description", ""))


def save_detector(detector: Detector, path: str | Path) -> Path:
    """Write ``detector.json`` (and ``classifier/`` when there is one) into folder ``path``."""
    folder = Path(path)
    write_json({"modes": detector.modes, "description": detector.description}, folder / "detector.json")
    if detector.classifier is not None:
        from analysis.frames.classifier import save_classifier

        save_classifier(detector.classifier, folder / "classifier")
    return folder


def detect_frames(sentences: pd.DataFrame, morphemes: pd.DataFrame, frames: FrameSet | str | Path | None = None, *,
                  quotes: pd.DataFrame | None = None, detector: Detector | None = None) -> pd.DataFrame:
    """Frame hits by the detector (default: the shipped one); the columns of
    :func:`analysis.frames.match_frames` plus ``score`` and ``decided_by``.

    ``quotes`` (the text layer's) gives each hit the voice of its own span, as in
    ``match_frames``. Extra columns of ``sentences`` are carried as there.
    """
    frames = ensure_frameset(frames)
    detector = load_detector() if detector is None else detector
    # One index of the morphemes for the rules and the model's candidate sentences.
    index = index_morphemes(morphemes) if len(morphemes) else morphemes
    hits = match_frames(sentences, index, frames, quotes=quotes)
    hits = hits.assign(score=np.nan, decided_by="rule " + hits["rule"].astype(str))
    modelled = [f for f in frames.ids if detector.mode(f) != "rules"]
    if not modelled or sentences.empty:
        return _order(hits, frames)
    if detector.classifier is None:
        raise InputError("the detector's modes need a classifier, and it has none")
    unknown = sorted(set(modelled) - set(detector.classifier.frames_))
    if unknown:
        raise InputError(f"the detector's classifier was not trained for frame(s) {unknown}")
    cues = find_cue_sentences(index, frames)
    wanted = pd.concat([cues[cues["frame"].isin([f for f in modelled if detector.mode(f) in ("model", "either")])],
                        hits.loc[hits["frame"].isin([f for f in modelled if detector.mode(f) == "both"]),
                                 ["doc_id", "sent_id", "frame"]]], ignore_index=True)
    scored = _score_sentences(wanted[["doc_id", "sent_id"]].drop_duplicates(), sentences, detector.classifier)
    parts = []
    for frame in frames.ids:
        mode, own = detector.mode(frame), hits[hits["frame"] == frame]
        if mode == "rules":
            parts.append(own)
            continue
        threshold = detector.classifier.thresholds_[frame]
        p = scored.set_index(["doc_id", "sent_id"])[frame] if len(scored) else pd.Series(dtype=float)
        own = own.assign(score=p.reindex(pd.MultiIndex.from_frame(own[["doc_id", "sent_id"]])).to_numpy())
        if mode == "both":
            kept = own[own["score"] >= threshold]
            parts.append(kept.assign(decided_by=kept["decided_by"] + "; " + _explain(kept["score"], threshold)))
            continue
        candidates = cues.loc[cues["frame"] == frame, ["doc_id", "sent_id"]]
        found = candidates.merge(scored[["doc_id", "sent_id", frame]], on=["doc_id", "sent_id"])
        found = found[found[frame] >= threshold].rename(columns={frame: "score"})
        if mode == "either":
            parts.append(own.assign(decided_by=own["decided_by"] + np.where(
                own["score"].notna(), "; " + _explain(own["score"], threshold), "")))
            ruled = pd.MultiIndex.from_frame(own[["doc_id", "sent_id"]])
            found = found[~pd.MultiIndex.from_frame(found[["doc_id", "sent_id"]]).isin(ruled)]
        parts.append(_sentence_hits(found, frame, threshold, sentences, quotes))
    return _order(pd.concat([p for p in parts if len(p)] or [hits.iloc[:0]], ignore_index=True), frames)


def _score_sentences(keys: pd.DataFrame, sentences: pd.DataFrame, classifier: FrameClassifier) -> pd.DataFrame:
    """The classifier's probabilities for the sentences named by ``keys`` (doc_id, sent_id)."""
    rows = keys.merge(sentences[["doc_id", "sent_id", "text"]], on=["doc_id", "sent_id"])
    proba = classifier.predict_proba(rows["text"].tolist()) if len(rows) else pd.DataFrame(
        columns=classifier.frames_, dtype=float)
    return pd.concat([rows[["doc_id", "sent_id"]].reset_index(drop=True), proba], axis=1)


def _explain(score: pd.Series, threshold: float) -> pd.Series:
    return pd.Series([f"model {s:.2f} >= {threshold:.2f}" for s in score], index=score.index, dtype=object)


def _sentence_hits(found: pd.DataFrame, frame: str, threshold: float, sentences: pd.DataFrame,
                   quotes: pd.DataFrame | None) -> pd.DataFrame:
    """Hits the model alone decided: the whole sentence is the span."""
    extra = [c for c in sentences.columns if c not in ("start", "end")]
    rows = found.merge(sentences[extra], on=["doc_id", "sent_id"], how="left")
    rows = rows.assign(frame=frame, rule="model", start=0, end=rows["text"].str.len(), match=rows["text"],
                       decided_by=_explain(rows["score"], threshold))
    if quotes is not None and len(rows):
        rows = attribute_hits_to_quotes(rows, sentences, quotes)
    return rows.drop(columns=["text"])


def _order(hits: pd.DataFrame, frames: FrameSet) -> pd.DataFrame:
    rank = {f: i for i, f in enumerate(frames.ids)}
    hits = hits.assign(_rank=hits["frame"].map(rank)).sort_values(["doc_id", "sent_id", "start", "_rank"],
                                                                   kind="stable")
    columns = DETECTOR_COLUMNS + [c for c in hits.columns if c not in DETECTOR_COLUMNS and c != "_rank"]
    return hits[columns].reset_index(drop=True)
