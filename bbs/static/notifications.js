// Keeps the header's notification badge up to date: a WebSocket where the forum is served
// over ASGI (data-live), else server-sent events (data-stream), else polling
// /notifications/count (every 30 seconds unless the page says otherwise); each gives way to
// the next when it is missing or keeps failing.
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

  function startSocket() {
    // The page's own host and scheme (https: wss), whatever the server thought it was.
    var path = new URL(link.dataset.live, location.href).pathname;
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
    var opened = false;
    var socket = new WebSocket(url);
    socket.addEventListener("open", function () { opened = true; });
    socket.addEventListener("message", function (event) {
      var data = JSON.parse(event.data);
      show(data.unread, data.text);
    });
    socket.addEventListener("close", function (event) {
      // The server ends each socket after a while (1000): open the next. One that never
      // opened (a proxy without WebSockets, a logged-out session) gives way to the stream.
      if (opened && event.code === 1000) window.setTimeout(startSocket, 1000);
      else if (opened) window.setTimeout(startSocket, POLL_MS);
      else startStream();
    });
  }

  function startStream() {
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
  }

  if (link.dataset.live && "WebSocket" in window) startSocket();
  else startStream();
})();
