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
import platform
import subprocess
from importlib import resources
from pathlib import Path

from analysis.io import collect_versions, sha256_file, write_json

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
        raise ValueError(f"no notebook declares parameter(s) {unknown}; declared: {sorted(known)}")
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


TRACKED_PACKAGES = ("mayor-rhetoric", "kiwipiepy", "kiwipiepy_model", "gensim", "tomotopy", "scikit-learn",
                    "numpy", "scipy", "pandas", "pyarrow", "matplotlib", "networkx", "koreanize-matplotlib",
                    "papermill")
# Executed notebooks carry run times and kernel ids, and saved models zip timestamps:
# they are not part of the byte-identical promise, which covers the stage tables,
# tables, figures, paper exports and coding sheets.
STABLE_DIRS = ("corpus", "text", "tables", "figures", "paper", "validation")


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _hash_tree(path: Path) -> dict[str, str]:
    """sha256 of a file, or of every file below a folder, keyed by ``name/relative/path``."""
    if path.is_file():
        return {path.name: sha256_file(path)}
    return {f"{path.name}/{p.relative_to(path).as_posix()}": sha256_file(p)
            for p in sorted(path.rglob("*")) if p.is_file()}


def write_provenance(out: str | Path, inputs: list[Path], parameters: dict) -> Path:
    """Write ``OUT/provenance.json``: versions, parameters, git commit, and the sha256 of
    every input file, every shipped lexicon and every output.

    Example
    -------
    >>> write_provenance("output", [Path("data/raw")], {"SEED": 1})  # doctest: +SKIP
    """
    out = Path(out)
    versions = collect_versions(TRACKED_PACKAGES)
    lexicon_dir = resources.files("analysis") / "lexicons"
    lexicons = {p.name: sha256_file(p) for p in sorted(Path(str(lexicon_dir)).glob("*")) if p.is_file()}
    record = {
        "python": platform.python_version(),
        "packages": versions,
        "git_commit": _git_commit(),
        "parameters": {k: str(v) for k, v in sorted(parameters.items())},
        "inputs": {k: v for p in inputs for k, v in _hash_tree(Path(p)).items()},
        "lexicons": lexicons,
        "outputs": {k: v for d in STABLE_DIRS if (out / d).exists() for k, v in _hash_tree(out / d).items()},
    }
    return write_json(record, out / "provenance.json")
