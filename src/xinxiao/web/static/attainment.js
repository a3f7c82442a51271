// Attainment charts: a target's required path against its actual values, and a plan's targets side by side.
(function () {
  "use strict";
  var overview = document.getElementById("plan-attainment");
  if (overview) {
    var plan = JSON.parse(document.getElementById("plan-attainment-data").textContent);
    var rows = plan.rows.slice().reverse();
    echarts.init(overview).setOption({
      tooltip: { trigger: "axis" },
      legend: { data: [plan.labels.done, plan.labels.expected] },
      grid: { left: 220, right: 40, top: 30, bottom: 20 },
      xAxis: { type: "value", max: function (v) { return Math.max(100, v.max); }, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: rows.map(function (r) { return r.name; }) },
      series: [
        { name: plan.labels.done, type: "bar", data: rows.map(function (r) { return r.done; }), itemStyle: { color: "#c51b8a" } },
        { name: plan.labels.expected, type: "scatter", symbol: "diamond", symbolSize: 12,
          data: rows.map(function (r) { return r.expected; }), itemStyle: { color: "#333" } }
      ]
    });
    overview.dataset.ready = "1";
  }
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
