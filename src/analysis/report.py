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

import importlib.metadata
import logging
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from analysis.io import sha256_file, write_atomic, write_json, write_table  # noqa: E402

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


# Column widths of common two-column journal layouts, in inches.
PAPER_WIDTHS = {"single": 3.5, "double": 7.2}
PAPER_FONT_SIZES = {"title": 9.0, "label": 8.0, "tick": 7.0}


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


def fit_for_paper(fig, column: str = "single", aspect: float | None = None):
    """Resize a figure to a journal column and set font sizes that stay legible in print.

    ``aspect`` is height / width; by default the figure keeps its own proportions.
    Titles become 9 pt, labels 8 pt and ticks 7 pt, whatever the figure had.

    Example
    -------
    >>> fig = fit_for_paper(fig, "double", aspect=0.5)  # doctest: +SKIP
    """
    width = PAPER_WIDTHS[column]
    old_width, old_height = fig.get_size_inches()
    fig.set_size_inches(width, width * (aspect if aspect else old_height / old_width))
    for ax in fig.axes:
        ax.title.set_fontsize(PAPER_FONT_SIZES["title"])
        ax.xaxis.label.set_fontsize(PAPER_FONT_SIZES["label"])
        ax.yaxis.label.set_fontsize(PAPER_FONT_SIZES["label"])
        ax.tick_params(labelsize=PAPER_FONT_SIZES["tick"])
        for text in ax.texts:
            text.set_fontsize(min(text.get_fontsize(), PAPER_FONT_SIZES["tick"]))
        legend = ax.get_legend()
        if legend is not None:
            for text in legend.get_texts():
                text.set_fontsize(PAPER_FONT_SIZES["tick"])
    if fig.get_suptitle():
        fig._suptitle.set_fontsize(PAPER_FONT_SIZES["title"])
    fig.tight_layout()
    return fig


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
    path = write_json(record, out / "provenance" / f"{_RUN['notebook']}.json")
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


_LATEX_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_LATEX_RE = re.compile("|".join(re.escape(k) for k in _LATEX_ESCAPES))


def escape_latex(value) -> str:
    r"""Escape LaTeX's special characters; Korean passes through (compile with XeLaTeX + kotex).

    Example
    -------
    >>> escape_latex("50% & 1_호")
    '50\\% \\& 1\\_호'
    """
    return _LATEX_RE.sub(lambda m: _LATEX_ESCAPES[m.group(0)], "" if pd.isna(value) else str(value))


def write_latex_table(df: pd.DataFrame, path: str | Path, caption: str = "", label: str = "") -> Path:
    """Write ``df`` as a booktabs ``table`` environment, atomically; cells are escaped.

    Numbers are written as they are formatted by ``str`` (round them first).

    Example
    -------
    >>> write_latex_table(pd.DataFrame({"frame": ["a_b"], "n": [3]}), "tables/hits.tex", "Hits", "tab:hits")  # doctest: +SKIP
    """
    align = "".join("r" if pd.api.types.is_numeric_dtype(df[c]) else "l" for c in df.columns)
    lines = ["\\begin{table}[htbp]", "\\centering", f"\\caption{{{escape_latex(caption)}}}",
             f"\\label{{{label}}}", f"\\begin{{tabular}}{{{align}}}", "\\toprule",
             " & ".join(escape_latex(c) for c in df.columns) + " \\\\", "\\midrule"]
    lines += [" & ".join(escape_latex(v) for v in row) + " \\\\" for row in df.itertuples(index=False)]
    lines += ["\\bottomrule", "\\end{tabular}", "\\end{table}", ""]
    content = "\n".join(lines)
    return write_atomic(path, lambda tmp: Path(tmp).write_text(content, encoding="utf-8"))


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
        lines.append(f"\\newcommand{{\\{name}}}{{{escape_latex(text)}}}")
    path = write_atomic(path, lambda tmp: Path(tmp).write_text("\n".join(lines) + "\n", encoding="utf-8"))
    _record([path])
    return path


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
