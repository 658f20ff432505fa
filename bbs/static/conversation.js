/* Replies and quotes on the post page, without leaving it. Without scripts the Reply and
   Quote links load the page with ?reply_to= or ?quote=, and the server fills in the form. */
(function () {
  "use strict";

  var composer = document.getElementById("comment-composer");
  var form = document.getElementById("comment-form");
  if (!composer || !form || !form.elements.body) {
    return;
  }
  var textarea = form.elements.body;
  var replyField = form.elements.reply_to;
  var indicator = document.getElementById("replying-to");
  var submit = form.querySelector("button[type=submit]");
  var home = document.createComment("comment composer");
  composer.parentNode.insertBefore(home, composer);
  var selected = null;  // the last text selected inside a post or comment

  function quotableOf(node) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    return element ? element.closest("[data-quotable]") : null;
  }

  document.addEventListener("selectionchange", function () {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) {
      return;  // keep the last one: pressing Quote may clear the selection first
    }
    var range = selection.getRangeAt(0);
    var source = quotableOf(range.commonAncestorContainer);
    var text = selection.toString().trim();
    if (source && text) {
      selected = {source: source, text: text};
    }
  });

  function quote(source, text) {
    var lines = text.replace(/\r\n?/g, "\n").split("\n").map(function (line) {
      return ("> " + line).replace(/\s+$/, "");
    });
    return "> @" + source.dataset.author + " [wrote](" + source.dataset.link + "):\n" +
      lines.join("\n") + "\n\n";
  }

  function insert(text) {
    var before = textarea.value.slice(0, textarea.selectionStart);
    var after = textarea.value.slice(textarea.selectionEnd);
    if (before && !/\n\n$/.test(before)) {
      text = (/\n$/.test(before) ? "\n" : "\n\n") + text;
    }
    textarea.value = before + text + after;
    var caret = before.length + text.length;
    textarea.focus();
    textarea.setSelectionRange(caret, caret);
  }

  function setReplying(link) {
    if (!replyField || !indicator) {
      return;
    }
    var id = link ? link.dataset.reply : "";
    replyField.value = id;
    indicator.hidden = !link;
    if (link) {
      var target = indicator.querySelector(".replying-to-link");
      target.textContent = "@" + link.dataset.author;
      target.setAttribute("href", "#comment-" + id);
      // In place: under the comment answered.
      link.closest(".comment").appendChild(composer);
    } else {
      home.parentNode.insertBefore(composer, home.nextSibling);
    }
    if (submit) {
      // The page's own words for both, in the reader's language.
      submit.textContent = link ? composer.dataset.replyLabel : composer.dataset.commentLabel;
    }
  }

  document.querySelectorAll("a[data-reply]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      setReplying(link);
      textarea.focus();
    });
  });

  var cancel = indicator && indicator.querySelector(".replying-to-cancel");
  if (cancel) {
    cancel.addEventListener("click", function (event) {
      event.preventDefault();
      setReplying(null);
      textarea.focus();
    });
  }

  document.querySelectorAll("a[data-quote]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var item = link.closest(".comment");
      var source = item ? item.querySelector("[data-quotable]")
                        : document.querySelector(".post-body[data-quotable]");
      if (!source) {
        return;  // the server quotes it
      }
      event.preventDefault();
      var text = selected && selected.source === source ? selected.text
                                                         : source.innerText.trim();
      selected = null;
      insert(quote(source, text));
      composer.scrollIntoView({block: "nearest"});
    });
  });
})();
