/* Times in the reader's own time zone: every <time datetime> gets the full local date and
   time as its title, and its "3 min ago" text is kept current. The words come from the page
   (data-relative-times on <html>, in the page's language), the ones the server used
   (bbs.templating.relative_datetime), so pages read alike without scripts. */
(function () {
  "use strict";

  var root = document.documentElement;
  var words = null;
  try {
    words = JSON.parse(root.dataset.relativeTimes || "null");
  } catch (error) {
    /* no words: the server's stay */
  }
  var plurals = new Intl.PluralRules(root.lang || undefined);
  var full = new Intl.DateTimeFormat(undefined, {dateStyle: "full", timeStyle: "long"});

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function relative(when, now) {
    var seconds = (now - when) / 1000;
    if (seconds < 60) {
      return words.now;
    }
    for (var i = 0; i < words.units.length; i++) {
      var unit = words.units[i];
      if (seconds < unit.below) {
        var count = Math.floor(seconds / unit.length);
        var form = plurals.select(count) === "one" ? unit.one : unit.other;
        return form.split("{num}").join(String(count));
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
      if (words) {
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
