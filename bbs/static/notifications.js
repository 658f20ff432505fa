// Keeps the header's notification badge up to date: server-sent events, or polling
// /notifications/count (every 30 seconds unless the page says otherwise) where
// EventSource is missing or fails.
(function () {
  "use strict";
  var link = document.querySelector(".nav-notifications");
  if (!link) return;
  var badge = link.querySelector(".notification-badge");
  var POLL_MS = (parseFloat(link.dataset.poll) || 30) * 1000;
  var polling = null;

  function show(count, text) {
    badge.dataset.unread = String(count);
    badge.textContent = count > 0 ? text : "";
    badge.hidden = count <= 0;
  }

  function poll() {
    fetch(link.dataset.count, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) show(data.unread, data.text); })
      .catch(function () {});
  }

  function startPolling() {
    if (polling === null) polling = window.setInterval(poll, POLL_MS);
  }

  if (!link.dataset.stream || !("EventSource" in window)) {
    startPolling();
    return;
  }
  var failures = 0;
  var source = new EventSource(link.dataset.stream);
  source.addEventListener("count", function (event) {
    failures = 0;
    var parts = event.data.split(" ");
    show(parseInt(parts[0], 10) || 0, parts[1] || "");
  });
  source.addEventListener("error", function () {
    // A stream that ends on schedule reconnects by itself; one that keeps failing
    // (a proxy that buffers, a logged-out session) gives way to polling.
    failures += 1;
    if (failures >= 3 || source.readyState === EventSource.CLOSED) {
      source.close();
      startPolling();
    }
  });
})();
