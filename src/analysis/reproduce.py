"""Rerun the whole analysis: every notebook, in order, in a fresh kernel, with parameters.

The notebooks in ``notebooks/`` are named ``NN-name.ipynb`` and run in that order with
papermill. Executed copies go to ``OUT/notebooks/``; the notebooks themselves write their
figures to ``OUT/figures/`` and tables to ``OUT/tables/``. Paths are passed absolute, so a
rerun does not depend on the directory it was started from.

Example
-------
>>> run_notebooks("output", corpus="data/raw", manifest="data/raw/manifest.csv")  # doctest: +SKIP
"""

from __future__ import annotations

import logging
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
    executed = []
    for notebook in notebooks:
        target = out / "notebooks" / notebook.name
        target.parent.mkdir(parents=True, exist_ok=True)
        print(f"running {notebook.name}", flush=True)
        # Each notebook gets the parameters its own parameters cell declares.
        declared = papermill.inspect_notebook(str(notebook))
        papermill.execute_notebook(str(notebook), str(target), kernel_name="python3", cwd=str(notebook.parent),
                                   parameters={k: v for k, v in params.items() if k in declared},
                                   progress_bar=False)
        executed.append(target)
    write_provenance(out, inputs=[Path(corpus)] + ([Path(manifest)] if manifest else []), parameters=params,
                     notebooks=[nb.stem for nb in notebooks])
    return executed
