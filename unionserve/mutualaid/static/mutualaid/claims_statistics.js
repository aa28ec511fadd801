// Charts of the claims statistics (kept out of the page: the Content-Security-Policy forbids inline scripts).
(function () {
  var source = document.getElementById("claims-chart-data");
  if (!source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var animate = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  function bars(id, rows) {
    var el = document.getElementById(id);
    if (!el || !rows.length) return;
    echarts.init(el).setOption({
      animation: animate, tooltip: {trigger: "axis"}, legend: {top: 0},
      grid: {top: 36, left: 8, right: 16, bottom: 8, containLabel: true},
      xAxis: {type: "category", data: rows.map(function (r) { return r.label; }), axisLabel: {rotate: rows.length > 6 ? 40 : 0}},
      yAxis: [{type: "value", name: data.labels.amount}, {type: "value", name: data.labels.paid, minInterval: 1}],
      series: [
        {name: data.labels.amount, type: "bar", data: rows.map(function (r) { return Number(r.amount); })},
        {name: data.labels.paid, type: "line", yAxisIndex: 1, data: rows.map(function (r) { return r.paid; })}
      ]
    });
  }
  bars("claims-by-quarter", data.by_quarter);
  bars("claims-by-type", data.by_type);
  bars("claims-by-district", data.by_district);
  bars("claims-by-industry", data.by_industry);
  var reasons = document.getElementById("claims-reasons");
  if (reasons && data.reasons.length) {
    echarts.init(reasons).setOption({
      animation: animate, tooltip: {trigger: "item"},
      series: [{type: "pie", radius: "65%", data: data.reasons.map(function (r) { return {name: r.label, value: r.count}; })}]
    });
  }
})();
