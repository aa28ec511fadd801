// Moved out of the page so that the Content-Security-Policy can forbid inline scripts (docs/security.md).
(function () {
  var data = JSON.parse(document.getElementById("dq-chart-data").textContent);
  var chart = echarts.init(document.getElementById("dq-chart"));
  chart.setOption({
    tooltip: {trigger: "axis"}, legend: {}, grid: {left: 40, right: 10, bottom: 80},
    xAxis: {type: "category", data: data.map(function (r) { return r.name; }), axisLabel: {rotate: 40}},
    yAxis: {type: "value", min: 0, max: 100},
    series: ["unit_pass", "collection", "accuracy"].map(function (k, i) {
      return {name: document.querySelectorAll("thead th")[i + 1].childNodes[0].textContent, type: "bar",
              data: data.map(function (r) { return r[k]; })};
    })
  });
})();
