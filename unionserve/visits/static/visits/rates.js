// The served-visit charts, from the JSON the page carries (no inline script under the Content-Security-Policy).
(function () {
  var data = JSON.parse(document.getElementById("visits-chart-data").textContent);
  var ratesEl = document.getElementById("visits-rates-chart");
  if (ratesEl) {
    ratesEl.style.height = "320px";
    var series = [{name: data.labels.rate, type: "bar", data: data.rates}];
    if (data.target !== null) {
      series.push({name: data.labels.target, type: "line", symbol: "none",
                   data: data.names.map(function () { return data.target; })});
    }
    echarts.init(ratesEl).setOption({
      tooltip: {trigger: "axis"}, legend: {}, grid: {left: 40, right: 10, bottom: 90},
      xAxis: {type: "category", data: data.names, axisLabel: {rotate: 40}},
      yAxis: {type: "value", min: 0}, series: series
    });
  }
  var monthsEl = document.getElementById("visits-months-chart");
  if (monthsEl) {
    monthsEl.style.height = "280px";
    echarts.init(monthsEl).setOption({
      tooltip: {trigger: "axis"}, legend: {}, grid: {left: 50, right: 10, bottom: 30},
      xAxis: {type: "category", data: data.months},
      yAxis: {type: "value", min: 0},
      series: [{name: data.labels.visits, type: "bar", data: data.visits},
               {name: data.labels.last_year, type: "bar", data: data.last_year}]
    });
  }
})();
