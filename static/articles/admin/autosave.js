// The story form keeps the writer's work on the server after a few seconds
// without typing: their own copy, never the story (see articles/autosave.py).
(function () {
  "use strict";

  const IDLE_MS = 3000;

  document.addEventListener("DOMContentLoaded", function () {
    const form = document.getElementById("story_form");
    const status = document.getElementById("autosave-status");
    if (!form || !status || !status.dataset.url) {
      return;
    }
    let timer = null;
    let sending = false;
    let again = false;

    function show(text, failed) {
      status.textContent = text;
      status.classList.toggle("autosave-failed", failed);
    }

    function send() {
      if (sending) {
        again = true;
        return;
      }
      sending = true;
      const data = new FormData(form);
      // Pictures go up with the story itself, not every few seconds.
      for (const [name, value] of Array.from(data.entries())) {
        if (value instanceof File) {
          data.delete(name);
        }
      }
      show("Saving…", false);
      fetch(status.dataset.url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.json().then(
            function (answer) {
              show(answer.message, !response.ok || Boolean(answer.conflict));
            },
            function () {
              // A sign-in page or a proxy's error, not the autosave's answer.
              show("Not saved automatically: are you still signed in? Your work is still on this page.", true);
            }
          );
        })
        .catch(function () {
          show("Not saved automatically: the server did not answer. Your work is still on this page.", true);
        })
        .finally(function () {
          sending = false;
          if (again) {
            again = false;
            later();
          }
        });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(send, IDLE_MS);
    }

    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("submit", function () {
      window.clearTimeout(timer);
    });
  });
})();
