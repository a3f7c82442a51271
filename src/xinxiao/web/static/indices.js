// Charts of the indices pages: rank-interval bands, the score map, a unit's radar and contributions, the
// framework sunburst and the score history with its breaks. Data comes from the page's #indices-data block.
(function () {
  "use strict";

  // Tests and screenshots wait for data-ready: set it once the chart has finished drawing (animations included).
  function chartOn(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    var chart = echarts.init(el);
    chart.on("finished", function () { el.dataset.ready = "1"; });
    return chart;
  }

  function fixed(value, digits) {
    return value == null || isNaN(value) ? "—" : Number(value).toFixed(digits);
  }

  // Rank intervals as bands from the 5th to the 95th percentile rank, the nominal rank as a diamond.
  function rankBands(data) {
    var chart = chartOn("rank-chart");
    if (!chart) { return; }
    var rows = data.rows.filter(function (r) { return r.rank != null; });
    var names = rows.map(function (r) { return r.name; });
    var low = rows.map(function (r) { return r.rank_low == null ? null : r.rank_low - 0.5; });
    var width = rows.map(function (r) { return r.rank_low == null ? null : r.rank_high - r.rank_low + 1; });
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: function (items) {
        var r = rows[items[0].dataIndex];
        return r.name + "<br>" + data.labels.nominal + ": " + r.rank + "<br>" + data.labels.interval + ": " +
          fixed(r.rank_low, 0) + "–" + fixed(r.rank_high, 0);
      } },
      legend: { top: 0, data: [data.labels.interval, data.labels.nominal] },
      grid: { left: 110, right: 30, top: 30, bottom: 40 },
      xAxis: { type: "value", name: data.labels.rank, nameLocation: "middle", nameGap: 26, min: 0,
               max: data.rows.length + 1, interval: 1,
               axisLabel: { formatter: function (v) { return v > 0 && v <= data.rows.length ? v : ""; } } },
      yAxis: { type: "category", data: names, inverse: true },
      series: [
        { type: "bar", stack: "band", data: low, itemStyle: { color: "transparent" }, silent: true, barWidth: 18 },
        { name: data.labels.interval, type: "bar", stack: "band", data: width, barWidth: 18,
          itemStyle: { color: "#fa9fb5", borderColor: "#c51b8a", borderWidth: 1 } },
        { name: data.labels.nominal, type: "scatter", symbol: "diamond", symbolSize: 14, z: 5,
          data: rows.map(function (r, i) { return [r.rank, i]; }), itemStyle: { color: "#49006a" } }
      ]
    });
  }

  function scoreMap(data) {
    var el = document.getElementById("map");
    if (!el) { return; }
    var node = el.dataset.node;
    fetch("/api/v1/regions/" + node + "/boundary").then(function (r) { return r.json(); }).then(function (geo) {
      echarts.registerMap("indices-" + node, geo);
      var byCode = {};
      geo.features.forEach(function (f) { byCode[f.properties.adcode] = f.properties.name; });
      var values = data.rows.map(function (r) { return { name: byCode[r.unit] || r.name, value: r.score, unit: r.unit }; });
      var scores = values.map(function (v) { return v.value; }).filter(function (v) { return v != null; });
      var low = scores.length ? Math.floor(Math.min.apply(null, scores)) : 0;
      var high = scores.length ? Math.ceil(Math.max.apply(null, scores)) : 100;
      var chart = chartOn("map");
      chart.setOption({
        tooltip: { trigger: "item", formatter: function (p) { return p.name + ": " + fixed(p.value, 2); } },
        visualMap: { min: low, max: high > low ? high : low + 1,
                     left: "left", bottom: 10, calculable: true, inRange: { color: ["#fde0dd", "#fa9fb5", "#c51b8a"] } },
        series: [{ type: "map", map: "indices-" + node, roam: true, data: values, label: { show: true, fontSize: 10 } }]
      });
      chart.on("click", function (p) {
        if (p.data && p.data.unit) {
          window.location = "/indices/" + data.index + "/units/" + p.data.unit + "?region=" + data.region + "&period=" + data.period;
        }
      });
    });
  }

  function radar(data) {
    var chart = chartOn("radar-chart");
    if (!chart) { return; }
    chart.setOption({
      tooltip: {},
      legend: { bottom: 0, data: [data.labels.score, data.labels.median] },
      radar: { indicator: data.radar.indicators, radius: "65%" },
      series: [{ type: "radar", data: [
        { name: data.labels.score, value: data.radar.unit, areaStyle: { opacity: 0.25 }, itemStyle: { color: "#c51b8a" } },
        { name: data.labels.median, value: data.radar.median, lineStyle: { type: "dashed" }, itemStyle: { color: "#7a7a7a" } }
      ] }]
    });
  }

  // One stacked bar per parent (the index, then each pillar): its children's contributions.
  function contributions(data) {
    var chart = chartOn("contrib-chart");
    if (!chart) { return; }
    var c = data.contributions;
    chart.setOption({
      tooltip: { trigger: "item", formatter: function (p) { return p.seriesName + ": " + fixed(p.value, 2); } },
      grid: { left: 120, right: 30, top: 20, bottom: 30 },
      xAxis: { type: "value", name: data.labels.contribution },
      yAxis: { type: "category", data: c.parents, inverse: true },
      series: c.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "parts", data: s.data, label: { show: false } };
      })
    });
  }

  function sunburst(data) {
    var chart = chartOn("sunburst-chart");
    if (!chart) { return; }
    chart.setOption({
      tooltip: { formatter: function (p) { return p.name + ": " + data.labels.weight + " " + fixed(p.value, 4); } },
      title: { text: data.title, left: "center", top: "middle", textStyle: { fontSize: 12 } },
      series: [{ type: "sunburst", data: data.sunburst, radius: ["18%", "95%"], sort: null,
                 itemStyle: { borderColor: "#fff", borderWidth: 1 }, label: { rotate: "radial", fontSize: 11 },
                 levels: [{}, { r0: "18%", r: "50%" }, { r0: "50%", r: "95%", label: { align: "right" } }] }]
    });
  }

  function history(data) {
    var chart = chartOn("history-chart");
    if (!chart) { return; }
    var marks = data.breaks.map(function (p) { return { xAxis: p, label: { formatter: data.labels["break"] } }; });
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 60, right: 40, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.periods },
      yAxis: { type: "value", name: data.labels.score },
      series: data.series.map(function (s, i) {
        var line = { name: s.name, type: "line", connectNulls: false, data: s.scores };
        if (i === 0 && marks.length) {
          line.markLine = { symbol: "none", lineStyle: { type: "dashed", color: "#b2182b" }, data: marks };
        }
        return line;
      })
    });
  }

  var holder = document.getElementById("indices-data");
  if (!holder) { return; }
  var data = JSON.parse(holder.textContent);
  if (data.rows && data.pillars) { rankBands(data); scoreMap(data); }
  if (data.radar) { radar(data); contributions(data); }
  if (data.sunburst) { sunburst(data); }
  if (data.series && data.periods) { history(data); }
})();
