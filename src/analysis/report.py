"""Figures, tables and numbers on disk: one save function, Korean glyphs, byte-stable
files, and the provenance of each.

:func:`use_korean_style` registers NanumGothic from the ``koreanize-matplotlib`` wheel by
file path (importing that package is fragile on new Pythons) with DejaVu Sans as the
per-glyph fallback (NanumGothic has no minus sign). :func:`save_figure` writes PDF
(TrueType-embedded, so Korean stays searchable), SVG (glyphs as paths, so it renders
the same without the font) and PNG, plus the plotted data as CSV, with every date and
random id pinned so two runs give identical bytes.

A notebook opens a run with :func:`start_run` (its name and parameters); every figure
and table saved afterwards is recorded, with its sha256, in
``OUT/provenance/<notebook>.json`` by :func:`finish_run`, so each exported file names the
notebook and parameters that made it.

Example
-------
>>> import matplotlib.pyplot as plt
>>> use_korean_style()
>>> fig, ax = plt.subplots()
>>> _ = ax.bar(["광주", "대구"], [3, 1])
>>> paths = save_figure(fig, "/tmp/demo/cities", data=pd.DataFrame({"city": ["광주", "대구"], "n": [3, 1]}))  # doctest: +SKIP
>>> sorted(p.suffix for p in paths)  # doctest: +SKIP
['.csv', '.pdf', '.png', '.svg']
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from analysis.corpus import write_atomic, write_table  # noqa: E402

FONT_FAMILY = "NanumGothic"
FIGURE_FORMATS = ("pdf", "svg", "png")
_STYLE = {
    "font.family": [FONT_FAMILY, "DejaVu Sans"],
    "axes.unicode_minus": False,
    "pdf.fonttype": 42,
    "svg.fonttype": "path",
    "svg.hashsalt": "analysis",
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "savefig.bbox": "tight",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
}
_METADATA = {"pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
             "svg": {"Date": None, "Creator": None},
             "png": {"Software": None}}


def find_korean_font() -> Path:
    """Path of NanumGothic.ttf as shipped in the ``koreanize-matplotlib`` wheel."""
    dist = importlib.metadata.distribution("koreanize-matplotlib")
    path = Path(dist.locate_file("koreanize_matplotlib/fonts/NanumGothic.ttf"))
    if not path.exists():
        raise FileNotFoundError(f"NanumGothic not found at {path}; reinstall koreanize-matplotlib")
    return path


def use_korean_style() -> None:
    """Register the Korean font and set the house plotting style (idempotent)."""
    font_dir = find_korean_font().parent
    known = {Path(f.fname).name for f in font_manager.fontManager.ttflist}
    for ttf in sorted(font_dir.glob("NanumGothic*.ttf")):
        if ttf.name not in known:
            font_manager.fontManager.addfont(str(ttf))
    plt.rcParams.update(_STYLE)
    # fontTools warns about hinting tables it drops while subsetting NanumGothic into PDFs.
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


_RUN: dict = {}


def start_run(notebook: str, parameters: dict, out: str | Path) -> None:
    """Begin recording which files this notebook writes, with its parameters.

    Example
    -------
    >>> start_run("01-corpus", {"CORPUS": "../data/raw"}, "output")  # doctest: +SKIP
    """
    _RUN.clear()
    _RUN.update(notebook=notebook, parameters=dict(parameters), out=Path(out), outputs=[])


def _record(paths: list[Path]) -> None:
    if _RUN:
        _RUN["outputs"].extend(paths)


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def finish_run() -> Path | None:
    """Write ``OUT/provenance/<notebook>.json``: parameters and every output with its sha256."""
    if not _RUN:
        return None
    out = _RUN["out"]
    outputs = sorted({Path(p) for p in _RUN["outputs"]})
    record = {
        "notebook": _RUN["notebook"],
        "parameters": {k: (str(v) if isinstance(v, Path) else v) for k, v in sorted(_RUN["parameters"].items())},
        "outputs": {_relative(p, out): sha256_file(p) for p in outputs},
    }
    path = out / "provenance" / f"{_RUN['notebook']}.json"
    text = json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n"
    write_atomic(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    _RUN.clear()
    return path


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def save_table(df: pd.DataFrame, path: str | Path, latex: bool = False, caption: str = "", label: str = "") -> list[Path]:
    """Save a tidy table as CSV (and optionally LaTeX beside it), recorded in the run.

    Example
    -------
    >>> save_table(doc_table, "output/tables/01-documents", latex=True, caption="문서")  # doctest: +SKIP
    """
    base = Path(path)
    base = base.with_suffix("") if base.suffix in (".csv", ".tex") else base
    written = [write_table(df, base.with_name(f"{base.name}.csv"))]
    if latex:
        written.append(write_latex_table(df, base.with_name(f"{base.name}.tex"), caption=caption, label=label))
    _record(written)
    return written


def write_latex_table(df: pd.DataFrame, path: str | Path, caption: str = "", label: str = "",
                      float_format: str = "{:.3f}") -> Path:
    """Write ``df`` as a booktabs LaTeX table with special characters escaped.

    Korean text needs a CJK-capable engine (XeLaTeX with ``kotex``) in the paper.

    Example
    -------
    >>> write_latex_table(pd.DataFrame({"frame": ["tech_future"], "n": [3]}), "/tmp/t.tex")  # doctest: +SKIP
    """
    styler = df.style.hide(axis="index").format(precision=3, escape="latex", na_rep="")
    styler = styler.format_index(escape="latex", axis="columns")
    text = styler.to_latex(hrules=True, caption=_escape_latex(caption) or None, label=label or None,
                           position="htbp", position_float="centering")
    return write_atomic(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def write_latex_macros(numbers: dict[str, object], path: str | Path) -> Path:
    """Write numbers quoted in a paper as ``\\newcommand`` macros, so none is typed by hand.

    Names must be letters only (LaTeX macro names).

    Example
    -------
    >>> write_latex_macros({"nDocs": 5, "nSentences": 120}, "/tmp/numbers.tex")  # doctest: +SKIP
    """
    lines = ["% Generated by the analysis package; do not edit by hand."]
    for name, value in sorted(numbers.items()):
        if not name.isalpha():
            raise ValueError(f"LaTeX macro name must be letters only: {name!r}")
        text = f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
        lines.append(f"\\newcommand{{\\{name}}}{{{_escape_latex(text)}}}")
    path = write_atomic(path, lambda tmp: Path(tmp).write_text("\n".join(lines) + "\n", encoding="utf-8"))
    _record([path])
    return path


def _escape_latex(text: str) -> str:
    for char, repl in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("$", r"\$"), ("#", r"\#"),
                       ("_", r"\_"), ("{", r"\{"), ("}", r"\}"), ("~", r"\textasciitilde{}"), ("^", r"\^{}")):
        text = text.replace(char, repl)
    return text


def save_figure(fig, path: str | Path, data: pd.DataFrame | None = None, close: bool = True) -> list[Path]:
    """Save ``fig`` as ``path``.pdf/.svg/.png and ``data`` as ``path``.csv.

    ``path`` is given without suffix. Output bytes depend only on the figure and data.

    Example
    -------
    >>> save_figure(fig, "output/figures/timeline", data=df)  # doctest: +SKIP
    """
    base = Path(path)
    base.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in FIGURE_FORMATS:
        target = base.with_name(f"{base.name}.{fmt}")
        write_atomic(target, lambda tmp, fmt=fmt: fig.savefig(tmp, format=fmt, metadata=_METADATA[fmt]))
        written.append(target)
    if data is not None:
        written.append(write_table(data, base.with_name(f"{base.name}.csv")))
    if close:
        plt.close(fig)
    _record(written)
    return written
