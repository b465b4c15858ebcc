"""`make lab` serves JupyterLab, also as root (how containers and cloud notebooks run)."""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    """End make and the server it started (their own process group), whatever happened."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue


def test_make_lab_adds_the_root_options_only_as_root():
    # A dry run: prints the command without starting anything.
    run = subprocess.run(["make", "--no-print-directory", "-n", "lab", "LAB_ARGS=--port=1234"], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    command = next(line for line in run.stdout.splitlines() if "jupyter lab" in line)
    # The whole project in the file browser (output/ too), opened on notebooks/.
    assert "--port=1234" in command and "--ServerApp.root_dir=." in command and "/lab/tree/notebooks" in command
    as_root = os.geteuid() == 0
    assert ("--allow-root" in command) == as_root and ("--no-browser" in command) == as_root


@pytest.mark.slow  # about 3 s with the environment in place; make rebuilds .venv first when it is stale
def test_make_lab_serves_jupyterlab(tmp_path):
    port, token = _free_port(), secrets.token_hex(16)
    # The user's own Jupyter settings and runtime files stay untouched.
    env = {**os.environ, "JUPYTER_TOKEN": token, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    log = tmp_path / "lab.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "lab", f"LAB_ARGS=--port={port} --ServerApp.port_retries=0 --no-browser"],
            cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # localhost, never through a proxy
    status, page = None, ""
    try:
        deadline = time.monotonic() + 180  # a stale environment is reinstalled first
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with opener.open(f"http://127.0.0.1:{port}/lab?token={token}", timeout=10) as response:
                    status, page = response.status, response.read().decode("utf-8", "replace")
                break
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
    finally:
        _stop(process)
    assert status == 200, f"no JupyterLab at port {port}; make lab wrote:\n{log.read_text()[-3000:]}"
    assert "<title>JupyterLab</title>" in page
