// The dashboard's charts: Apache ECharts (static/vendor/echarts/), canvas renderer, drawn from the
// JSON data block the page embeds (#dashboard-chart-data). Nothing here is inline: the CSP allows
// no inline script or style. The table under each chart holds the same numbers for screen readers
// and browsers without JavaScript; once a chart is drawn its table folds away (one click opens it).
(function () {
  "use strict";

  var COLORS = ["#1b4b85", "#a61e22", "#2e7d4f", "#8a5a00"];

  function percent(rate) {
    return rate === null || rate === undefined ? null : Math.round(rate * 1000) / 10;
  }

  function show(value, unit) {
    return value === null || value === undefined ? "—" : value.toFixed(1) + (unit || "");
  }

  function base(width) {
    var narrow = width < 480;
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    return {
      animation: !still,
      color: COLORS,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      // Drawn on the canvas: the HTML tooltip writes style attributes, which the CSP blocks.
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true, renderMode: "richText" },
      // Every series named at once: on a phone the legend takes two lines rather than paging.
      legend: { top: 0, type: "plain", itemGap: narrow ? 6 : 10 },
      grid: { left: 8, right: 16, top: narrow ? 56 : 36, bottom: 8, containLabel: true }
    };
  }

  function compare(data, width) {
    var rows = data.compare.departments;
    var names = rows.map(function (r) { return r.name; });
    var labels = data.labels;
    var option = base(width);
    option.tooltip.formatter = function (items) {
      var lines = [items[0].axisValueLabel];
      items.forEach(function (item) {
        var unit = item.seriesId === "responsiveness_index" ? "" : "%";
        lines.push(item.marker + item.seriesName + "：" + show(item.value, unit));
      });
      return lines.join("\n");
    };
    option.xAxis = { type: "value", min: 0, max: 100, name: labels.percent, nameLocation: "middle", nameGap: 24 };
    option.yAxis = {
      type: "category", data: names, inverse: true,
      axisLabel: { width: Math.max(72, Math.min(180, Math.round(width * 0.28))), overflow: "truncate" }
    };
    option.grid.bottom = 30;
    option.series = [
      { id: "reply_rate", name: labels.reply_rate, type: "bar",
        data: rows.map(function (r) { return percent(r.reply_rate); }) },
      { id: "on_time_rate", name: labels.on_time_rate, type: "bar",
        data: rows.map(function (r) { return percent(r.on_time_rate); }) },
      { id: "responsiveness_index", name: labels.responsiveness_index, type: "bar",
        data: rows.map(function (r) { return r.responsiveness_index; }) }
    ];
    return option;
  }

  function trend(data, width) {
    var weeks = data.trend.weeks;
    var labels = data.labels;
    var option = base(width);
    option.xAxis = {
      type: "category",
      data: weeks.map(function (w) { return w.week_start.slice(5); }),
      axisLabel: { hideOverlap: true }
    };
    option.yAxis = { type: "value", minInterval: 1 };
    option.series = [
      { id: "threads", name: labels.threads, type: "bar", data: weeks.map(function (w) { return w.threads; }) },
      { id: "answered", name: labels.answered, type: "bar", data: weeks.map(function (w) { return w.answered; }) },
      { id: "overdue", name: labels.overdue, type: "line", symbolSize: 8,
        data: weeks.map(function (w) { return w.overdue; }) }
    ];
    option.color = [COLORS[0], COLORS[2], COLORS[1]];
    return option;
  }

  function distribution(data, width) {
    var buckets = data.distribution.buckets;
    var option = base(width);
    option.legend = { show: false };
    option.grid.top = 16;
    option.grid.left = width < 560 ? 32 : 8;  // room for the first slanted label
    option.xAxis = {
      type: "category",
      data: buckets.map(function (b) { return b.label; }),
      // Every bucket named: slanted on a phone, where six labels side by side would overlap.
      axisLabel: width < 560 ? { interval: 0, rotate: 40 } : { interval: 0 }
    };
    option.yAxis = { type: "value", minInterval: 1 };
    option.series = [
      { id: "threads", name: data.labels.responded, type: "bar", barMaxWidth: 48,
        label: { show: true, position: "top" },
        data: buckets.map(function (b) { return b.threads; }) }
    ];
    return option;
  }

  var BUILDERS = { compare: compare, trend: trend, distribution: distribution };

  function init() {
    var block = document.getElementById("dashboard-chart-data");
    if (!block || !window.echarts) { return; }
    var data = JSON.parse(block.textContent);
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var build = BUILDERS[el.getAttribute("data-chart")];
      if (!build) { return; }
      el.classList.add("chart-on");
      if (el.getAttribute("data-chart") === "compare") {
        // Three bars per department: the box grows with the number of departments (CSSOM, allowed by the CSP).
        el.style.height = Math.max(240, 70 + data.compare.departments.length * 54) + "px";
      }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(build(data, el.clientWidth));
      charts.push({ chart: chart, build: build, width: el.clientWidth });
      var details = el.parentNode.querySelector(".chart-data");
      if (details) { details.open = false; }
    });
    var resize = function () {
      charts.forEach(function (c) {
        var width = c.chart.getDom().clientWidth;
        if (width !== c.width) {
          c.width = width;
          c.chart.setOption(c.build(data, width));
          c.chart.resize();
        }
      });
    };
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(resize);
      charts.forEach(function (c) { observer.observe(c.chart.getDom()); });
    } else {
      window.addEventListener("resize", resize);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
