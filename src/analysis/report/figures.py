"""Figures on disk: one save function, Korean glyphs embedded, byte-stable files.

:func:`use_korean_style` registers NanumGothic from the ``koreanize-matplotlib`` wheel by
file path (importing that package is fragile on new Pythons) with DejaVu Sans as the
per-glyph fallback (NanumGothic has no minus sign). :func:`save_figure` writes PDF
(TrueType-embedded, so Korean stays searchable), SVG (glyphs as paths, so it renders
the same without the font) and PNG (300 dpi), plus the plotted data as CSV, with every date and
random id pinned so two runs give identical bytes.

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
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from analysis.io import write_atomic, write_table  # noqa: E402
from analysis.report.provenance import record_outputs  # noqa: E402

__all__ = ["FIGURE_FORMATS", "PAPER_WIDTHS", "find_korean_font", "fit_for_paper", "save_figure", "use_korean_style"]

FONT_FAMILY = "NanumGothic"
FIGURE_FORMATS = ("pdf", "svg", "png")
_STYLE = {
    "font.family": [FONT_FAMILY, "DejaVu Sans"],
    "axes.unicode_minus": False,
    "pdf.fonttype": 42,
    "svg.fonttype": "path",
    "svg.hashsalt": "analysis",
    "text.parse_math": False,  # labels come from the corpus and metadata: "$5" is text, never mathtext
    "figure.dpi": 100,
    "savefig.dpi": 300,  # journals ask 300 dpi or more for raster figures
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
    record_outputs(written)
    return written
