// Charts of the monitoring pages: daily and monthly turnover, the sub-region choropleth, a window's daily curve.
(function () {
  "use strict";

  // Tests and screenshots wait for data-ready: set it once the chart has finished drawing (animations included).
  function ready(chart, el) {
    chart.on("finished", function () { el.dataset.ready = "1"; });
  }

  function line(id, rows, name, zoom) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = echarts.init(el);
    ready(chart, el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 70, right: 30, top: 20, bottom: zoom ? 70 : 30 },
      xAxis: { type: "category", data: rows.map(function (r) { return r.period; }) },
      yAxis: { type: "value", name: name },
      dataZoom: zoom ? [{ type: "slider" }, { type: "inside" }] : [],
      series: [{ type: "line", showSymbol: false, data: rows.map(function (r) { return r.value; }),
                 itemStyle: { color: "#c51b8a" } }]
    });
  }

  function monthly(id, rows, labels) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var byPeriod = {};
    rows.forEach(function (r) { byPeriod[r.period.slice(0, 7)] = r.value; });
    var yoy = rows.map(function (r) {
      var y = parseInt(r.period.slice(0, 4), 10) - 1, prior = byPeriod[y + r.period.slice(4, 7)];
      return prior ? +(((r.value / prior) - 1) * 100).toFixed(1) : null;
    });
    var chart = echarts.init(el);
    ready(chart, el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 70, right: 60, top: 30, bottom: 30 },
      xAxis: { type: "category", data: rows.map(function (r) { return r.period.slice(0, 7); }) },
      yAxis: [{ type: "value" }, { type: "value", name: labels.yoy + " %", position: "right" }],
      series: [
        { name: labels.monthly, type: "bar", data: rows.map(function (r) { return r.value; }), itemStyle: { color: "#fa9fb5" } },
        { name: labels.yoy, type: "line", yAxisIndex: 1, data: yoy, itemStyle: { color: "#49006a" } }
      ]
    });
  }

  function choropleth(data) {
    var el = document.getElementById("map");
    if (!el) { return; }
    var node = el.dataset.node, month = data.month, rankBy = data.ranking.meta.indicator_id;
    fetch("/api/v1/regions/" + node + "/boundary").then(function (r) { return r.json(); }).then(function (geo) {
      echarts.registerMap(node, geo);
      var byCode = {};
      geo.features.forEach(function (f) { byCode[f.properties.adcode] = f.properties.name; });
      var values = data.ranking.rows.map(function (r) { return { name: byCode[r.adcode] || r.name, value: r.value, adcode: r.adcode }; });
      var max = Math.max.apply(null, values.map(function (v) { return v.value || 0; }).concat([1]));
      var chart = echarts.init(el);
      ready(chart, el);
      chart.setOption({
        tooltip: { trigger: "item", formatter: function (p) { return p.name + ": " + (p.value == null || isNaN(p.value) ? "—" : p.value.toFixed(2)); } },
        visualMap: { min: 0, max: max, left: "left", bottom: 10, calculable: true, inRange: { color: ["#fde0dd", "#fa9fb5", "#c51b8a"] } },
        series: [{ type: "map", map: node, roam: true, data: values, label: { show: true, fontSize: 10 } }]
      });
      chart.on("click", function (p) {
        var adcode = p.data && p.data.adcode;
        if (adcode) { window.location = "/monitoring?region=" + adcode + "&month=" + month + "&rank_by=" + rankBy; }
      });
      });
  }

  function windowCurve() {
    var el = document.getElementById("window-chart");
    if (!el) { return; }
    var data = JSON.parse(document.getElementById("window-data").textContent);
    var segments = ["last_year", "pre_window", "window"], colors = { window: "#c51b8a", pre_window: "#7a7a7a", last_year: "#49006a" };
    var chart = echarts.init(el);
    ready(chart, el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 70, right: 30, top: 30, bottom: 30 },
      xAxis: { type: "time" },
      yAxis: { type: "value" },
      series: segments.map(function (s) {
        return { name: data.labels[s], type: "line", showSymbol: false, itemStyle: { color: colors[s] },
                 data: data.daily.filter(function (r) { return r.segment === s; }).map(function (r) { return [r.period, r.value]; }) };
      })
    });
  }

  var holder = document.getElementById("monitoring-data");
  if (holder) {
    var data = JSON.parse(holder.textContent);
    line("daily-chart", data.daily.rows, "", true);
    monthly("monthly-chart", data.monthly.rows, data.labels);
    choropleth(data);
  }
  windowCurve();
})();
