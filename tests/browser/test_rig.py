"""Self-checks of the browser rig. No Django server and no database: content is set directly."""

from pathlib import Path

import pytest

VENDOR = Path(__file__).resolve().parents[2] / "unionserve" / "web" / "static" / "vendor"

GOOD_PAGE = """<!doctype html>
<html lang="zh-hans"><head><meta charset="utf-8"><title>浏览器测试</title></head>
<body><main><h1>工会会员服务</h1><p>你好，世界。Hello.</p></main></body></html>"""

BAD_PAGE = """<!doctype html>
<html lang="zh-hans"><head><meta charset="utf-8"><title>坏页面</title></head>
<body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text"></main></body></html>"""


def test_browser_context_is_chinese(page):
    page.set_content(GOOD_PAGE)
    env = page.evaluate("() => [navigator.language, Intl.DateTimeFormat().resolvedOptions().timeZone]")
    assert env == ["zh-CN", "Asia/Shanghai"]


def test_axe_and_cjk_font_pass_on_a_good_page(page, assert_accessible, assert_cjk_font):
    page.set_content(GOOD_PAGE)
    assert_accessible(page)
    assert "Noto Sans CJK SC" in assert_cjk_font(page)


def test_axe_reports_serious_violations(page, assert_accessible):
    page.set_content(BAD_PAGE)
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_accessible(page)
    assert "image-alt" in str(failure.value)
    assert "label" in str(failure.value)


def test_missing_lang_picks_japanese_glyphs(page, assert_cjk_font):
    page.set_content("<html><head><title>t</title></head><body><p>直接骨说门</p></body></html>")
    with pytest.raises(pytest.fail.Exception, match="zh-hans"):
        assert_cjk_font(page)


def test_vendored_scripts_load(page):
    """The committed vendor files parse and are the pinned major versions (htmx 2, not 4)."""
    page.set_content(GOOD_PAGE)
    for script in ("htmx/htmx.min.js", "bootstrap/js/bootstrap.bundle.min.js", "echarts/echarts.min.js"):
        page.add_script_tag(path=str(VENDOR / script))
    versions = page.evaluate("() => [htmx.version, bootstrap.Tooltip.VERSION, echarts.version]")
    assert versions[0].startswith("2.0."), versions
    assert versions[1].startswith("5."), versions
    assert versions[2].split(".")[0] in {"5", "6"}, versions
