// Bar charts of the project statistics and the survey results; the data is the page's JSON (no inline script,
// docs/security.md). Each key of the data names the element that gets the chart: "pj-<key>" or the key itself.
(function () {
  var source = document.getElementById("pj-chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var animate = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  Object.keys(data).forEach(function (key) {
    var el = document.getElementById("pj-" + key) || document.getElementById(key);
    if (!el) { return; }
    el.style.height = "260px";
    var series = data[key];
    echarts.init(el).setOption({
      animation: animate, tooltip: {trigger: "axis"},
      grid: {top: 16, left: 8, right: 16, bottom: 8, containLabel: true},
      xAxis: {type: "category", data: series.labels, axisLabel: {rotate: series.labels.length > 6 ? 30 : 0}},
      yAxis: {type: "value", minInterval: 1},
      series: [{name: series.name || "", type: "bar", data: series.values}]
    });
  });
})();
