"""The explorer page in headless Chromium with no Korean font installed: Hangul from the
embedded font, a click on a topic shows that topic, a frame filtered by year shows its lines.

Runs when Debian's chromium and the playwright driver are present
(``scripts/screenshot_explorer.py`` installs both and takes the same screenshots).
"""

import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
SCRIPT = ROOT / "scripts" / "screenshot_explorer.py"
SHOTS = ("explorer-topic-1.png", "explorer-topic-3.png", "explorer-frame.png")

pytestmark = [
    pytest.mark.slow,  # the five notebooks on the bundled corpus (about a minute), then the browser
    pytest.mark.skipif(not Path("/usr/bin/chromium").exists(),
                       reason="Debian's chromium is not installed (scripts/screenshot_explorer.py installs it)"),
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None,
                       reason="the playwright driver is not installed (pip install -e '.[dev]')"),
    pytest.mark.skipif(shutil.which("fc-list") is None, reason="fontconfig's fc-list is not installed"),
]


def _load_script():
    spec = importlib.util.spec_from_file_location("screenshot_explorer", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    from analysis.reproduce import run_notebooks

    out = tmp_path_factory.mktemp("run") / "out"
    run_notebooks(out, corpus=RAW, manifest=RAW / "manifest.csv")
    return out


@pytest.fixture(scope="module")
def seen(out, tmp_path_factory):
    work = tmp_path_factory.mktemp("explorer")
    return _load_script().drive_explorer(out / "figures" / "05-explorer.html", work / "shots", work)


def test_hangul_is_drawn_with_the_embedded_font(seen):
    assert ["ExplorerKorean", "loaded"] in seen["font_faces"] and seen["font_check"]
    # What Chromium drew the heading and a KWIC match with: only the page's own font.
    for fonts in (seen["fonts_head"], seen["fonts_kwic"]):
        assert fonts and all(name.endswith("(embedded)") for name in fonts), fonts
    assert any("\uac00" <= c <= "\ud7a3" for c in seen["first"]["head"])


def test_a_click_on_a_topic_shows_that_topics_terms_and_lines(seen):
    data = seen["data"]
    first, picked = data["topics"][0], next(t for t in data["topics"] if t["key"] == seen["clicked"])
    assert seen["first"]["head"] == first["name"] and seen["first"]["selected"] == [first["key"]]
    assert seen["first"]["terms"] == [term for term, _ in first["terms"]]
    after = seen["after"]
    assert after["head"] == picked["name"] != first["name"]
    assert after["terms"] == [term for term, _ in picked["terms"]] != seen["first"]["terms"]
    assert after["matches"] == [line[4] for line in picked["lines"]]
    assert after["selected"] == [picked["key"]] and after["hash"] == picked["key"]


def test_a_frame_filtered_by_year_shows_its_lines_of_that_year(seen):
    data, view = seen["data"], seen["frame"]
    frame = next(f for f in data["frames"] if f["key"] == view["key"])
    expected = [line[4] for line in frame["lines"] if data["documents"][line[0]][3] == view["year"]]
    assert view["year"] and expected and view["matches"] == expected and view["head"] == frame["name"]


def test_labels_do_not_overlap_and_nothing_is_fetched(seen):
    assert not seen["first"]["overlaps"] and not seen["after"]["overlaps"] and not seen["frame"]["overlaps"]
    assert seen["blocked"] == []


def test_the_screenshots_are_taken(seen):
    from PIL import Image

    assert [path.name for path in seen["screenshots"]] == sorted(SHOTS)
    for path in seen["screenshots"]:
        with Image.open(path) as image:
            assert image.width >= 1200 and image.height >= 800


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_widget_in_jupyterlab_follows_clicks_and_python(out, tmp_path):
    """The same front end as an anywidget in a real JupyterLab: it draws, a click reaches
    the kernel's ``selection``, and setting ``selection`` in Python moves the view."""
    script = _load_script()
    data = script.read_page_data(out / "figures" / "05-explorer.html")
    frame = data["frames"][0]
    cells = [f"from analysis.report import prepare_explorer_data, show_explorer\n"
             f"widget = show_explorer(prepare_explorer_data({str(out)!r}))\nwidget",
             "print('SELECTION', widget.selection['focus'])",
             f"widget.selection = {{'focus': {frame['key']!r}}}"]
    notebook = {"cells": [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [],
                           "source": source} for i, source in enumerate(cells)],
                "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
                "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "check.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    root = ["--allow-root"] if os.geteuid() == 0 else []
    with (tmp_path / "lab.log").open("w") as log:
        server = subprocess.Popen([str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", *root,
                                   "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
                                   f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp_path}"],
                                  cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    from playwright.sync_api import sync_playwright

    config = script.write_fontconfig(tmp_path / "fontconfig")
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=str(script.CHROMIUM), args=script.CHROMIUM_ARGS,
                                             env={**os.environ, "FONTCONFIG_FILE": str(config), "HOME": str(tmp_path)})
            page = browser.new_page(viewport=script.VIEWPORT)
            deadline = time.monotonic() + 90
            while True:  # the server takes a few seconds to listen
                try:
                    page.goto(f"http://127.0.0.1:{port}/lab/tree/check.ipynb?token={token}")
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(1)
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
            # The kernel is connected once the status bar says so; a cell run before is dropped.
            page.get_by_text(re.compile(r"\| Idle$")).first.wait_for(timeout=60_000)

            def run_cell(i: int) -> None:
                page.click(f".jp-Notebook .jp-Cell >> nth={i} >> .jp-InputArea-editor")
                page.keyboard.press("Shift+Enter")

            run_cell(0)
            page.wait_for_selector(".mre .head", state="attached", timeout=60_000)
            drawn = page.text_content(".mre .head")
            fonts = page.evaluate("[...document.fonts].filter((f) => f.family.includes('ExplorerKorean')).map((f) => f.status)")
            target = data["topics"][-1]
            page.click(f'.mre .side button[data-key="{target["key"]}"]')
            run_cell(1)
            page.wait_for_function("[...document.querySelectorAll('.jp-OutputArea-output pre')]"
                                   ".some((e) => e.textContent.includes('SELECTION'))", timeout=30_000)
            printed = [t for t in page.locator(".jp-OutputArea-output pre").all_text_contents() if "SELECTION" in t]
            run_cell(2)
            page.wait_for_function(f"document.querySelector('.mre .head').textContent === {json.dumps(frame['name'])}",
                                   timeout=30_000)
            browser.close()
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(server.pid, sig)
                server.wait(timeout=15)
                break
            except (ProcessLookupError, subprocess.TimeoutExpired):
                continue
    assert drawn == data["topics"][0]["name"] and fonts == ["loaded"]
    assert printed == [f"SELECTION {target['key']}\n"]
