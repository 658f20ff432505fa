// Opening an unread notification marks it read: following its link posts the row's own
// "Mark as read" form (with its CSRF token) as a beacon, which outlives the page it leaves.
// Without the script the link still leads there, and the button marks it read.
(function () {
  "use strict";
  function markRead(event) {
    if (event.type === "auxclick" && event.button !== 1) return; // a middle click opens a tab
    var link = event.target.closest ? event.target.closest("a.notification-target") : null;
    var row = link ? link.closest(".notification-unread") : null;
    var form = row ? row.querySelector("form.notification-read") : null;
    if (!form || !navigator.sendBeacon) return;
    if (navigator.sendBeacon(form.action, new FormData(form))) {
      // Shown as read from now on (after a middle click this page stays open).
      var mark = row.querySelector(".badge");
      row.classList.remove("notification-unread");
      if (mark) mark.remove();
      form.remove();
    }
  }
  document.addEventListener("click", markRead);
  document.addEventListener("auxclick", markRead);
})();
