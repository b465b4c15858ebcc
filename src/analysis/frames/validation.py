"""Validation of frame rules by hand coding: sample, code, read back, score.

The workflow: :func:`draw_validation_sample` (sentences stratified by the first frame
they hit, and by voice) -> :func:`write_coding_sheet` (blind: no predictions) -> two
human coders enter 1 or 0 per frame -> :func:`read_coding_sheet` ->
:func:`score_validation`: per-frame precision, recall and F1 of the rules against the
human codes, weighted by stratum to estimate corpus-level values, and Krippendorff's
alpha between the coders (the ``krippendorff`` package). Samples are drawn from
``numpy.random.default_rng(seed)``, so one seed gives one sample.

Example
-------
>>> import tempfile
>>> sentences = pd.DataFrame({"doc_id": "0", "sent_id": [1, 2, 3], "voice": "narration", "speaker": "",
...                           "text": ["일본을 넘자.", "비가 온다.", "일본을 이기자."]})
>>> hits = pd.DataFrame({"doc_id": ["0"], "sent_id": [1], "frame": ["japan_rivalry"]})
>>> sample = draw_validation_sample(sentences, hits, n_per_stratum=5, seed=1)
>>> path = write_coding_sheet(sample, Path(tempfile.mkdtemp()) / "sheet.csv", frames=["japan_rivalry"])
>>> coded = read_coding_sheet(path)
>>> coded["japan_rivalry__coder1"] = coded["japan_rivalry__coder2"] = [float(s != 2) for s in coded.sent_id]
>>> score_validation(coded, hits)[["frame", "tp", "fp", "fn", "tn", "precision", "recall"]].values.tolist()
[['japan_rivalry', 1, 0, 1, 1, 1.0, 0.5]]
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.frames.matcher import resolve_frame_ids
from analysis.io import neutralise_formulas, restore_formulas, write_atomic
from analysis.settings import SENTENCE_KEY as KEY

__all__ = ["CODER_SUFFIXES", "draw_validation_sample", "read_codebook", "read_coding_sheet", "score_frames",
           "score_validation", "write_coding_sheet"]

CODER_SUFFIXES = ("coder1", "coder2")
CODEBOOK = "lexicons/frames-codebook.md"
_TRUE = {"1", "1.0", "y", "yes", "true", "o", "예"}
_FALSE = {"0", "0.0", "n", "no", "false", "x", "아니오"}


def draw_validation_sample(sentences: pd.DataFrame, hits: pd.DataFrame, n_per_stratum: int = 20, *, seed: int,
                           frames=None, by_voice: bool = True) -> pd.DataFrame:
    """A stratified random sample of sentences for human coding.

    Each sentence belongs to one stratum: the first frame (in ``frames`` order, default
    alphabetical) it hits, or ``none``; with ``by_voice`` strata are split by voice too,
    so quoted and narrated sentences are both checked. Up to ``n_per_stratum``
    sentences are drawn per stratum without replacement. ``weight`` (stratum size /
    sample size) lets recall be estimated for the corpus, since sentences without hits
    are under-sampled. Rows are shuffled so coders do not see the strata.

    Columns: item, doc_id, para_id, sent_id, voice, speaker, text, stratum,
    stratum_size, weight, predicted (frames hit, ';'-joined).

    Example
    -------
    >>> sample = draw_validation_sample(t.sentences, hits, n_per_stratum=25, seed=1)  # doctest: +SKIP
    """
    frame_ids = resolve_frame_ids(hits, frames)
    rank = {f: i for i, f in enumerate(frame_ids)}
    h = hits[hits["frame"].isin(rank)].assign(_rank=lambda d: d["frame"].map(rank))
    h = h.sort_values(KEY + ["_rank"], kind="stable")
    predicted = h.drop_duplicates(KEY + ["frame"]).groupby(KEY)["frame"].agg(";".join).rename("predicted")
    first = h.drop_duplicates(KEY).set_index(KEY)["frame"].rename("stratum")
    cols = [c for c in ["doc_id", "para_id", "sent_id", "voice", "speaker", "text"] if c in sentences]
    s = sentences[cols].merge(first.reset_index(), on=KEY, how="left").merge(predicted.reset_index(), on=KEY, how="left")
    s["stratum"] = s["stratum"].fillna("none")
    s["predicted"] = s["predicted"].fillna("")
    if by_voice:
        s["stratum"] = s["stratum"] + "|" + s["voice"].astype(str)
    s = s.sort_values(["stratum"] + KEY, kind="stable").reset_index(drop=True)
    rng = np.random.default_rng(seed)
    picked = []
    for stratum, index in s.groupby("stratum", sort=True).indices.items():
        take = min(n_per_stratum, len(index))
        chosen = rng.choice(index, size=take, replace=False)
        picked.append(s.loc[np.sort(chosen)].assign(stratum_size=len(index), weight=len(index) / take))
    sample = pd.concat(picked, ignore_index=True) if picked else s.assign(stratum_size=0, weight=np.nan).iloc[:0]
    sample = sample.iloc[rng.permutation(len(sample))].reset_index(drop=True)
    sample.insert(0, "item", np.arange(1, len(sample) + 1))
    return sample[["item"] + cols + ["stratum", "stratum_size", "weight", "predicted"]]


def write_coding_sheet(sample: pd.DataFrame, path: str | Path, frames=None) -> Path:
    """Write a blind coding sheet: ids, speaker, voice, sentence and, per frame, an
    empty column for each coder (``<frame>__coder1``, ``<frame>__coder2``) and notes.

    Predictions and strata are left out so coders are not led. The frame codebook (the
    definitions coders follow, :func:`read_codebook`) heads every sheet: ``.xlsx``
    writes an Excel file with sheets ``coding``, ``codebook`` and ``guide``; anything
    else a CSV in UTF-8 with BOM (so Excel shows Korean) whose first lines are the
    codebook, each starting with ``#``. Coders enter 1 (frame present) or 0 (absent).

    Example
    -------
    >>> write_coding_sheet(sample, "coding/frames_round1.xlsx", frames=load_frames())  # doctest: +SKIP
    """
    frame_ids = list(getattr(frames, "ids", frames)) if frames is not None else _predicted_frames(sample)
    cols = [c for c in ["item", "doc_id", "para_id", "sent_id", "speaker", "voice", "text"] if c in sample]
    sheet = sample[cols].copy()
    for frame in frame_ids:
        for coder in CODER_SUFFIXES:
            sheet[f"{frame}__{coder}"] = ""
    sheet["notes"] = ""
    # Corpus sentences are untrusted: "=HYPERLINK(...)" must stay text in Excel and LibreOffice.
    sheet = neutralise_formulas(sheet)
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        guide = pd.DataFrame({"column": [f"{f}__{c}" for f in frame_ids for c in CODER_SUFFIXES],
                              "code": "1 = the sentence uses this frame, 0 = it does not"})
        codebook = neutralise_formulas(pd.DataFrame({"codebook": read_codebook().splitlines()}), starts="=")

        def write(tmp):
            # A file handle, because ExcelWriter refuses the temporary file's suffix.
            with open(tmp, "wb") as handle, pd.ExcelWriter(handle, engine="openpyxl") as xl:
                sheet.to_excel(xl, sheet_name="coding", index=False)
                codebook.to_excel(xl, sheet_name="codebook", index=False)
                guide.to_excel(xl, sheet_name="guide", index=False)
        return write_atomic(path, write)
    header = "".join(f"# {line}".rstrip() + "\n" for line in read_codebook().splitlines())

    def write_csv(tmp):
        with open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
            handle.write(header)
            sheet.to_csv(handle, index=False, lineterminator="\n")
    return write_atomic(path, write_csv)


def read_codebook() -> str:
    """The frame codebook shipped with the package: the definitions coders and detectors
    are judged by (``analysis/lexicons/frames-codebook.md``).

    Example
    -------
    >>> read_codebook().splitlines()[0]
    '# Frame codebook (v1.1)'
    """
    return importlib.resources.files("analysis").joinpath(CODEBOOK).read_text(encoding="utf-8")


def _predicted_frames(sample: pd.DataFrame) -> list[str]:
    found = {f for p in sample.get("predicted", pd.Series(dtype=str)) for f in str(p).split(";") if f}
    return sorted(found)


def read_coding_sheet(path: str | Path) -> pd.DataFrame:
    """Read a coding sheet back: ids as text, coder cells as 1.0 / 0.0 / NaN (uncoded).

    Accepted codes: 1/0, y/n, yes/no, true/false, and O/X as Korean coders mark them
    (O present, X absent); a blank cell is uncoded; anything else is an error naming
    the row and column.

    Example
    -------
    >>> coded = read_coding_sheet("coding/frames_round1.xlsx")  # doctest: +SKIP
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        df = pd.read_excel(path, sheet_name="coding", dtype=str, keep_default_na=False)
    else:
        preamble = 0  # the codebook's lines, each starting with #, come before the table
        with open(path, encoding="utf-8-sig") as handle:
            for line in handle:
                if not line.startswith("#"):
                    break
                preamble += 1
        df = pd.read_csv(path, encoding="utf-8-sig", skiprows=preamble, dtype=str, keep_default_na=False)
    for col in df.columns:
        if col.endswith(tuple(f"__{c}" for c in CODER_SUFFIXES)) or col.endswith("__gold"):
            df[col] = [_parse_code(v, path, col, i) for i, v in enumerate(df[col])]
    for col in ("para_id", "sent_id", "item"):
        if col in df:
            df[col] = pd.to_numeric(df[col])
    if "text" in df:
        df["text"] = restore_formulas(df["text"])
    return df


def _parse_code(value: str, path: Path, col: str, row: int) -> float:
    v = str(value).strip().casefold()
    if v == "":
        return np.nan
    if v in _TRUE:
        return 1.0
    if v in _FALSE:
        return 0.0
    raise ValueError(f"{path}: row {row + 2}, column {col}: code {value!r} is not 1 or 0")


def score_validation(coded: pd.DataFrame, hits: pd.DataFrame, frames=None) -> pd.DataFrame:
    """Per-frame agreement of the rules with human coders, and between the coders.

    The human label for a sentence is ``<frame>__gold`` where given (adjudication),
    else the coders' label where both agree or only one coded; sentences where the
    coders disagree without adjudication are left out of precision and recall and
    counted in ``n_unresolved``. The rules' label is whether ``hits`` has the frame in
    that sentence. If ``coded`` carries ``weight`` (from :func:`draw_validation_sample`)
    the weighted precision and recall estimate corpus-level values.

    Columns: frame, n, tp, fp, fn, tn, precision, recall, f1, weighted_precision,
    weighted_recall, n_unresolved, n_double_coded, alpha (Krippendorff's nominal alpha
    between coder1 and coder2; NaN when undefined, e.g. only one value was ever used).

    Example
    -------
    >>> score_validation(read_coding_sheet("coding/round1.xlsx"), hits)  # doctest: +SKIP
    """
    import krippendorff

    if frames is None:
        frame_ids = sorted({c.split("__")[0] for c in coded.columns if c.endswith(f"__{CODER_SUFFIXES[0]}")})
    else:
        frame_ids = list(getattr(frames, "ids", frames))
    keys = coded[KEY].astype({"doc_id": str, "sent_id": np.int64})
    predicted = set(zip(hits["doc_id"].astype(str), hits["sent_id"].astype(np.int64), hits["frame"]))
    weight = coded["weight"].astype(float).to_numpy() if "weight" in coded else np.ones(len(coded))
    rows = []
    for frame in frame_ids:
        c1 = coded.get(f"{frame}__coder1", pd.Series(np.nan, index=coded.index)).astype(float).to_numpy()
        c2 = coded.get(f"{frame}__coder2", pd.Series(np.nan, index=coded.index)).astype(float).to_numpy()
        gold = coded.get(f"{frame}__gold", pd.Series(np.nan, index=coded.index)).astype(float).to_numpy()
        agreed = np.where(np.isnan(c1), c2, np.where(np.isnan(c2) | (c1 == c2), c1, np.nan))
        human = np.where(np.isnan(gold), agreed, gold)
        unresolved = np.isnan(gold) & ~np.isnan(c1) & ~np.isnan(c2) & (c1 != c2)
        pred = np.array([(d, s, frame) in predicted for d, s in zip(keys["doc_id"], keys["sent_id"])])
        ok = ~np.isnan(human)
        y, p, w = human[ok] == 1, pred[ok], weight[ok]
        tp, fp, fn, tn = int((y & p).sum()), int((~y & p).sum()), int((y & ~p).sum()), int((~y & ~p).sum())
        precision = tp / (tp + fp) if tp + fp else np.nan
        recall = tp / (tp + fn) if tp + fn else np.nan
        f1 = 2 * precision * recall / (precision + recall) if tp else (0.0 if tp + fp + fn else np.nan)
        wp = (w * (y & p)).sum() / (w * p).sum() if p.any() else np.nan
        wr = (w * (y & p)).sum() / (w * y).sum() if y.any() else np.nan
        both = ~np.isnan(c1) & ~np.isnan(c2)
        try:
            alpha = float(krippendorff.alpha(reliability_data=np.vstack([c1, c2]), level_of_measurement="nominal"))
        except ValueError:  # one value only: agreement beyond chance is undefined
            alpha = np.nan
        rows.append((frame, int(ok.sum()), tp, fp, fn, tn, precision, recall, f1, wp, wr,
                     int(unresolved.sum()), int(both.sum()), alpha))
    cols = ["frame", "n", "tp", "fp", "fn", "tn", "precision", "recall", "f1", "weighted_precision",
            "weighted_recall", "n_unresolved", "n_double_coded", "alpha"]
    return pd.DataFrame(rows, columns=cols).sort_values("frame", kind="stable").reset_index(drop=True)


def score_frames(gold: pd.DataFrame, predicted: pd.DataFrame, groups, *, seed: int, frames=None,
                 n_boot: int = 2000, ci: float = 0.95) -> pd.DataFrame:
    """Precision, recall and F1 of a detector against gold codes, with intervals that
    resample the independent units (speeches, articles), never sentences within one.

    ``gold`` and ``predicted`` hold one 0/1 column per frame, rows aligned; ``groups``
    names each row's independent unit (e.g. its document). The percentile bootstrap
    draws units with replacement ``n_boot`` times (``numpy.random.default_rng(seed)``);
    a draw where a measure is undefined (no predicted or no gold positive) is left out of
    that measure's interval. One row per frame and a ``macro`` row (means over the frames
    with at least one gold positive: a frame the set has no example of cannot be scored):
    frame, n, n_gold, n_predicted, tp, fp, fn, precision, recall, f1, each with
    ``_low`` and ``_high``, and n_groups.

    Example
    -------
    >>> gold = pd.DataFrame({"a": [1, 1, 0, 0, 1, 0]})
    >>> pred = pd.DataFrame({"a": [1, 0, 0, 1, 1, 0]})
    >>> s = score_frames(gold, pred, groups=[1, 1, 2, 2, 3, 3], seed=0, n_boot=200)
    >>> s[["frame", "tp", "fp", "fn"]].values.tolist()
    [['a', 2, 1, 1], ['macro', 2, 1, 1]]
    >>> s.loc[0, ["precision", "recall"]].astype(float).round(3).tolist()
    [0.667, 0.667]
    """
    frame_ids = list(gold.columns) if frames is None else list(getattr(frames, "ids", frames))
    y = gold[frame_ids].to_numpy(int).astype(bool)
    p = predicted[frame_ids].to_numpy(int).astype(bool)
    codes, uniques = pd.factorize(pd.Series(list(groups)))
    n_groups = len(uniques)
    per_group = np.zeros((3, n_groups, len(frame_ids)))
    for k, cell in enumerate((y & p, ~y & p, y & ~p)):  # tp, fp, fn
        np.add.at(per_group[k], codes, cell.astype(float))
    rng = np.random.default_rng(seed)
    draws = []
    for start in range(0, n_boot, 500):
        picks = rng.integers(0, n_groups, size=(min(500, n_boot - start), n_groups))
        weights = np.stack([np.bincount(row, minlength=n_groups) for row in picks]).astype(float)
        draws.append(np.einsum("bg,kgf->kbf", weights, per_group))
    tp, fp, fn = np.concatenate(draws, axis=1)
    boot = _measures(tp, fp, fn)
    point = _measures(*per_group.sum(axis=1))
    alpha = (1 - ci) / 2
    scored = y.sum(axis=0) > 0
    rows = []
    for j, frame in enumerate(frame_ids + ["macro"]):
        row = {"frame": frame, "n": len(y), "n_groups": n_groups}
        if frame == "macro":
            row.update(n_gold=int(y.sum()), n_predicted=int(p.sum()), tp=int(y[p].sum()), fp=int((~y & p).sum()),
                       fn=int((y & ~p).sum()))
        else:
            row.update(n_gold=int(y[:, j].sum()), n_predicted=int(p[:, j].sum()), tp=int(point["tp"][j]),
                       fp=int(point["fp"][j]), fn=int(point["fn"][j]))
        for name in ("precision", "recall", "f1"):
            values = boot[name][:, scored].mean(axis=1) if frame == "macro" else boot[name][:, j]
            estimate = point[name][scored].mean() if frame == "macro" else point[name][j]
            kept = values[~np.isnan(values)]
            row[name] = float(estimate)
            row[f"{name}_low"], row[f"{name}_high"] = (np.quantile(kept, [alpha, 1 - alpha]).tolist()
                                                       if len(kept) else (np.nan, np.nan))
        rows.append(row)
    columns = ["frame", "n", "n_groups", "n_gold", "n_predicted", "tp", "fp", "fn"] + [
        f"{m}{s}" for m in ("precision", "recall", "f1") for s in ("", "_low", "_high")]
    return pd.DataFrame(rows)[columns]


def _measures(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> dict[str, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(tp + fp > 0, tp / (tp + fp), np.nan)
        recall = np.where(tp + fn > 0, tp / (tp + fn), np.nan)
        f1 = np.where(tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), np.nan)
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}
