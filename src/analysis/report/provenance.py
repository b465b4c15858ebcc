"""Provenance: which notebook, with which parameters, wrote which file (by sha256).

A notebook opens a run with :func:`start_run` (its name and parameters); every figure
and table saved afterwards through :mod:`analysis.report` is recorded, with its sha256,
in ``OUT/provenance/<notebook>.json`` by :func:`finish_run`. :func:`write_provenance`
writes the whole run's ``OUT/provenance.json``: package versions, git commit,
parameters, and the sha256 of every input, shipped lexicon and stable output.

Example
-------
>>> start_run("01-corpus", {"CORPUS": "../data/raw"}, "output")  # doctest: +SKIP
>>> finish_run()  # doctest: +SKIP
PosixPath('output/provenance/01-corpus.json')
"""

from __future__ import annotations

import json
import platform
import subprocess
from importlib import resources
from pathlib import Path

from analysis.io import collect_versions, sha256_file, write_json

__all__ = ["STABLE_DIRS", "TRACKED_PACKAGES", "finish_run", "record_outputs", "start_run", "write_provenance"]

_RUN: dict = {}


def start_run(notebook: str, parameters: dict, out: str | Path) -> None:
    """Begin recording which files this notebook writes, with its parameters.

    Example
    -------
    >>> start_run("01-corpus", {"CORPUS": "../data/raw"}, "output")  # doctest: +SKIP
    """
    _RUN.clear()
    _RUN.update(notebook=notebook, parameters=dict(parameters), out=Path(out), outputs=[])


def record_outputs(paths: list[Path]) -> None:
    """Add written files to the open run (nothing happens outside a run)."""
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




TRACKED_PACKAGES = ("mayor-rhetoric", "kiwipiepy", "kiwipiepy_model", "gensim", "tomotopy", "scikit-learn",
                    "numpy", "scipy", "pandas", "pyarrow", "matplotlib", "networkx", "koreanize-matplotlib",
                    "papermill")
# Executed notebooks carry run times and kernel ids, and saved models zip timestamps:
# they are not part of the byte-identical promise, which covers the stage tables,
# tables, figures, paper exports and coding sheets.
STABLE_DIRS = ("corpus", "text", "tables", "figures", "paper", "validation")


def describe_processor() -> str:
    """The CPU's model name (Linux's ``/proc/cpuinfo``), else what ``platform`` knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


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


def write_provenance(out: str | Path, inputs: list[Path], parameters: dict, notebooks: list[str] | None = None) -> Path:
    """Write ``OUT/provenance.json``: versions, parameters, git commit, and the sha256 of
    every input file, every shipped lexicon and every output.

    ``runs`` keeps every run into ``OUT`` (the notebooks it ran and their parameters),
    the earlier ones first, so a rerun of some notebooks does not hide how the others
    were made; ``parameters`` are the latest run's.

    Example
    -------
    >>> write_provenance("output", [Path("data/raw")], {"SEED": 1})  # doctest: +SKIP
    """
    out = Path(out)
    versions = collect_versions(TRACKED_PACKAGES)
    lexicon_dir = resources.files("analysis") / "lexicons"
    lexicons = {p.name: sha256_file(p) for p in sorted(Path(str(lexicon_dir)).glob("*")) if p.is_file()}
    path = out / "provenance.json"
    runs = []
    if path.exists():
        try:
            runs = json.loads(path.read_text(encoding="utf-8")).get("runs", [])
        except (ValueError, AttributeError):  # an unreadable record is replaced, not trusted
            runs = []
    this = {"notebooks": list(notebooks or []), "parameters": {k: str(v) for k, v in sorted(parameters.items())}}
    if not runs or runs[-1] != this:  # an identical rerun is not a new way of making the outputs
        runs.append(this)
    record = {
        "python": platform.python_version(),
        # Topic models' numbers depend on the CPU's kernels (README, "Same inputs, same bytes").
        "machine": {"os": platform.system(), "architecture": platform.machine(), "processor": describe_processor()},
        "packages": versions,
        "git_commit": _git_commit(),
        "parameters": {k: str(v) for k, v in sorted(parameters.items())},
        "inputs": {k: v for p in inputs for k, v in _hash_tree(Path(p)).items()},
        "lexicons": lexicons,
        "outputs": {k: v for d in STABLE_DIRS if (out / d).exists() for k, v in _hash_tree(out / d).items()},
        "runs": runs,
    }
    return write_json(record, path)
