// A static file so that the Content-Security-Policy can forbid inline scripts (docs/security.md).
(function () {
  var el = document.getElementById("cards-chart");
  var source = document.getElementById("cards-chart-data");
  if (!el || !source) { return; }
  var data = JSON.parse(source.textContent);
  var animate = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  echarts.init(el).setOption({
    animation: animate, tooltip: {trigger: "axis"},
    grid: {top: 16, left: 8, right: 16, bottom: 8, containLabel: true},
    xAxis: {type: "category", data: data.units, axisLabel: {rotate: 40}}, yAxis: {type: "value", min: 0, max: 100},
    series: [{name: data.label, type: "bar", data: data.coverage}]
  });
})();
