// "Try it" on a rater's page: sends the message to the model under its label (the URL holds
// only the panel and the label) and shows the answer as it streams (server-sent events read
// from a POST with fetch: `data: {"delta": …}` pieces, then `event: done` or `event: error`).
(function () {
  "use strict";
  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function line(log, kind, text) {
    var item = document.createElement("li");
    item.className = kind;
    item.textContent = text;
    log.appendChild(item);
    return item;
  }
  function setup(box) {
    var log = box.querySelector("[data-try-log]");
    var input = box.querySelector("[data-try-input]");
    var send = box.querySelector("[data-try-send]");
    var status = box.querySelector("[data-try-status]");
    if (!input || !send) return;
    send.addEventListener("click", function () {
      var text = input.value.trim();
      if (!text) { status.textContent = box.dataset.tryEmpty; return; }
      send.disabled = true;
      status.textContent = box.dataset.tryWaiting;
      line(log, "try-user", text);
      var answer = line(log, "try-assistant", "");
      var body = new URLSearchParams();
      body.set("message", text);
      fetch(box.dataset.tryUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf(), "Accept": "text/event-stream" },
        body: body
      }).then(function (response) {
        if (!response.ok) {
          return response.json().then(
            function (data) { throw new Error(data.error || box.dataset.tryFailed); },
            function () { throw new Error(box.dataset.tryFailed); }
          );
        }
        var reader = response.body.getReader();
        var decoder = new TextDecoder();
        var buffer = "";
        var ended = false;
        function handle(block) {
          var name = "message";
          var data = "";
          block.split("\n").forEach(function (row) {
            if (row.indexOf("event:") === 0) name = row.slice(6).trim();
            else if (row.indexOf("data:") === 0) data += row.slice(5).trim();
          });
          if (!data) return;
          var value = JSON.parse(data);
          if (name === "error") { ended = true; throw new Error(value.error); }
          if (name === "done") { ended = true; return; }
          if (value.delta) answer.textContent += value.delta;
        }
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) {
              if (!ended) throw new Error(box.dataset.tryFailed);
              return;
            }
            buffer += decoder.decode(chunk.value, { stream: true });
            var blocks = buffer.split("\n\n");
            buffer = blocks.pop();
            blocks.forEach(handle);
            return ended ? undefined : pump();
          });
        }
        return pump();
      }).then(function () {
        input.value = "";
        status.textContent = "";
        box.dataset.tryState = "answered";
      }).catch(function (error) {
        answer.classList.add("try-error");
        answer.textContent = error.message;
        status.textContent = error.message;
        box.dataset.tryState = "failed";
      }).finally(function () {
        send.disabled = false;
      });
    });
  }
  document.querySelectorAll("[data-try-url]").forEach(setup);
})();
