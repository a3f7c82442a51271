// Required path against actual values of a plan target.
(function () {
  "use strict";
  var el = document.getElementById("attain-chart");
  if (!el) { return; }
  var data = JSON.parse(document.getElementById("attain-data").textContent);
  var years = Object.keys(data.required).concat(Object.keys(data.actual))
    .filter(function (y, i, all) { return all.indexOf(y) === i; }).sort();
  function series(values) { return years.map(function (y) { return y in values ? values[y] : null; }); }
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [data.labels.required, data.labels.actual] },
    xAxis: { type: "category", data: years },
    yAxis: { type: "value", scale: true },
    series: [
      { name: data.labels.required, type: "line", data: series(data.required), lineStyle: { type: "dashed" } },
      { name: data.labels.actual, type: "line", data: series(data.actual), connectNulls: true, itemStyle: { color: "#c51b8a" } }
    ]
  });
  el.dataset.ready = "1";
})();
