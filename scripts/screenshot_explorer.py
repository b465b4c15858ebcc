"""Screenshots of the standalone explorer in headless Chromium, on fonts with no Korean.

    python scripts/screenshot_explorer.py                    # runs the bundled corpus first (about a minute)
    python scripts/screenshot_explorer.py --page output/figures/05-explorer.html --shots docs

Installs what it needs and does not find: Debian's ``chromium`` (``apt-get``, as root)
and the ``playwright`` driver (pip; its own browser download is never used). Chromium
runs with a fontconfig that lists only the DejaVu fonts, checked with ``fc-list
:lang=ko`` to hold no Korean font, so any Hangul on the screenshots comes from the font
the page embeds. The page opens on topic 1; a click on topic 3 must show topic 3's
terms; a click on a frame with a year picked shows its lines. Three screenshots:
``explorer-topic-1.png``, ``explorer-topic-3.png``, ``explorer-frame.png``.
The test suite drives the same steps (``drive_explorer``) when Chromium is present.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
# What works headless as root, with nothing reaching out to the network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1320, "height": 900}
SHOTS = ("explorer-topic-1.png", "explorer-topic-3.png", "explorer-frame.png")


def install_chromium() -> Path:
    """Debian's chromium (and the DejaVu fonts), installed with apt-get when absent."""
    missing = [p for p, package in ((CHROMIUM, "chromium"), (DEJAVU, "fonts-dejavu-core")) if not p.exists()]
    if missing:
        if os.geteuid() != 0:
            raise SystemExit(f"missing {', '.join(map(str, missing))}: run as root, or apt-get install chromium "
                             "fonts-dejavu-core")
        subprocess.run(["apt-get", "update"], check=True)
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "chromium", "fonts-dejavu-core"],
                       check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    return CHROMIUM


def install_playwright() -> None:
    """The playwright package (the driver only: Chromium is Debian's)."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "playwright>=1.45,<2"], check=True)


# Debian's rendering defaults (its conf.d, which also names font folders, is left out):
# without them FreeType draws small unhinted glyphs blurred.
_RENDERING = ('<match target="font"><edit name="antialias" mode="assign"><bool>true</bool></edit>'
              '<edit name="hinting" mode="assign"><bool>true</bool></edit>'
              '<edit name="hintstyle" mode="assign"><const>hintslight</const></edit></match>')


def write_fontconfig(folder: Path) -> Path:
    """A fontconfig that knows only DejaVu; refused if ``fc-list :lang=ko`` still finds a font."""
    folder.mkdir(parents=True, exist_ok=True)
    fonts = f"<dir>{DEJAVU}</dir>" if DEJAVU.exists() else ""
    config = folder / "fonts.conf"
    config.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                      f"<fontconfig>{fonts}<cachedir>{folder / 'cache'}</cachedir>{_RENDERING}</fontconfig>\n",
                      encoding="utf-8")
    if shutil.which("fc-list"):
        korean = subprocess.run(["fc-list", ":lang=ko"], capture_output=True, text=True, check=True,
                                env={**os.environ, "FONTCONFIG_FILE": str(config)}).stdout.strip()
        if korean:
            raise RuntimeError(f"the font configuration still has Korean fonts:\n{korean}")
    return config


def read_page_data(page: Path) -> dict:
    """The data a page embeds (its JSON escapes are plain JSON)."""
    text = page.read_text(encoding="utf-8")
    return json.loads(re.search(r'<script type="application/json" id="explorer-data">(.*?)</script>', text, re.S).group(1))


# In the page: the text of each view, and any two labels of a chart that overlap.
_OBSERVE = """() => {
  const q = (s) => document.querySelector(s), all = (s) => [...document.querySelectorAll(s)];
  const overlaps = [];
  for (const svg of all(".mre svg")) {
    // Boxes on the screen, so a rotated axis title is where it is drawn.
    const boxes = [...svg.querySelectorAll("text")].filter((t) => t.textContent).map((t) => [t.textContent, t.getBoundingClientRect()]);
    boxes.forEach(([a, p], i) => boxes.slice(i + 1).forEach(([b, r]) => {
      if (p.x < r.x + r.width && r.x < p.x + p.width && p.y < r.y + r.height && r.y < p.y + p.height) { overlaps.push([a, b]); }
    }));
  }
  return {
    head: q(".mre .head").textContent,
    terms: all(".mre svg.bars text.term").map((t) => t.querySelector("title").textContent),
    matches: all(".mre .lines td.match").map((t) => t.textContent),
    selected: all(".mre .side button.sel").map((b) => b.dataset.key),
    hash: decodeURIComponent(location.hash.slice(1)),
    overlaps: overlaps,
  };
}"""


def _platform_fonts(page, selector: str) -> list[str]:
    """The fonts Chromium drew an element's text with (DevTools' "Rendered fonts")."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return [f["familyName"] + (" (embedded)" if f.get("isCustomFont") else "") for f in fonts]


def drive_explorer(page_path: Path, shots: Path, work: Path) -> dict:
    """Open the page in Chromium with no Korean font, click topic 3 and a frame, and say
    what each view showed; screenshots go to ``shots``."""
    from playwright.sync_api import sync_playwright

    data = read_page_data(page_path)
    config = write_fontconfig(work / "fontconfig")
    shots.mkdir(parents=True, exist_ok=True)
    seen: dict = {"data": data}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(install_chromium()), args=CHROMIUM_ARGS,
                                         env={**os.environ, "FONTCONFIG_FILE": str(config), "HOME": str(work)})
        try:
            page = browser.new_page(viewport=VIEWPORT)
            blocked = []
            page.route(re.compile(r"^(?!file:|data:|blob:)"), lambda route: (blocked.append(route.request.url),
                                                                              route.abort()))
            page.goto(page_path.resolve().as_uri())
            page.evaluate("document.fonts.ready.then(() => true)")
            seen["font_faces"] = page.evaluate("[...document.fonts].map((f) => [f.family.replace(/\"/g, ''), f.status])")
            seen["font_check"] = page.evaluate("document.fonts.check('13px ExplorerKorean', '한글 토픽')")
            seen["fonts_head"] = _platform_fonts(page, ".mre .head")
            seen["fonts_kwic"] = _platform_fonts(page, ".mre .lines td.match") if page.query_selector(
                ".mre .lines td.match") else []
            seen["first"] = page.evaluate(_OBSERVE)
            page.screenshot(path=str(shots / "explorer-topic-1.png"), full_page=True)

            topics = [t["key"] for t in data["topics"]]
            target = topics[2] if len(topics) > 2 else topics[-1]
            page.click(f'.mre .side button[data-key="{target}"]')
            seen["clicked"] = target
            seen["after"] = page.evaluate(_OBSERVE)
            page.screenshot(path=str(shots / "explorer-topic-3.png"), full_page=True)

            frame = max(data["frames"], key=lambda f: (len(f["lines"]), -data["frames"].index(f)), default=None)
            if frame is not None:
                page.click(f'.mre .side button[data-key="{frame["key"]}"]')
                year = next((data["documents"][line[0]][3] for line in frame["lines"] if data["documents"][line[0]][3]),
                            "")
                if year:
                    page.select_option('.mre select[data-filter="year"]', year)
                seen["frame"] = {"key": frame["key"], "year": year, **page.evaluate(_OBSERVE)}
                page.screenshot(path=str(shots / "explorer-frame.png"), full_page=True)
            seen["blocked"] = blocked
            seen["screenshots"] = sorted(shots / name for name in SHOTS if (shots / name).exists())
        finally:
            browser.close()
    return seen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", type=Path, help="an explorer page (default: run the bundled corpus and use its page)")
    parser.add_argument("--shots", type=Path, default=ROOT / "docs", help="folder for the screenshots (default: docs)")
    args = parser.parse_args(argv)
    install_chromium()
    install_playwright()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        page = args.page
        if page is None:
            out = work / "out"
            raw = ROOT / "data" / "raw"
            subprocess.run([sys.executable, "-m", "analysis", "reproduce", "--corpus", str(raw), "--manifest",
                            str(raw / "manifest.csv"), "--out", str(out)], check=True, cwd=ROOT)
            page = out / "figures" / "05-explorer.html"
        seen = drive_explorer(page, args.shots, work)
    print(f"fonts loaded by the page: {seen['font_faces']}; check for Hangul: {seen['font_check']}")
    print(f"Hangul in the heading drawn with: {', '.join(seen['fonts_head'])}")
    print(f"opened on: {seen['first']['head']} ({', '.join(seen['first']['terms'][:5])})")
    print(f"after a click on {seen['clicked']}: {seen['after']['head']} ({', '.join(seen['after']['terms'][:5])})")
    if "frame" in seen:
        print(f"frame {seen['frame']['key']}, year {seen['frame']['year'] or 'all'}: {len(seen['frame']['matches'])} lines")
    problems = [f"labels overlap: {pair}" for view in ("first", "after") for pair in seen[view]["overlaps"]]
    problems += [f"requested from outside the page: {url}" for url in seen["blocked"]]
    if not any(name.endswith("(embedded)") for name in seen["fonts_head"]):
        problems.append("Hangul was not drawn with the embedded font")
    print(f"screenshots: {', '.join(str(path) for path in seen['screenshots'])}")
    print("\n".join(problems) or "no problem found")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
