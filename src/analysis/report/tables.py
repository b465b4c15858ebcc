"""Tables on disk: CSV for analysis, LaTeX for papers, numbers as LaTeX macros.

Every cell that goes into LaTeX is escaped, so text from a corpus never becomes live
LaTeX; every file is recorded in the notebook's provenance. LaTeX tables use booktabs
rules, ``p`` columns for long text and ``longtable`` past a page (each file says the
packages it needs in its first lines).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.io import write_atomic, write_table
from analysis.report.provenance import record_outputs

__all__ = ["LATEX_PREAMBLE", "escape_latex", "save_table", "write_latex_macros", "write_latex_table"]


def save_table(df: pd.DataFrame, path: str | Path, latex: bool = False, caption: str = "", label: str = "",
               latex_table: pd.DataFrame | None = None, **latex_options) -> list[Path]:
    """Save a tidy table as CSV (and optionally LaTeX beside it), recorded in the run.

    The CSV keeps ids and every column; ``latex_table`` is the version for readers
    (e.g. :func:`analysis.report.display_table`: labels instead of ids, Korean headers),
    default ``df``. ``latex_options`` go to :func:`write_latex_table` (``decimals``,
    ``long``, ``language``).

    Example
    -------
    >>> save_table(doc_table, "output/tables/01-documents", latex=True, caption="문서")  # doctest: +SKIP
    """
    base = Path(path)
    base = base.with_suffix("") if base.suffix in (".csv", ".tex") else base
    written = [write_table(df, base.with_name(f"{base.name}.csv"))]
    if latex:
        written.append(write_latex_table(df if latex_table is None else latex_table, base.with_name(f"{base.name}.tex"),
                                         caption=caption, label=label, **latex_options))
    record_outputs(written)
    return written


_LATEX_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_LATEX_RE = re.compile("|".join(re.escape(k) for k in _LATEX_ESCAPES))

# What every table file needs in the preamble; written at its head.
LATEX_PREAMBLE = ("% Needs in the preamble: \\usepackage{booktabs} (rules), \\usepackage{array} (wrapped columns)\n"
                  "% and \\usepackage{longtable} (tables over a page); compile with XeLaTeX and kotex for Korean.")
# A table longer than this many rows is a longtable (it breaks across pages; a float would not).
LONG_TABLE_ROWS = 30
# Widths are estimated for a 345 pt line (article class, A4 or letter) with 6 pt either
# side of each column; a wrapped column gets at least 6 em. Sizes tried in turn.
LINE_WIDTH_PT = 345.0
COLUMN_GAP_PT = 12.0
MIN_WRAP_EM = 6.0
LATEX_SIZES = (("", 10.0), ("\\small", 9.0), ("\\footnotesize", 8.0))


def escape_latex(value) -> str:
    r"""Escape LaTeX's special characters; Korean passes through (compile with XeLaTeX + kotex).

    Example
    -------
    >>> escape_latex("50% & 1_호")
    '50\\% \\& 1\\_호'
    """
    return _LATEX_RE.sub(lambda m: _LATEX_ESCAPES[m.group(0)], "" if pd.isna(value) else str(value))


def _cell(value, decimals: int | None) -> str:
    if isinstance(value, (float, np.floating)) and decimals is not None:
        return "" if pd.isna(value) else f"{value:,.{decimals}f}"
    return escape_latex(value)


def _em(text: str) -> float:
    """Printed width of ``text`` in em: Hangul and other wide characters 1, the rest ½."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def _layout(df: pd.DataFrame) -> tuple[str, str]:
    """Column spec and font size: ``r`` for numbers, ``l`` for text that fits, and for text
    that would run off the page ragged-right ``p`` columns (a share of the line width),
    the widest first; a table too wide even so is set smaller."""
    numeric = [pd.api.types.is_numeric_dtype(df[c]) for c in df.columns]
    widths = [max([_em(str(c))] + [_em("" if pd.isna(v) else str(v)) for v in df[c]]) for c in df.columns]
    text = sorted((j for j in range(len(widths)) if not numeric[j] and widths[j] > MIN_WRAP_EM), key=lambda j: -widths[j])
    for size, points in LATEX_SIZES:
        budget = (LINE_WIDTH_PT - COLUMN_GAP_PT * len(widths)) / points - 0.5  # in em of this size
        wrapped: list[int] = []
        for j in text:
            if sum(widths) - sum(widths[i] - MIN_WRAP_EM for i in wrapped) <= budget:
                break
            wrapped.append(j)
        needed = sum(w for i, w in enumerate(widths) if i not in wrapped) + MIN_WRAP_EM * len(wrapped)
        if needed <= budget or size == LATEX_SIZES[-1][0]:
            break
    room = budget - sum(w for i, w in enumerate(widths) if i not in wrapped)
    extra = max(0.0, room - MIN_WRAP_EM * len(wrapped))
    over = sum(widths[j] - MIN_WRAP_EM for j in wrapped) or 1.0
    spec = []
    for j in range(len(widths)):
        if j in wrapped:
            em = min(widths[j], MIN_WRAP_EM + extra * (widths[j] - MIN_WRAP_EM) / over)
            if room < MIN_WRAP_EM * len(wrapped):  # too wide at any size: share what there is
                em = max(room, 2.0 * len(wrapped)) / len(wrapped)
            spec.append(f">{{\\raggedright\\arraybackslash}}p{{{em * points / LINE_WIDTH_PT:.2f}\\linewidth}}")
        else:
            spec.append("r" if numeric[j] else "l")
    return "".join(spec), size


def write_latex_table(df: pd.DataFrame, path: str | Path, caption: str = "", label: str = "", *,
                      decimals: int | dict | None = 2, long: bool | None = None, language: str = "ko") -> Path:
    """Write ``df`` as a booktabs table, atomically; cells are escaped.

    Floats get the same number of decimals in a column (``decimals``: one number, or
    a mapping column -> decimals; None writes them as ``str`` does); text that would
    run off the page wraps in a ``p`` column; a table of more than
    :data:`LONG_TABLE_ROWS` rows (or ``long=True``) is a ``longtable`` that breaks
    across pages and repeats its header, else a floating ``table``. The file starts
    with the packages it needs (booktabs, array, longtable). Headers are the column
    names as they are: pass :func:`analysis.report.display_table` for Korean ones.

    Example
    -------
    >>> write_latex_table(pd.DataFrame({"frame": ["a_b"], "n": [3]}), "tables/hits.tex", "Hits", "tab:hits")  # doctest: +SKIP
    """
    from analysis.report.labels import display_label

    # A display table (display_table) remembers its columns' ids, so decimals may name either.
    source = df.attrs.get("columns", {})
    places = {c: (decimals.get(c, decimals.get(source.get(c), 2)) if isinstance(decimals, dict) else decimals)
              for c in df.columns}
    cells = [[_cell(v, places[c]) for c, v in zip(df.columns, row)] for row in df.itertuples(index=False)]
    spec, size = _layout(df)
    header = " & ".join(escape_latex(c) for c in df.columns) + " \\\\"
    body = [" & ".join(row) + " \\\\" for row in cells]
    long = len(df) > LONG_TABLE_ROWS if long is None else long
    lines = [LATEX_PREAMBLE]
    if long:
        width = len(df.columns)
        lines += ["\\begingroup" + size] if size else []
        lines += [f"\\begin{{longtable}}{{{spec}}}", f"\\caption{{{escape_latex(caption)}}}\\label{{{label}}} \\\\",
                  "\\toprule", header, "\\midrule", "\\endfirsthead",
                  f"\\multicolumn{{{width}}}{{l}}{{\\small {display_label('text', 'continued', language)}}} \\\\",
                  "\\toprule", header, "\\midrule", "\\endhead",
                  f"\\midrule \\multicolumn{{{width}}}{{r}}{{\\small {display_label('text', 'continues', language)}}} \\\\",
                  "\\endfoot", "\\bottomrule", "\\endlastfoot"]
        lines += body + ["\\end{longtable}"] + (["\\endgroup"] if size else []) + [""]
    else:
        lines += ["\\begin{table}[htbp]", "\\centering"] + ([size] if size else [])
        lines += [f"\\caption{{{escape_latex(caption)}}}",
                  f"\\label{{{label}}}", f"\\begin{{tabular}}{{{spec}}}", "\\toprule", header, "\\midrule"]
        lines += body + ["\\bottomrule", "\\end{tabular}", "\\end{table}", ""]
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
    record_outputs([path])
    return path


