// The assistance statistics charts (a static file: the Content-Security-Policy forbids inline scripts).
(function () {
  var node = document.getElementById("assistance-charts");
  if (!node || !window.echarts) { return; }
  var data = JSON.parse(node.textContent);
  function bars(id, d) {
    var el = document.getElementById(id);
    if (!el || !d.categories.length) { return; }
    echarts.init(el).setOption({
      tooltip: {trigger: "axis"}, grid: {left: 40, right: 10, bottom: 50, containLabel: true},
      xAxis: {type: "category", data: d.categories, axisLabel: {interval: 0, width: 110, overflow: "break"}},
      yAxis: {type: "value"},
      series: d.series.map(function (s) { return {name: s.name, type: "bar", data: s.data}; })
    });
  }
  bars("chart-grants", data.grants);
  bars("chart-districts", data.districts);
  bars("chart-files", data.files);
})();
