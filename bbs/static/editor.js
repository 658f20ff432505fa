/* The post and comment editors: Markdown preview, "Insert image", drafts kept in the browser
   and on the server, and confirmation before deleting.
   Loaded as a file (the Content-Security-Policy forbids inline scripts). Without it, every
   button still works: Preview and Insert image send forms of their own. */
(function () {
  "use strict";

  var SERVER_SAVE_MS = 4000;

  function tokenOf(form) {
    var field = form && form.elements.csrf_token;
    return field ? field.value : "";
  }

  function draftKey(user, target) {
    return "bbs-draft:" + user + ":" + target;
  }

  function readDraft(key) {
    try {
      var saved = JSON.parse(window.localStorage.getItem(key) || "null");
      return saved && typeof saved.body === "string" ? saved : null;
    } catch (error) {
      return null;
    }
  }

  function writeDraft(key, draft) {
    try {
      if (draft) {
        window.localStorage.setItem(key, JSON.stringify(draft));
      } else {
        window.localStorage.removeItem(key);
      }
    } catch (error) {
      /* storage full or disabled: the server copy remains */
    }
  }

  /* The editor's words, in the reader's language: the page puts them on the editor's tools
     (data-messages, a JSON object); {name} in a message stands for what is filled in. */
  function messagesOf(element) {
    var holder = element.closest("[data-messages]");
    var messages = {};
    try {
      messages = JSON.parse(holder ? holder.dataset.messages : "{}") || {};
    } catch (error) {
      /* no words: nothing is said */
    }
    return function (key, values) {
      var text = messages[key] || "";
      Object.keys(values || {}).forEach(function (name) {
        text = text.split("{" + name + "}").join(values[name]);
      });
      return text;
    };
  }

  function clock(date) {
    return date.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
  }

  /* Forms just sent: forget the browser's copies of their drafts. */
  function forgetFinished(marker) {
    var user = marker.dataset.draftUser;
    (marker.dataset.draftsFinished || "").split(" ").forEach(function (target) {
      if (target) {
        writeDraft(draftKey(user, target), null);
      }
    });
  }

  function previewButton(button) {
    var form = button.form;
    var source = form && form.elements[button.dataset.previewField];
    var target = document.getElementById(button.dataset.previewTarget);
    if (!source || !target || !tokenOf(form)) {
      return;
    }
    var message = messagesOf(button);
    var label = button.textContent;

    function show(message) {
      target.textContent = message;
      target.hidden = false;
    }

    button.addEventListener("click", function (event) {
      event.preventDefault();  // without this script, the button sends the form instead
      if (!target.hidden && button.getAttribute("aria-pressed") === "true") {
        target.hidden = true;
        button.setAttribute("aria-pressed", "false");
        button.textContent = label;
        return;
      }
      var body = new URLSearchParams();
      body.set("body", source.value);
      button.disabled = true;
      fetch(button.dataset.previewUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {"X-CSRF-Token": tokenOf(form), "Accept": "application/json"},
        body: body
      }).then(function (response) {
        if (response.status === 413) {
          throw new Error(message("previewTooLong"));
        }
        if (!response.ok) {
          throw new Error(message("previewFailed", {status: response.status}));
        }
        return response.json();
      }).then(function (data) {
        if (data.html) {
          // The server returns HTML it has already sanitised (bbs.markdown).
          target.innerHTML = data.html;
        } else {
          var empty = document.createElement("em");
          empty.textContent = message("nothingToPreview");
          target.replaceChildren(document.createElement("p"));
          target.firstChild.appendChild(empty);
        }
        target.hidden = false;
        button.setAttribute("aria-pressed", "true");
        button.textContent = message("hidePreview");
      }).catch(function (error) {
        show(error.message);
      }).finally(function () {
        button.disabled = false;
      });
    });
  }

  function editorTools(tools) {
    var form = document.getElementById(tools.dataset.editorForm);
    var body = form && form.elements[tools.dataset.editorField || "body"];
    if (!body) {
      return;
    }
    var title = form.elements.title || null;
    var status = tools.querySelector(".draft-status");
    var message = messagesOf(tools);
    var key = draftKey(tools.dataset.draftUser, tools.dataset.draftTarget);
    var dirty = false;
    var submitting = false;

    function say(message) {
      if (status) {
        status.textContent = message;
      }
    }

    function current() {
      return {title: title ? title.value : "", body: body.value, savedAt: Date.now()};
    }

    function serverForm() {
      var data = new FormData();
      var draft = current();
      data.set("target", tools.dataset.draftTarget);
      data.set("title", draft.title);
      data.set("body", draft.body);
      return data;
    }

    function saveOnServer() {
      if (!dirty || submitting) {
        return;
      }
      dirty = false;
      fetch(tools.dataset.draftUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {"X-CSRF-Token": tokenOf(form), "Accept": "application/json"},
        body: serverForm()
      }).then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        say(message("draftSaved", {time: clock(new Date())}));
      }).catch(function () {
        dirty = true;
        say(message("draftLocal"));
      });
    }

    // Restore what this browser kept, unless the page holds something newer: the text just
    // sent (a refused form), or a later draft from another device.
    var kept = readDraft(key);
    var since = Number(tools.dataset.draftSince) || 0;
    var differs = kept && (kept.body !== body.value || (title && kept.title !== title.value));
    if (differs && tools.dataset.draftSource !== "submitted" && kept.savedAt > since) {
      if (kept.body.trim() || (kept.title || "").trim()) {
        body.value = kept.body;
        if (title && typeof kept.title === "string") {
          title.value = kept.title;
        }
        dirty = true;
        say(message("draftRestored"));
      }
    }

    function changed() {
      dirty = true;
      writeDraft(key, current());
    }

    body.addEventListener("input", changed);
    if (title) {
      title.addEventListener("input", changed);
    }
    form.addEventListener("submit", function () {
      // The copy in this browser stays until the next page says the form was accepted.
      submitting = true;
      writeDraft(key, current());
    });
    window.setInterval(saveOnServer, SERVER_SAVE_MS);
    window.addEventListener("pagehide", function () {
      if (dirty && !submitting && navigator.sendBeacon) {
        var data = serverForm();
        data.set("csrf_token", tokenOf(form));
        navigator.sendBeacon(tools.dataset.draftUrl, data);
      }
    });

    var insert = tools.querySelector("[data-image-upload]");
    if (insert) {
      imageUpload(insert, form, body, say, message);
    }
  }

  function imageUpload(link, form, body, say, message) {
    var picker = document.createElement("input");
    picker.type = "file";
    picker.accept = "image/png,image/jpeg,image/gif,image/webp";
    picker.hidden = true;
    link.after(picker);

    link.addEventListener("click", function (event) {
      event.preventDefault();  // without this script, the link opens the upload page
      picker.click();
    });

    picker.addEventListener("change", function () {
      var file = picker.files && picker.files[0];
      if (!file) {
        return;
      }
      var data = new FormData();
      data.set("picture", file);
      data.set("alt", file.name.replace(/\.[^.]*$/, ""));
      say(message("uploading", {name: file.name}));
      fetch(link.dataset.imageUpload, {
        method: "POST",
        credentials: "same-origin",
        headers: {"X-CSRF-Token": tokenOf(form), "Accept": "application/json"},
        body: data
      }).then(function (response) {
        return response.json().catch(function () {
          return {error: message("uploadFailedStatus", {status: response.status})};
        }).then(function (answer) {
          if (!response.ok) {
            throw new Error(answer.error || message("uploadFailed"));
          }
          return answer;
        });
      }).then(function (answer) {
        var start = body.selectionStart;
        var end = body.selectionEnd;
        var before = body.value.slice(0, start);
        var text = (before && !/\s$/.test(before) ? "\n" : "") + answer.markdown + "\n";
        body.setRangeText(text, start, end, "end");
        body.focus();
        body.dispatchEvent(new Event("input", {bubbles: true}));
        say(message("inserted"));
      }).catch(function (error) {
        say(error.message);
      }).finally(function () {
        picker.value = "";
      });
    });
  }

  function confirmBeforeSubmit(form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
  }

  document.querySelectorAll("[data-drafts-finished]").forEach(forgetFinished);
  document.querySelectorAll("[data-preview-url]").forEach(previewButton);
  document.querySelectorAll("[data-editor-form]").forEach(editorTools);
  document.querySelectorAll("form[data-confirm]").forEach(confirmBeforeSubmit);
})();
