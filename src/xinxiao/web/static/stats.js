// Charts of the merchant statistics page: a choropleth of the scope's regions and bar charts.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("stats-data").textContent);

  function bars(id, rows, limit) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var top = rows.slice().sort(function (a, b) { return b.merchants - a.merchants; }).slice(0, limit).reverse();
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var row = top[p.dataIndex];
          return row.label + "<br>" + data.labels.merchants + ": " + row.merchants +
            "<br>" + data.labels.digital_rate + ": " + (row.digital_rate * 100).toFixed(1) + "%";
        }
      },
      grid: { left: 150, right: 40, top: 20, bottom: 30 },
      xAxis: { type: "value", name: data.labels.merchants, minInterval: 1 },
      yAxis: { type: "category", data: top.map(function (r) { return r.label; }) },
      series: [{ type: "bar", data: top.map(function (r) { return r.merchants; }), itemStyle: { color: "#c51b8a" },
                 label: { show: true, position: "right" } }]
    });
    el.dataset.ready = "1";
  }

  function choropleth() {
    var el = document.getElementById("map");
    if (!el) { return; }
    var node = el.dataset.node;
    fetch("/api/v1/regions/" + node + "/boundary").then(function (r) { return r.json(); }).then(function (geo) {
      echarts.registerMap(node, geo);
      var byName = {};
      geo.features.forEach(function (f) { byName[f.properties.adcode] = f.properties.name; });
      var values = data.region.map(function (r) { return { name: byName[r.key] || r.label, value: r.merchants, adcode: r.key }; });
      var max = Math.max.apply(null, values.map(function (v) { return v.value; }).concat([1]));
      var chart = echarts.init(el);
      chart.setOption({
        tooltip: { trigger: "item", formatter: function (p) { return p.name + ": " + (p.value || 0); } },
        visualMap: { min: 0, max: max, left: "left", bottom: 10, calculable: true,
                     inRange: { color: ["#fde0dd", "#fa9fb5", "#c51b8a"] } },
        series: [{ type: "map", map: node, roam: true, data: values, label: { show: true, fontSize: 10 } }]
      });
      chart.on("click", function (p) {
        var adcode = p.data && p.data.adcode;
        if (adcode && data.drillable.indexOf(adcode) >= 0) { window.location = "/merchants/stats?region=" + adcode; }
      });
      el.dataset.ready = "1";
    });
  }

  choropleth();
  bars("bar-industry", data.industry, 15);
  bars("bar-format", data.format, 15);
  bars("bar-place", data.place, 15);
})();
