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

from analysis.errors import InputError
from analysis.report.provenance import write_provenance

DEFAULT_NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def list_notebooks(notebooks_dir: str | Path = DEFAULT_NOTEBOOKS) -> list[Path]:
    """The phase notebooks (``NN-name.ipynb``) in run order."""
    found = sorted(Path(notebooks_dir).glob("[0-9][0-9]-*.ipynb"))
    if not found:
        raise FileNotFoundError(f"no NN-name.ipynb notebooks in {notebooks_dir}")
    return found


def run_notebooks(out: str | Path, corpus: str | Path, manifest: str | Path | None = None,
                  parameters: dict | None = None, notebooks_dir: str | Path = DEFAULT_NOTEBOOKS,
                  only: list[str] | None = None) -> list[Path]:
    """Execute every phase notebook top to bottom against ``corpus``; return executed copies.

    ``parameters`` override the notebooks' ``parameters`` cells (UPPER_CASE names); each
    notebook receives those its parameters cell declares, and a name no notebook
    declares is an error (a typo would otherwise be ignored);
    ``only`` restricts the run to notebooks whose name starts with one of the prefixes.
    """
    import papermill

    logging.getLogger("papermill").setLevel(logging.WARNING)
    out = Path(out).resolve()
    params = {"CORPUS": str(Path(corpus).resolve()), "OUT": str(out),
              "MANIFEST": str(Path(manifest).resolve()) if manifest else ""}
    params.update(parameters or {})
    notebooks = [nb for nb in list_notebooks(notebooks_dir) if not only or any(nb.name.startswith(p) for p in only)]
    known = set().union(*(papermill.inspect_notebook(str(nb)) for nb in notebooks))
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
    write_provenance(out, inputs=[Path(corpus)] + ([Path(manifest)] if manifest else []), parameters=params)
    return executed
