// On a post page served over ASGI: announces comments written since the page was opened
// ("2 new comments"), linking to the first of them, from the WebSocket in data-live.
(function () {
  "use strict";
  var section = document.querySelector(".comments[data-live]");
  if (!section || !("WebSocket" in window)) return;
  var notice = section.querySelector(".new-comments");
  var link = notice.querySelector(".new-comments-link");
  var path = new URL(section.dataset.live, location.href).pathname;
  var after = null;

  function open() {
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
    if (after !== null) url += "?after=" + encodeURIComponent(after);
    var opened = false;
    var socket = new WebSocket(url);
    socket.addEventListener("open", function () { opened = true; });
    socket.addEventListener("message", function (event) {
      var data = JSON.parse(event.data);
      if (data.after !== undefined && after === null) after = data.after;
      if (data.new) {
        link.textContent = data.text;
        link.href = data.url;
        notice.hidden = false;
      }
    });
    socket.addEventListener("close", function (event) {
      // Each socket ends after a while (1000): the next one goes on from the same comment.
      if (opened && event.code === 1000) window.setTimeout(open, 1000);
    });
  }

  open();
})();
