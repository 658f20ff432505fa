/* Times in the reader's own time zone: every <time datetime> gets the full local date and
   time as its title, and its "3 min ago" text is kept current. The server words the text
   the same way (bbs.templating.relative_datetime), so pages read alike without scripts. */
(function () {
  "use strict";

  var UNITS = [[3600, 60, "min"], [86400, 3600, "hour"], [30 * 86400, 86400, "day"]];
  // Only English is worded here; in other languages the server's words stay.
  var english = (document.documentElement.lang || "en").slice(0, 2) === "en";
  var full = new Intl.DateTimeFormat(undefined, {dateStyle: "full", timeStyle: "long"});

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function relative(when, now) {
    var seconds = (now - when) / 1000;
    if (seconds < 60) {
      return "just now";
    }
    for (var i = 0; i < UNITS.length; i++) {
      if (seconds < UNITS[i][0]) {
        var count = Math.floor(seconds / UNITS[i][1]);
        var name = UNITS[i][2];
        return count + " " + name + (count !== 1 && name !== "min" ? "s" : "") + " ago";
      }
    }
    return when.getFullYear() + "-" + pad(when.getMonth() + 1) + "-" + pad(when.getDate());
  }

  function update(times, setTitles) {
    var now = Date.now();
    times.forEach(function (element) {
      var when = new Date(element.getAttribute("datetime"));
      if (isNaN(when.getTime())) {
        return;
      }
      if (setTitles) {
        element.title = full.format(when);
      }
      if (english) {
        element.textContent = relative(when, now);
      }
    });
  }

  var times = Array.prototype.slice.call(document.querySelectorAll("time[datetime][title]"));
  if (times.length) {
    update(times, true);
    window.setInterval(function () { update(times, false); }, 30000);
  }
})();
