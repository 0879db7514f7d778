"""The built course site in a real browser: headless Chromium through Selenium and Debian's chromedriver.

Every page of both languages (English at the root, Chinese in zh/) is opened from a local HTTP server;
every figure must load, every internal link and anchor resolve (the language switch included), and no
page may log a JavaScript error. A screenshot of the index is saved to _build/screenshots/index.png.
Without Chromium the test is skipped; `make test` installs it where it can (apt-get, as root).
"""

import functools
import http.server
import shutil
import threading
import urllib.parse

import pytest

from crmlab import course
from crmlab.course import site

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
SCREENSHOT = course.ROOT / "_build" / "screenshots" / "index.png"

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="no Chromium: install the Debian packages chromium and chromium-driver (make test does, as root)",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    site.build(root, execute=False, progress=False)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1280,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_loads_its_figures_links_and_no_script_errors(server, browser, lang):
    root, base = server
    folder = root if lang == "en" else root / lang
    pages = sorted(p.relative_to(root).as_posix() for p in folder.glob("*.html"))
    assert "index.html" in [p.rsplit("/", 1)[-1] for p in pages] and len(pages) == len(course.notebooks()) + 2
    checked_links = 0
    for name in pages:
        browser.get(base + name)
        assert browser.execute_script("return document.documentElement.lang") == ("en" if lang == "en" else "zh-Hans")
        title = browser.title
        assert title, f"{name} has no title"
        images = browser.execute_script(
            "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.src.slice(0, 40)]);"
        )
        broken = [src for complete, width, src in images if not (complete and width > 0)]
        assert not broken, f"{name}: images that did not load: {broken}"
        links = browser.execute_script(
            "return Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'));"
        )
        for href in links:
            parsed = urllib.parse.urlparse(href)
            if parsed.scheme in ("http", "https", "mailto"):
                continue
            target = (root / name).parent / parsed.path if parsed.path else root / name
            assert target.resolve().is_file(), f"{name}: link to missing {href}"
            if parsed.fragment and target.suffix == ".html":
                html = target.read_text(encoding="utf-8")
                # a browser matches the fragment as written first, then percent-decoded (HTML spec)
                ids = {f'id="{parsed.fragment}"', f'id="{urllib.parse.unquote(parsed.fragment)}"'}
                assert any(i in html for i in ids), f"{name}: link to missing anchor {href}"
            checked_links += 1
        errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
        assert not errors, f"{name}: console errors {errors}"
    assert checked_links > 50


def test_index_screenshot(server, browser):
    _, base = server
    browser.get(base + "index.html")
    assert browser.find_element("css selector", "h1").text.startswith("crmlab")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000
