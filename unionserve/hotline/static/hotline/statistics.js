// Moved out of the page so that the Content-Security-Policy can forbid inline scripts (docs/security.md).
(function () {
  var data = JSON.parse(document.getElementById("hs-chart-data").textContent);
  var days = document.getElementById("hs-days");
  if (days) {
    echarts.init(days).setOption({
      tooltip: {trigger: "axis"}, legend: {}, grid: {left: 40, right: 10, bottom: 40},
      xAxis: {type: "category", data: data.days}, yAxis: {type: "value", minInterval: 1},
      series: [
        {name: data.labels.consultations, type: "line", stack: "n", areaStyle: {}, data: data.consultations},
        {name: data.labels.affairs, type: "line", stack: "n", areaStyle: {}, data: data.affairs}
      ]
    });
  }
  var ratesEl = document.getElementById("hs-rates");
  if (ratesEl) {
    echarts.init(ratesEl).setOption({
      tooltip: {trigger: "axis"}, legend: {}, grid: {left: 40, right: 10, bottom: 80},
      xAxis: {type: "category", data: data.units, axisLabel: {rotate: 40}}, yAxis: {type: "value", min: 0, max: 100},
      series: data.rate_keys.map(function (k) { return {name: data.labels[k], type: "bar", data: data.rates[k]}; })
    });
  }
})();
