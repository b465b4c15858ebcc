"""Saving and loading fitted topic models without pickle.

A saved model is a folder: ``arrays.npz`` (the fitted arrays, loaded with
``allow_pickle=False``), ``model.json`` (the estimator's parameters, the resolved
options, the vocabulary and package versions) and, for tomotopy only,
``tomotopy.bin`` (tomotopy's own format), so that a loaded tomotopy model can still
infer new units. Folders written in the earlier format (``analysis.topics/1``) load too.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from analysis import __version__
from analysis.io import collect_versions, write_atomic, write_json
from analysis.topics.model import TopicModel, check_fitted

__all__ = ["SAVE_FORMAT", "collect_topic_versions", "load_model", "save_model"]

# /2: the parameters as get_params gives them; /1 mixed min_df and max_df into
# engine_options (TopicModel's keyword arguments before it was a scikit-learn estimator).
SAVE_FORMAT = "analysis.topics/2"
_FORMAT_1 = "analysis.topics/1"
_PACKAGES = ("gensim", "tomotopy", "scikit-learn", "numpy", "scipy", "pandas")
# Engines whose native model tomotopy saves in its own format (so it can infer after loading).
# (dmr and gdmr infer only with covariates, and saving a GDMR model crashes tomotopy 0.14.)
_TOMOTOPY_CLASSES = {"tomotopy": "LDAModel", "guided": "LDAModel"}


def collect_topic_versions() -> dict[str, str]:
    """Versions of this package and of the libraries the topic engines use.

    Example
    -------
    >>> sorted(collect_topic_versions())
    ['analysis', 'gensim', 'numpy', 'pandas', 'scikit-learn', 'scipy', 'tomotopy']
    """
    return {"analysis": __version__, **collect_versions(_PACKAGES)}


def _savez(path: str, arrays: dict) -> None:
    # A file object, because np.savez appends ".npz" to a path that lacks it.
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)


def save_model(model: TopicModel, path: str | os.PathLike) -> Path:
    """Save a fitted model to folder ``path`` without pickle.

    Writes ``arrays.npz`` (fitted arrays), ``model.json`` (``params``: the
    estimator's parameters; ``options``: the resolved options; vocabulary,
    package versions) and, for tomotopy, ``tomotopy.bin`` (tomotopy's own
    binary format) so that ``transform`` works after loading.  Other engines
    load without their native model and cannot transform.

    Example
    -------
    >>> import tempfile
    >>> units = [["인공지능", "데이터"], ["인공지능", "데이터"], ["일본", "추월"], ["일본", "추월"]]
    >>> model = TopicModel("nmf", k=2, seed=1).fit(units)
    >>> folder = save_model(model, Path(tempfile.mkdtemp()) / "model")
    >>> sorted(p.name for p in folder.iterdir())
    ['arrays.npz', 'model.json']
    """
    check_fitted(model)
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {"topic_term": model.topic_term_, "doc_topic": model.doc_topic_, "empty": model.empty_,
              "term_freq": model.term_freq_, "doc_lengths": model.doc_lengths_}
    write_atomic(folder / "arrays.npz", lambda tmp: _savez(tmp, arrays))
    if model.engine in _TOMOTOPY_CLASSES and model.engine_model_ is not None:
        # Topics only (full=False) are enough to infer new units.
        write_atomic(folder / "tomotopy.bin", lambda tmp: model.engine_model_.save(tmp, full=False))
    settings = {
        "format": SAVE_FORMAT,
        "params": {**model.get_params(), "k": int(model.k), "seed": int(model.seed)},
        "options": model.options_,
        "vocabulary": model.vocabulary_,
        "versions": collect_topic_versions(),
    }
    write_json(settings, folder / "model.json")
    return folder


def _read_params(settings: dict, folder: Path) -> dict:
    """TopicModel's parameters from a model.json of either format."""
    if settings.get("format") == SAVE_FORMAT:
        return settings["params"]
    if settings.get("format") == _FORMAT_1:
        engine_options = {k: v for k, v in settings["engine_options"].items() if k not in ("min_df", "max_df")}
        # The resolved options always held min_df and max_df, defaults included.
        return {"engine": settings["engine"], "k": settings["k"], "seed": settings["seed"],
                "min_df": settings["options"]["min_df"], "max_df": settings["options"]["max_df"],
                "options": engine_options or None}
    raise ValueError(f"{folder} is not a saved topic model ({SAVE_FORMAT})")


def load_model(path: str | os.PathLike) -> TopicModel:
    """Load a model written by ``save_model``.

    Parameters, arrays, vocabulary and labels come back identical.
    ``transform`` and ``score`` work for tomotopy; other engines raise
    ``NotImplementedError``.

    Example
    -------
    >>> import tempfile
    >>> units = [["인공지능", "데이터"], ["인공지능", "데이터"], ["일본", "추월"], ["일본", "추월"]]
    >>> model = TopicModel("nmf", k=2, seed=1, options={"max_iter": 300}).fit(units)
    >>> loaded = load_model(save_model(model, Path(tempfile.mkdtemp()) / "model"))
    >>> loaded.get_params() == model.get_params()
    True
    >>> bool((loaded.topic_term_ == model.topic_term_).all())
    True
    """
    folder = Path(path)
    settings = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    model = TopicModel(**_read_params(settings, folder))
    with np.load(folder / "arrays.npz", allow_pickle=False) as arrays:
        model.topic_term_ = arrays["topic_term"]
        model.doc_topic_ = arrays["doc_topic"]
        model.empty_ = arrays["empty"]
        model.term_freq_ = arrays["term_freq"]
        model.doc_lengths_ = arrays["doc_lengths"]
    model.vocabulary_ = settings["vocabulary"]
    model.options_ = settings["options"]
    model.engine_model_ = None
    native = folder / "tomotopy.bin"
    if model.engine in _TOMOTOPY_CLASSES and native.exists():
        import tomotopy as tp

        model.engine_model_ = getattr(tp, _TOMOTOPY_CLASSES[model.engine]).load(str(native))
    return model
