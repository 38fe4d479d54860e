// Follows a run while its page is open: polls its status (a small JSON endpoint that only the
// run's team and the evaluators may read), updates the status, progress and sentence, and stops
// when the run is final (the page then reloads once to show the result).
(function () {
  "use strict";
  function follow(panel) {
    if (panel.dataset.runFinal === "1") return;
    var url = panel.dataset.runStatusUrl;
    var bar = panel.querySelector("[data-run-progress]");
    var status = panel.querySelector("[data-run-status]");
    var progress = panel.querySelector("[role=progressbar]");
    var sentence = panel.querySelector("[data-run-follow]");
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
          if (data.is_final) {
            panel.dataset.runFinal = "1";
            if (sentence) sentence.remove();
            window.location.reload();
            return;
          }
          if (sentence && data.status === "running") sentence.textContent = sentence.dataset.runningText;
          window.setTimeout(tick, 1500);
        })
        .catch(function (code) {
          // 404: the run is not (or no longer) visible to this user; stop asking.
          if (code === 404 || code === 403) return;
          window.setTimeout(tick, 5000);
        });
    }
    window.setTimeout(tick, 1000);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-run-status-url]").forEach(follow);
  });
})();
