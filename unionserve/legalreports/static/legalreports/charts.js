// Moved out of the page so that the Content-Security-Policy can forbid inline scripts (docs/security.md).
(function () {
  var data = JSON.parse(document.getElementById("legal-charts").textContent);
  function bars(id, d) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) { return; }
    echarts.init(el).setOption({
      tooltip: {trigger: "axis"}, legend: {}, grid: {left: 40, right: 10, bottom: 50, containLabel: true},
      xAxis: {type: "category", data: d.categories, axisLabel: {interval: 0, width: 110, overflow: "break"}}, yAxis: {type: "value", minInterval: 1},
      series: d.series.map(function (s) { return {name: s.name, type: "bar", data: s.data}; })
    });
  }
  bars("chart-summary", data.summary);
  bars("chart-path", data.path);
})();
