// Embedded posts and videos load nothing from their provider until the reader asks:
// the page shows a link, and this offers a button that swaps it for the provider's
// frame. Without this script the link is all there is.
(function () {
  "use strict";

  function show(figure) {
    const frame = document.createElement("iframe");
    frame.className = "embed-frame";
    frame.src = figure.dataset.embedFrame;
    frame.title = figure.dataset.embedTitle || "Embedded content";
    frame.setAttribute("allow", "fullscreen; picture-in-picture; encrypted-media");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-popups allow-presentation");
    const card = figure.querySelector(".embed-card");
    card.replaceWith(frame);
    frame.focus();
  }

  function offer(root) {
    root.querySelectorAll("figure.embed[data-embed-frame]").forEach(function (figure) {
      const consent = figure.querySelector(".embed-consent");
      const button = figure.querySelector(".embed-show");
      // Offered already, or not offered at all.
      if (!consent || !consent.hidden || !button || !figure.dataset.embedFrame) {
        return;
      }
      consent.hidden = false;
      button.addEventListener("click", function () {
        show(figure);
      });
    });
  }

  offer(document);
  // Posts a live story's page adds as they arrive (static/js/live.js).
  document.addEventListener("newsroom:content", function (event) {
    offer(event.target);
  });
})();
