// Follows a run while its page is open: polls its status and updates the progress bar.
(function () {
  "use strict";
  function follow(panel) {
    if (panel.dataset.runFinal === "1") return;
    var url = panel.dataset.runStatusUrl;
    var bar = panel.querySelector("[data-run-progress]");
    var status = panel.querySelector("[data-run-status]");
    var progress = panel.querySelector("[role=progressbar]");
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (data) {
          var percent = Math.round(data.progress * 100);
          if (bar) bar.style.width = percent + "%";
          if (progress) progress.setAttribute("aria-valuenow", String(percent));
          if (status) {
            status.textContent = data.status_label;
            status.className = "run-status run-" + data.status;
          }
          if (data.is_final) { window.location.reload(); return; }
          window.setTimeout(tick, 1500);
        })
        .catch(function () { window.setTimeout(tick, 5000); });
    }
    window.setTimeout(tick, 1000);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-run-status-url]").forEach(follow);
  });
})();
