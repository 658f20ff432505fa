// Opening an unread notification marks it read: following its link posts the row's own
// "Mark as read" form (with its CSRF token) as a beacon, which outlives the page it leaves.
// Without the script the link still leads there, and the button marks it read.
(function () {
  "use strict";
  function markRead(event) {
    if (event.type === "auxclick" && event.button !== 1) return; // a middle click opens a tab
    var link = event.target.closest ? event.target.closest("a.notification-target") : null;
    if (!link) return;
    var form = link.closest(".notification-unread")
      ? link.closest(".notification-unread").querySelector("form.notification-read")
      : null;
    if (!form || !navigator.sendBeacon) return;
    if (navigator.sendBeacon(form.action, new FormData(form))) {
      form.closest(".notification-unread").classList.remove("notification-unread");
    }
  }
  document.addEventListener("click", markRead);
  document.addEventListener("auxclick", markRead);
})();
