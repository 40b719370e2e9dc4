// The picture's form: an upload shows its progress, with the save buttons disabled
// so nobody sends it twice; and a click on the picture sets its focal point.
// Without scripts the form posts as usual and the focal point is typed in.
(function () {
  "use strict";

  function round(value) {
    return Math.min(1, Math.max(0, Math.round(value * 100) / 100));
  }

  // Focal point

  function focalPicker() {
    const picker = document.querySelector(".focal-picker");
    const inputX = document.getElementById("id_focal_x");
    const inputY = document.getElementById("id_focal_y");
    if (!picker) {
      return;
    }
    const marker = picker.querySelector(".focal-marker");
    const image = picker.querySelector("img");

    function mark(x, y) {
      marker.style.left = x * 100 + "%";
      marker.style.top = y * 100 + "%";
    }

    function current() {
      if (!inputX || !inputY) {
        return [parseFloat(picker.dataset.focalX), parseFloat(picker.dataset.focalY)];
      }
      const x = parseFloat(inputX.value);
      const y = parseFloat(inputY.value);
      return [isNaN(x) ? 0.5 : round(x), isNaN(y) ? 0.5 : round(y)];
    }

    function set(x, y) {
      inputX.value = round(x).toFixed(2);
      inputY.value = round(y).toFixed(2);
      mark(round(x), round(y));
      inputX.dispatchEvent(new Event("change", { bubbles: true }));
    }

    mark.apply(null, current());
    if (!inputX || !inputY || !image) {
      return; // read-only for this user: the point is shown, not moved
    }
    image.addEventListener("click", function (event) {
      const box = image.getBoundingClientRect();
      set((event.clientX - box.left) / box.width, (event.clientY - box.top) / box.height);
    });
    [inputX, inputY].forEach(function (input) {
      input.addEventListener("input", function () {
        mark.apply(null, current());
      });
    });
    const reset = document.createElement("button");
    reset.type = "button";
    reset.className = "button focal-reset";
    reset.textContent = "Reset to centre";
    reset.addEventListener("click", function () {
      set(0.5, 0.5);
    });
    picker.insertAdjacentElement("afterend", reset);
  }

  // Upload progress

  function showResponse(request) {
    // The page the server answered, as a normal post would show it: the next page
    // with its message once saved, or the form with its errors (and the file kept).
    document.open();
    document.write(request.responseText);
    document.close();
    if (request.responseURL && request.responseURL !== window.location.href) {
      window.history.replaceState(null, "", request.responseURL);
    }
  }

  function uploadWithProgress(form) {
    const file = form.querySelector('input[type="file"]');
    const buttons = Array.from(form.querySelectorAll('.submit-row [type="submit"]'));

    function disable(disabled) {
      buttons.forEach(function (button) {
        button.disabled = disabled;
      });
    }

    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) {
        return;
      }
      const chosen = file && file.files && file.files.length > 0;
      if (!chosen || !window.FormData || !window.XMLHttpRequest) {
        // The browser posts the form; disabled once the form's data is taken,
        // so the button pressed is still sent.
        window.setTimeout(function () {
          disable(true);
        }, 0);
        return;
      }
      event.preventDefault();
      const data = new FormData(form);
      if (event.submitter && event.submitter.name) {
        data.append(event.submitter.name, event.submitter.value);
      }
      disable(true);

      const status = document.createElement("div");
      status.className = "upload-progress";
      const bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", "Upload progress");
      const text = document.createElement("span");
      text.setAttribute("role", "status");
      text.textContent = "Uploading " + file.files[0].name + "…";
      status.append(bar, text);
      form.querySelector(".submit-row").insertAdjacentElement("beforebegin", status);

      const request = new XMLHttpRequest();
      request.open("POST", form.action || window.location.href);
      request.upload.addEventListener("progress", function (progress) {
        if (progress.lengthComputable) {
          const percent = Math.round((progress.loaded / progress.total) * 100);
          bar.value = percent;
          text.textContent = "Uploading… " + percent + "%";
        }
      });
      request.upload.addEventListener("load", function () {
        bar.value = 100;
        text.textContent = "Uploaded; checking the picture…";
      });
      request.addEventListener("load", function () {
        showResponse(request);
      });
      request.addEventListener("error", function () {
        status.classList.add("upload-failed");
        bar.remove();
        text.textContent = "The upload did not reach the server. Check the connection and save again.";
        disable(false);
      });
      request.send(data);
    });
  }

  function start() {
    focalPicker();
    const form = document.getElementById("image_form");
    if (form) {
      uploadWithProgress(form);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
