"""The project's own promises: one dependency list, clean notebooks, the README commands."""

import json
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_installs_the_same_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip[0].startswith("-e .")
    assert sorted(pip[1:]) == sorted(project["dependencies"])
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert python == "python=3.11" and project["requires-python"] == ">=3.11"


def test_source_notebooks_are_clean_and_parameterised():
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        assert re.fullmatch(r"\d\d-[a-z0-9-]+\.ipynb", path.name), path.name
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), path.name
        params = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(params) == 1, path.name
        assert nb["cells"][0]["cell_type"] == "markdown"
        assert not any(re.search(r"^\s*def ", "".join(c["source"]), re.M) for c in code), path.name


def test_readme_gives_the_commands_and_ci_runs_the_tests():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make reproduce" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_readme_lists_every_notebook_parameter():
    from analysis.reproduce import list_parameters

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in list_parameters().name.unique() if f"`{name}`" not in readme]
    assert not missing, missing


def test_the_package_hands_arrow_memory_back_unless_the_user_chose_a_pool():
    # Arrow's default allocator keeps what batch reads free (about 80 MB more at 50,000
    # documents); importing the package picks the system allocator, before pandas or after.
    import os
    import subprocess
    import sys

    report = ("import pyarrow, subprocess, sys; print(pyarrow.default_memory_pool().backend_name, "
              "subprocess.run([sys.executable, '-c', 'import pyarrow; print(pyarrow.default_memory_pool().backend_name)'],"
              " capture_output=True, text=True).stdout.strip())")
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}

    def pools(first: str, extra: dict) -> list[str]:
        code = f"{first}; {report}"
        return subprocess.run([sys.executable, "-c", code], env={**env, **extra}, capture_output=True, text=True,
                              check=True).stdout.split()

    assert pools("import analysis, pandas", {}) == ["system", "system"]  # the command line's order
    assert pools("import pandas; pandas.Series(['가'], dtype='str'); import analysis", {}) == ["system", "system"]
    assert pools("import analysis, pandas", {"ARROW_DEFAULT_MEMORY_POOL": "mimalloc"}) == ["mimalloc", "mimalloc"]
