// The story form's lead image: the chosen picture's thumbnail shows as soon as it
// is picked, not only once the story is saved. The admin's autocomplete (select2)
// reports a pick through jQuery's "change" event, which plain listeners never hear.
(function () {
  "use strict";

  function start() {
    const select = document.getElementById("id_lead_image");
    const preview = document.querySelector(".lead-image-preview[data-thumbnail-url]");
    if (!select || !preview || !window.django || !window.django.jQuery) {
      return;
    }
    let asked = 0;

    function show() {
      const id = select.value;
      const ask = ++asked;
      if (id === preview.dataset.imageId) {
        return;
      }
      if (!id) {
        preview.dataset.imageId = "";
        preview.textContent = "—";
        return;
      }
      preview.setAttribute("aria-busy", "true");
      const url = preview.dataset.thumbnailUrl.replace("__id__", encodeURIComponent(id));
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : Promise.reject(new Error(response.statusText));
        })
        .then(function (picture) {
          if (ask === asked) {
            // Markup escaped by the server (format_html), as the saved form shows it.
            preview.innerHTML = picture.html;
            preview.dataset.imageId = id;
          }
        })
        .catch(function () {
          if (ask === asked) {
            preview.textContent = "The picture’s preview could not be loaded; it is still chosen.";
          }
        })
        .finally(function () {
          preview.removeAttribute("aria-busy");
        });
    }

    window.django.jQuery(select).on("change", show);
    // A form shown again after an error keeps the pick, not the saved picture.
    show();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
