// Polls an import job until it finishes and updates the counters on the page.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.status !== "running") { return; }
  var statusText = { running: "…", done: "✓", failed: "✗" };
  function poll() {
    fetch("/api/v1/merchants/imports/" + box.dataset.job).then(function (r) { return r.json(); }).then(function (job) {
      ["rows_total", "inserted", "updated", "unchanged", "rejected"].forEach(function (k) {
        var el = document.getElementById("job-" + (k === "rows_total" ? "rows" : k));
        if (el) { el.textContent = job[k]; }
      });
      if (job.status === "running") { setTimeout(poll, 700); return; }
      window.location.reload();
    });
  }
  document.getElementById("job-status").textContent += " " + statusText.running;
  setTimeout(poll, 500);
})();
