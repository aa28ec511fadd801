// Moved out of the page so that the Content-Security-Policy can forbid inline scripts (docs/security.md).
(function () {
  var data = JSON.parse(document.getElementById("hs-chart-data").textContent);
  // No animation for people who asked for less motion (and screenshots show the final figures).
  var animate = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var days = document.getElementById("hs-days");
  if (days) {
    echarts.init(days).setOption({
      // Two separate lines, not stacked: each point is that kind's own count on that day.
      animation: animate, tooltip: {trigger: "axis"}, legend: {top: 0},
      grid: {top: 36, left: 8, right: 16, bottom: 8, containLabel: true},
      xAxis: {type: "category", data: data.days}, yAxis: {type: "value", minInterval: 1},
      series: [
        {name: data.labels.consultations, type: "line", data: data.consultations},
        {name: data.labels.affairs, type: "line", data: data.affairs}
      ]
    });
  }
  var ratesEl = document.getElementById("hs-rates");
  if (ratesEl) {
    echarts.init(ratesEl).setOption({
      animation: animate, tooltip: {trigger: "axis"}, legend: {top: 0},
      grid: {top: 36, left: 8, right: 16, bottom: 8, containLabel: true},
      xAxis: {type: "category", data: data.units, axisLabel: {rotate: 40}}, yAxis: {type: "value", min: 0, max: 100},
      series: data.rate_keys.map(function (k) { return {name: data.labels[k], type: "bar", data: data.rates[k]}; })
    });
  }
})();
