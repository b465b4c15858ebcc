"""Rerun the whole analysis: every notebook, in order, in a fresh kernel, with parameters.

The notebooks in ``notebooks/`` are named ``NN-name.ipynb`` and run in that order with
papermill. Executed copies go to ``OUT/notebooks/``; the notebooks themselves write their
figures to ``OUT/figures/`` and tables to ``OUT/tables/``. Paths are passed absolute, so a
rerun does not depend on the directory it was started from.

While a notebook runs, a line shows its cells done out of all and the time elapsed (a bar
on a terminal; in a log, a line at the start, every 30 seconds and at the end); at the
end, a summary gives each notebook's time and where each kind of output went.

Example
-------
>>> run_notebooks("output", corpus="data/raw", manifest="data/raw/manifest.csv")  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import re
import shutil
import sys
import time
from pathlib import Path

import pandas as pd

from analysis.errors import InputError
from analysis.report.provenance import write_provenance

DEFAULT_NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def list_notebooks(notebooks_dir: str | Path = DEFAULT_NOTEBOOKS) -> list[Path]:
    """The phase notebooks (``NN-name.ipynb``) in run order."""
    found = sorted(Path(notebooks_dir).glob("[0-9][0-9]-*.ipynb"))
    if not found:
        raise FileNotFoundError(f"no NN-name.ipynb notebooks in {notebooks_dir}")
    return found


def list_parameters(notebooks_dir: str | Path = DEFAULT_NOTEBOOKS) -> pd.DataFrame:
    """Every notebook's parameters: notebook, name, default (as written) and help (its comment).

    Example
    -------
    >>> table = list_parameters()
    >>> table.query("name == 'SEED'").notebook.tolist()
    ['03-topics', '04-rhetoric']
    """
    import papermill

    rows = [{"notebook": nb.stem, "name": name, "default": spec["default"], "help": spec["help"]}
            for nb in list_notebooks(notebooks_dir) for name, spec in papermill.inspect_notebook(str(nb)).items()]
    return pd.DataFrame(rows, columns=["notebook", "name", "default", "help"])


def type_parameters(items: dict[str, str], declared: pd.DataFrame) -> dict:
    """Values given as text, typed by their declaration: a parameter whose default is a
    quoted string stays text (a year ``2018`` for a group name), any other is read as
    a Python literal when it parses as one (``[5, 10]``, ``7``, ``None``).

    Example
    -------
    >>> declared = pd.DataFrame({"name": ["KEYNESS_TARGET", "K"], "default": ['"광주"', "None"]})
    >>> type_parameters({"KEYNESS_TARGET": "2018", "K": "12"}, declared)
    {'KEYNESS_TARGET': '2018', 'K': 12}
    """
    import ast

    text = set(declared.loc[declared["default"].astype(str).str.match(r"^[\"']"), "name"])
    typed = {}
    for key, value in items.items():
        if key in text:
            typed[key] = value
            continue
        try:
            typed[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            typed[key] = value
    return typed


def run_notebooks(out: str | Path, corpus: str | Path, manifest: str | Path | None = None,
                  parameters: dict | None = None, notebooks_dir: str | Path = DEFAULT_NOTEBOOKS,
                  only: list[str] | None = None) -> list[Path]:
    """Execute every phase notebook top to bottom against ``corpus``; return executed copies.

    ``parameters`` override the notebooks' ``parameters`` cells (UPPER_CASE names); each
    notebook receives those its parameters cell declares, and a name no notebook
    declares is an error (a typo would otherwise be ignored), also when ``only``
    restricts the run to notebooks whose name starts with one of the prefixes: the same
    parameters serve a whole run and a rerun of some notebooks.
    """
    import papermill

    logging.getLogger("papermill").setLevel(logging.WARNING)
    out = Path(out).resolve()
    params = {"CORPUS": str(Path(corpus).resolve()), "OUT": str(out),
              "MANIFEST": str(Path(manifest).resolve()) if manifest else ""}
    params.update(parameters or {})
    every = list_notebooks(notebooks_dir)
    notebooks = [nb for nb in every if not only or any(nb.name.startswith(p) for p in only)]
    if not notebooks:
        raise InputError(f"--only {only} matches no notebook; notebooks: {', '.join(nb.stem for nb in every)}")
    known = set().union(*(papermill.inspect_notebook(str(nb)) for nb in every))
    unknown = sorted(set(parameters or {}) - known)
    if unknown:
        raise InputError(f"no notebook declares parameter(s) {unknown}; declared: {sorted(known)}")
    executed, timings = [], []
    width = max(len(nb.name) for nb in notebooks)
    for number, notebook in enumerate(notebooks, start=1):
        target = out / "notebooks" / notebook.name
        target.parent.mkdir(parents=True, exist_ok=True)
        # Each notebook gets the parameters its own parameters cell declares.
        declared = papermill.inspect_notebook(str(notebook))
        desc = f"[{number}/{len(notebooks)}] {notebook.name:<{width}}"
        started = time.monotonic()
        result = papermill.execute_notebook(str(notebook), str(target), kernel_name="python3", cwd=str(notebook.parent),
                                            parameters={k: v for k, v in params.items() if k in declared},
                                            progress_bar=_progress_bar(desc), config=_kernel_config())
        timings.append((notebook.name, len(result.cells), time.monotonic() - started))
        executed.append(target)
    write_provenance(out, inputs=[Path(corpus)] + ([Path(manifest)] if manifest else []), parameters=params,
                     notebooks=[nb.stem for nb in notebooks])
    print(summarise_run(out, timings), flush=True)
    return executed


class _LogLines:
    """A file for tqdm that writes each state of a progress bar as a line of its own.

    On a terminal a bar redraws itself in place; in a log file or a CI console that
    becomes one long line of carriage returns, so each state is written as a line,
    once.
    """

    def __init__(self, stream):
        self.stream = stream
        self.last = None

    def write(self, text: str) -> None:
        for line in re.split(r"[\r\n]", text):
            line = line.rstrip()
            if line and line != self.last:
                self.stream.write(line + "\n")
                self.last = line

    def flush(self) -> None:
        self.stream.flush()


def _progress_bar(desc: str) -> dict:
    """papermill's ``progress_bar`` options (passed to tqdm): cells done of all and the time
    elapsed; a bar on a terminal, plain lines (at most one every 30 s) otherwise."""
    if sys.stdout.isatty():
        # shutil's size falls back to 80 x 24 where a terminal reports none (a container
        # without a size), where tqdm's own guess would print empty lines.
        columns, lines = shutil.get_terminal_size()
        return {"desc": desc, "file": sys.stdout, "leave": True, "ncols": columns, "nrows": lines,
                "bar_format": "{desc}  {bar:20}  {n_fmt:>3}/{total_fmt} cells  {elapsed}"}
    return {"desc": desc, "file": _LogLines(sys.stdout), "leave": True, "mininterval": 30,
            "bar_format": "{desc}  {n_fmt:>3}/{total_fmt} cells  {elapsed}"}


def _kernel_config():
    """Kernel manager settings for every notebook: CurveZMQ encryption of the kernel's
    sockets, which jupyter_client provisions when the kernel declares support for it (the
    kernel otherwise warns that it runs over TCP without encryption); left as it was when
    jupyter_client or pyzmq cannot encrypt."""
    import zmq
    from jupyter_client import KernelManager
    from traitlets.config import Config

    config = Config()
    if zmq.has("curve") and KernelManager.class_traits().get("transport_encryption") is not None:
        config.KernelManager.transport_encryption = "auto"
    return config


# What each output folder holds, in the order a reader looks at them.
_OUTPUT_KINDS = (
    ("figures", "every figure as PNG, PDF and SVG, with the plotted data as CSV"),
    ("tables", "every table as CSV, some also as LaTeX"),
    ("paper", "publication figures at column width, LaTeX tables, numbers.tex"),
    ("notebooks", "the executed notebooks: each table and figure beside the code that made it"),
    ("corpus", "documents, cleaning audit, report (one row per input)"),
    ("text", "sentences, morphemes, quotes"),
    ("models", "the fitted topic model"),
    ("validation", "the hand-coding sheet for validating the frames"),
    ("provenance", "each notebook's parameters and the files it wrote, with sha256"),
)


def _format_seconds(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{seconds:.1f} s" if seconds < 60 else f"{minutes} min {rest:02d} s"


def summarise_run(out: str | Path, timings: list[tuple[str, int, float]]) -> str:
    """What a run did: each notebook with its cells and time, then each output folder
    under ``out`` that holds files, with what it holds.

    Example
    -------
    >>> print(summarise_run("no-such-folder", [("01-corpus.ipynb", 17, 4.21), ("03-topics.ipynb", 24, 75.0)]))
    2 notebooks in 1 min 19 s:
      01-corpus.ipynb   17 cells       4.2 s
      03-topics.ipynb   24 cells  1 min 15 s
    outputs in no-such-folder: none
    """
    out = Path(out)
    width = max((len(name) for name, _, _ in timings), default=0)
    lines = [f"{len(timings)} notebook{'s' * (len(timings) != 1)} in {_format_seconds(sum(t for *_, t in timings))}:"]
    lines += [f"  {name:<{width}}  {cells:>3} cells  {_format_seconds(seconds):>10}"
              for name, cells, seconds in timings]
    found = []
    for folder, what in _OUTPUT_KINDS:
        files = [p for p in (out / folder).rglob("*") if p.is_file()] if (out / folder).is_dir() else []
        if files:
            extra = ""
            if folder == "figures":
                pictures = {p.stem for p in files if p.suffix == ".png"}
                pages = [p.name for p in files if p.suffix == ".html"]
                extra = f" ({len(pictures)} figures{''.join('; ' + page for page in sorted(pages))})"
            elif folder == "tables":
                extra = f" ({sum(p.suffix == '.csv' for p in files)} tables)"
            found.append(f"  {folder + '/':<16} {what}{extra}")
    if (out / "provenance.json").exists():
        found.append(f"  {'provenance.json':<16} every run: processor, package versions, git commit, sha256 of inputs and outputs")
    lines.append(f"outputs in {out}:" + ("" if found else " none"))
    return "\n".join(lines + found)
