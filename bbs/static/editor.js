/* The post editor's Markdown preview, and confirmation before deleting.
   Loaded as a file (the Content-Security-Policy forbids inline scripts). */
(function () {
  "use strict";

  function previewButton(button) {
    var form = button.closest("form");
    var source = form && form.elements[button.dataset.previewField];
    var target = document.getElementById(button.dataset.previewTarget);
    var token = form && form.elements.csrf_token;
    if (!source || !target || !token) {
      return;
    }
    button.hidden = false;

    function show(message) {
      target.textContent = message;
      target.hidden = false;
    }

    button.addEventListener("click", function () {
      if (!target.hidden && button.getAttribute("aria-pressed") === "true") {
        target.hidden = true;
        button.setAttribute("aria-pressed", "false");
        button.textContent = "Preview";
        return;
      }
      var body = new URLSearchParams();
      body.set("body", source.value);
      button.disabled = true;
      fetch(button.dataset.previewUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {"X-CSRF-Token": token.value, "Accept": "application/json"},
        body: body
      }).then(function (response) {
        if (response.status === 413) {
          throw new Error("The text is too long to preview.");
        }
        if (!response.ok) {
          throw new Error("The preview is not available (" + response.status + ").");
        }
        return response.json();
      }).then(function (data) {
        // The server returns HTML it has already sanitised (bbs.markdown).
        target.innerHTML = data.html || "<p><em>Nothing to preview.</em></p>";
        target.hidden = false;
        button.setAttribute("aria-pressed", "true");
        button.textContent = "Hide preview";
      }).catch(function (error) {
        show(error.message);
      }).finally(function () {
        button.disabled = false;
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

  document.querySelectorAll("[data-preview-url]").forEach(previewButton);
  document.querySelectorAll("form[data-confirm]").forEach(confirmBeforeSubmit);
})();
