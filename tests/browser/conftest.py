"""Browser-test rig: Playwright (python) driving Debian's /usr/bin/chromium.

Fixtures
    browser      the shared headless Chromium: launched once for a run of consecutive
                 browser tests (normally once per session or xdist worker) and stopped
                 before any non-browser test runs (see _BrowserRunner for why).
    page         function scoped; a fresh context (locale zh-CN, Asia/Shanghai) and page.
    live_server  from pytest-django: the app served by a LiveServerThread, with a
                 transactional test database (static files are served too).

Helpers, handed out as fixtures of the same name (request them; nothing to import):
    login(page, live_server, username, password)
    assert_accessible(page)   axe-core, WCAG 2.0/2.1 A+AA, fails on serious/critical
    assert_cjk_font(page)     Chinese text is really drawn with a CJK font, not tofu

Every test collected under tests/browser/ gets the ``browser`` marker, so
``pytest -m "not browser"`` runs everything else. See README.md here.

Never run ``playwright install``: the rig uses Debian's chromium package
(``apt-get install chromium fonts-noto-cjk``), not a downloaded browser build.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CHROMIUM = Path(os.environ.get("UNIONSERVE_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = HERE / "vendor" / "axe.min.js"
# Screenshots of failed browser tests go here (gitignored).
RESULTS_DIR = HERE.parent.parent / "test-results" / "browser"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DEFAULT_TIMEOUT_MS = 10_000

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_FAIL_IMPACTS = ("critical", "serious")

# Font families that can draw Simplified Chinese (Linux, macOS, Windows names).
CJK_FAMILY_RE = re.compile(
    r"CJK|Source Han|WenQuanYi|Droid Sans Fallback|AR PL|Noto (Sans|Serif) (SC|TC|HK|JP|KR)\b"
    r"|PingFang|Hiragino Sans GB|Heiti|Songti|Microsoft YaHei|SimSun|SimHei|DengXian",
    re.IGNORECASE,
)
# CJK fonts made for another language's glyph shapes. Chromium picks the CJK
# fallback by the content language: with <html lang="zh-hans"> (or zh-CN, zh)
# it is Noto Sans CJK SC; with no lang or lang="en" it is Noto Sans CJK JP,
# whose Japanese forms look wrong to Chinese readers.
NON_SIMPLIFIED_RE = re.compile(r"\b(CJK|Noto (Sans|Serif)) (JP|KR|TC|HK)\b|Source Han \w+ (J|K|TC|HC)\b", re.IGNORECASE)


# --- markers and reporting -------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives headless Chromium (tests/browser); deselect with -m 'not browser'"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees every collected item, not only ours: mark just those under tests/browser/.
    for item in items:
        if _is_browser_item(item):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    # Keep each phase's report on the item so the page fixture can tell a failed test.
    report = yield
    setattr(item, f"_browser_rep_{report.when}", report)
    return report


# --- fixtures ----------------------------------------------------------------


def _unavailable(reason: str) -> None:
    """Skip locally, fail in CI: CI must not go green by skipping every browser test."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true, so this is an error, not a skip)", pytrace=False)
    pytest.skip(reason)


class _BrowserRunner:
    """One Playwright + Chromium, shared by consecutive browser tests.

    Playwright's sync API leaves an asyncio event loop registered as *running*
    in the test thread for as long as it is started. Two consequences:

    1. Django's ORM refuses to run where a loop is running (SynchronousOnlyOperation),
       so the ORM calls of a browser test (creating users, checking saved rows)
       would fail. They are ordinary blocking calls in the test thread, not
       async code, so Django's documented escape hatch DJANGO_ALLOW_ASYNC_UNSAFE
       is safe here; it is set only while Playwright runs, and restored after.
    2. Any later test in the same process that calls asgiref's async_to_sync
       (Django's AsyncClient, async views/tests) fails with "You cannot use
       AsyncToSync in the same thread as an async event loop". So Playwright is
       stopped as soon as the next test is not a browser test (see
       pytest_runtest_teardown below), instead of living until the session ends.

    With the usual ordering (all of tests/browser in a row) that is one browser
    launch per session (per xdist worker); interleaved, one launch per run of
    browser tests.
    """

    def __init__(self) -> None:
        self._pw = None
        self._browser = None
        self._saved_env: str | None = None

    def get(self):
        if self._browser is not None and self._browser.is_connected():
            return self._browser
        self.stop()
        from playwright.sync_api import sync_playwright

        self._saved_env = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        except Exception:
            self.stop()
            raise
        return self._browser

    def stop(self) -> None:
        browser, pw, self._browser, self._pw = self._browser, self._pw, None, None
        try:
            if browser is not None:
                browser.close()
        except Exception:
            pass
        finally:
            if pw is not None:
                pw.stop()
                if self._saved_env is None:
                    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
                else:
                    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self._saved_env


_RUNNER = _BrowserRunner()


def _is_browser_item(item: pytest.Item | None) -> bool:
    return item is not None and HERE in Path(str(item.path)).resolve().parents


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    # Runs after the item's fixtures are torn down (pages and contexts closed).
    try:
        return (yield)
    finally:
        if not _is_browser_item(nextitem):
            _RUNNER.stop()


def pytest_unconfigure(config: pytest.Config) -> None:
    _RUNNER.stop()


@pytest.fixture
def browser():
    """The shared headless Chromium (Debian's /usr/bin/chromium). Do not close it."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} not found: apt-get install chromium fonts-noto-cjk (never `playwright install`)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("python package playwright is not installed in this environment")
    return _RUNNER.get()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest):
    # Reduced motion: Bootstrap then switches a button's colours at once on focus or hover, so axe never
    # measures the contrast of a colour half-way through its 0.15 s transition (a flaky "serious" finding).
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", reduced_motion="reduce")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    # Whatever the page's Content-Security-Policy blocks (an inline script, a handler, a style, eval) is a bug:
    # the browser reports it on the console, and the test fails with the report.
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        yield page
        if blocked:
            pytest.fail("The Content-Security-Policy blocked:\n" + "\n".join(blocked), pytrace=False)
    finally:
        rep = getattr(request.node, "_browser_rep_call", None)
        if rep is not None and rep.failed and not page.is_closed():
            try:
                RESULTS_DIR.mkdir(parents=True, exist_ok=True)
                name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
                page.screenshot(path=str(RESULTS_DIR / f"{name}.png"), full_page=True)
            except Exception:  # a screenshot must never hide the real failure
                pass
        context.close()


# --- helpers -----------------------------------------------------------------


def login(page, live_server, username: str, password: str, *, expect_path: str | None = "/") -> None:
    """Log in through the real form at /accounts/login/.

    Waits until the browser has left the login page and, unless expect_path is
    None, until it is on expect_path (default "/", where a login redirects).
    """
    base = live_server.url.rstrip("/")
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if expect_path is not None:
        page.wait_for_url(f"{base}{expect_path}")


def _ensure_axe(page) -> None:
    if page.evaluate("() => typeof window.axe !== 'undefined'"):
        return
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} missing: run scripts/vendor_assets.sh", pytrace=False)
    # Evaluating through the DevTools protocol is not subject to the page's Content-Security-Policy, which
    # blocks the inline <script> that add_script_tag would insert (and would report it as a violation).
    page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        pytest.fail("could not load axe-core into the page", pytrace=False)


def axe_violations(page, *, context=None, disable_rules=(), tags=AXE_TAGS) -> list[dict]:
    """Run axe-core on the page (or on `context`, an axe context such as a selector) and return all violations."""
    _ensure_axe(page)
    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    if disable_rules:
        options["rules"] = {rule: {"enabled": False} for rule in disable_rules}
    return page.evaluate(
        """async ([context, options]) => {
            const results = await axe.run(context || document, options);
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary})),
            }));
        }""",
        [context, options],
    )


def assert_accessible(page, *, context=None, disable_rules=(), impacts=AXE_FAIL_IMPACTS, max_nodes=3) -> None:
    """Fail if axe-core finds WCAG 2.0/2.1 A/AA violations of a serious or critical impact."""
    bad = [v for v in axe_violations(page, context=context, disable_rules=disable_rules) if v["impact"] in impacts]
    if not bad:
        return
    lines = [f"{len(bad)} accessibility violation(s) on {page.url}:"]
    for v in bad:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} node(s)) {v['helpUrl']}")
        for node in v["nodes"][:max_nodes]:
            target = " ".join(str(t) for t in node["target"])
            summary = (node["summary"] or "").replace("\n", " ")[:200]
            lines.append(f"    {target}  -- {summary}")
        if len(v["nodes"]) > max_nodes:
            lines.append(f"    ... and {len(v['nodes']) - max_nodes} more")
    pytest.fail("\n".join(lines), pytrace=False)


_MARK_HAN_ELEMENTS = """([selector, limit]) => {
    const han = /\\p{Script=Han}/u;
    const root = document.querySelector(selector);
    if (!root) return {error: 'no element matches ' + selector};
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const found = new Set();
    while (found.size < limit && walker.nextNode()) {
        const el = walker.currentNode.parentElement;
        if (!el || !han.test(walker.currentNode.data)) continue;
        if (el.checkVisibility && !el.checkVisibility({visibilityProperty: true})) continue;
        found.add(el);
    }
    const out = [];
    for (const el of found) {
        el.setAttribute('data-cjk-probe', String(out.length));
        out.push({text: el.textContent.trim().slice(0, 30), family: getComputedStyle(el).fontFamily});
    }
    return {elements: out, bodyFamily: getComputedStyle(document.body).fontFamily,
            lang: document.documentElement.lang};
}"""


def rendered_fonts(page, selector: str = "body", *, limit: int = 20) -> dict:
    """Which platform fonts Chromium really used to draw the visible Chinese text under `selector`.

    Returns {"bodyFamily": str, "elements": [{"text", "family", "fonts": [{"familyName", "glyphCount", ...}]}]}.
    Uses the DevTools protocol (CSS.getPlatformFontsForNode), which reports the
    fonts after fallback, so it tells a CJK font from tofu boxes.
    """
    page.evaluate("() => document.fonts.ready.then(() => true)")
    info = page.evaluate(_MARK_HAN_ELEMENTS, [selector, limit])
    if "error" in info:
        pytest.fail(info["error"], pytrace=False)
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        for index, element in enumerate(info["elements"]):
            node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": f'[data-cjk-probe="{index}"]'})
            element["fonts"] = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
    finally:
        cdp.detach()
        page.evaluate(
            "() => document.querySelectorAll('[data-cjk-probe]').forEach(e => e.removeAttribute('data-cjk-probe'))"
        )
    return info


def assert_cjk_font(
    page, selector: str = "body", *, family_re: re.Pattern = CJK_FAMILY_RE, simplified: bool = True
) -> set[str]:
    """Fail unless the visible Chinese text under `selector` is drawn with a CJK font.

    Checks what was rendered, not what CSS asks for: Bootstrap's system font
    stack names no CJK family, and Chromium falls back (through fontconfig) to
    Noto Sans CJK when fonts-noto-cjk is installed. Without a CJK font the text
    would be tofu boxes and this fails. With simplified=True (the default) it
    also fails when a Japanese/Korean/Traditional variant was picked, which is
    what happens when <html> has no lang="zh-hans". Returns the families used.
    """
    info = rendered_fonts(page, selector)
    elements = info["elements"]
    if not elements:
        pytest.fail(f"no visible Chinese text under {selector!r} on {page.url}", pytrace=False)
    families: set[str] = set()
    problems = []
    for element in elements:
        names = {f["familyName"] for f in element["fonts"] if f.get("glyphCount", 0) > 0}
        families |= names
        if not any(family_re.search(name) for name in names):
            problems.append(f"  {element['text']!r}: rendered with {sorted(names) or 'nothing'}")
    if problems:
        pytest.fail(
            "Chinese text not drawn with a CJK font (is fonts-noto-cjk installed?)\n"
            f"  body font-family: {info['bodyFamily']}\n" + "\n".join(problems),
            pytrace=False,
        )
    wrong = sorted(name for name in families if NON_SIMPLIFIED_RE.search(name))
    if simplified and wrong:
        pytest.fail(
            f"Chinese text drawn with {wrong}, not a Simplified Chinese font: "
            f'<html lang={info["lang"]!r}>; set lang="zh-hans" (Django: lang="{{{{ LANGUAGE_CODE }}}}")',
            pytrace=False,
        )
    return families


# --- the helpers as fixtures (no import needed in test modules) ------------


@pytest.fixture(name="login")
def _login_fixture():
    """``login(page, live_server, username, password)``: log in through the real form."""
    return login


@pytest.fixture(name="assert_accessible")
def _assert_accessible_fixture():
    """``assert_accessible(page)``: axe-core WCAG 2.0/2.1 A+AA, fails on serious/critical."""
    return assert_accessible


@pytest.fixture(name="assert_cjk_font")
def _assert_cjk_font_fixture():
    """``assert_cjk_font(page)``: Chinese text is drawn with a CJK font, not tofu."""
    return assert_cjk_font
