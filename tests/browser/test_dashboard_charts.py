"""The dashboard's charts in a real browser: drawn under the strict CSP (no violation, no script error),
holding the same numbers as ``GET /api/v1/metrics`` for the same period, and fitting a 320 px screen."""

from __future__ import annotations

import pytest

from weibo_app.core.extensions import db
from weibo_app.demo import PASSWORD, seed_demo

from .pages import log_in

pytestmark = pytest.mark.browser

#: Runs before the page's own scripts: every CSP violation the page causes is kept for the test.
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || ""));
});
"""


def _series(page, chart_id: str) -> dict[str, list]:
    """``{series id: data}`` from the ECharts instance drawn in ``#chart_id``."""
    return page.evaluate(
        """(id) => {
            const chart = echarts.getInstanceByDom(document.getElementById(id));
            const out = {};
            chart.getOption().series.forEach((s) => { out[s.id] = s.data; });
            return out;
        }""",
        chart_id,
    )


def _percent(rate):
    return None if rate is None else round(rate * 1000) / 10


def test_charts_draw_under_the_csp_and_match_the_api(live_app, browser):
    base = live_app.config["LIVE_URL"]
    with live_app.app_context():
        seed_demo(days=20)
        db.session.commit()
        db.session.remove()
    for width in (1366, 320):
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
        context.add_init_script(WATCH_CSP)
        page = context.new_page()
        console = []
        page.on("console", lambda m, seen=console: seen.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda err, seen=console: seen.append(f"page error: {err}"))
        try:
            log_in(page, base, "ducha", PASSWORD)
            response = page.goto(f"{base}/dashboard")
            assert response is not None and response.status == 200
            assert "script-src 'self'" in response.headers["content-security-policy"]
            page.wait_for_function(
                "document.querySelectorAll('.chart canvas').length >= 3"
                " && [...document.querySelectorAll('.chart')].every((el) => echarts.getInstanceByDom(el))",
                timeout=10_000,
            )
            for chart_id in ("chart-compare", "chart-trend", "chart-distribution"):
                box = page.locator(f"#{chart_id}").bounding_box()
                assert box and box["height"] >= 200 and box["width"] > 0, (chart_id, box)
                assert box["x"] >= 0 and box["x"] + box["width"] <= width, (chart_id, box, width)
            # A tooltip on each chart (drawn on the canvas: an HTML one would write style attributes).
            for chart_id in ("chart-compare", "chart-trend", "chart-distribution"):
                page.evaluate("(id) => echarts.getInstanceByDom(document.getElementById(id))"
                              ".dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 1})", chart_id)
            page.wait_for_timeout(300)
            assert page.evaluate("window.__csp") == []
            problems = [m for m in console if "Content Security Policy" in m or "Refused to" in m or "page error" in m]
            assert problems == []
            scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            assert scroll <= inner, f"{scroll} > {inner} at {width}px"

            data = page.evaluate("JSON.parse(document.getElementById('dashboard-chart-data').textContent)")
            period = data["period"]
            query = f"from={period['from']}&to={period['to']}&subtree=1"
            api = page.request.get(f"{base}/api/v1/metrics?{query}").json()
            by_slug = {r["department"]: r for r in api["departments"]}
            shown = data["compare"]["departments"]
            assert len(shown) >= 5
            series = _series(page, "chart-compare")
            for i, row in enumerate(shown):
                figures = by_slug[row["department"]]
                for name in ("reply_rate", "on_time_rate", "responsiveness_index"):
                    assert row[name] == figures[name], (row["department"], name)
                assert series["reply_rate"][i] == _percent(figures["reply_rate"])
                assert series["on_time_rate"][i] == _percent(figures["on_time_rate"])
                assert series["responsiveness_index"][i] == figures["responsiveness_index"]
            assert any(r["reply_rate"] for r in shown)  # the demo's figures are not all empty

            # The first-response buckets hold exactly the responded threads of the scope.
            root = data["distribution"]["department"]
            whole = page.request.get(f"{base}/api/v1/metrics?{query}&department={root}").json()["departments"][0]
            buckets = _series(page, "chart-distribution")["threads"]
            assert buckets == [b["threads"] for b in data["distribution"]["buckets"]]
            assert sum(buckets) == whole["responded"] > 0

            trend = _series(page, "chart-trend")
            for name in ("threads", "answered", "overdue"):
                assert trend[name] == [w[name] for w in data["trend"]["weeks"]]
            assert sum(trend["threads"]) > 0
            # Drawn charts fold their tables away; the tables are still there, one click open.
            assert page.locator("#chart-distribution-table").count() == 1
            assert not page.locator("details.chart-data").first.evaluate("el => el.open")
        finally:
            context.close()


def test_without_javascript_the_tables_show_the_numbers(live_app, browser):
    base = live_app.config["LIVE_URL"]
    with live_app.app_context():
        seed_demo(days=20)
        db.session.commit()
        db.session.remove()
    context = browser.new_context(locale="zh-CN", java_script_enabled=False, viewport={"width": 320, "height": 800})
    page = context.new_page()
    try:
        log_in(page, base, "ducha", PASSWORD)
        page.goto(f"{base}/dashboard")
        assert page.locator("#chart-distribution-table").is_visible()
        assert page.locator("#chart-compare-table tbody tr").count() >= 5
        assert page.locator("#chart-compare").bounding_box()["height"] == 0  # an empty box takes no room
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert scroll <= inner
    finally:
        context.close()
