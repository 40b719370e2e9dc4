// Names for the widgets the admin builds in the browser: the rich-text body,
// the autocomplete boxes and the cells of inline tables. Without them screen
// readers announce an unnamed text box or combo box.
(function () {
  "use strict";

  function visibleLabel(field) {
    const label = field.id && document.querySelector("label[for=\"" + field.id + "\"]");
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }

  // "Bylines 2: Role": the inline's heading, the row, the column's heading.
  function cellLabel(field) {
    const cell = field.closest("td");
    const group = field.closest("fieldset, .inline-group");
    if (!cell || !group) {
      return "";
    }
    const headings = cell.closest("table").querySelectorAll("thead th");
    const heading = headings[Array.prototype.indexOf.call(cell.parentNode.children, cell)];
    const row = (field.name || "").match(/-(\d+)-/);
    const title = group.querySelector("h2");
    return [
      title ? title.textContent.trim() : "",
      row ? " " + (parseInt(row[1], 10) + 1) : "",
      heading ? ": " + heading.textContent.trim() : "",
    ].join("");
  }

  function nameOf(field) {
    return visibleLabel(field) || cellLabel(field);
  }

  function setName(element, name) {
    if (element && name && element.getAttribute("aria-label") !== name) {
      element.setAttribute("aria-label", name);
    }
  }

  function labelWidgets() {
    // Read-only ones too (a post whose coverage has ended): still a named text box.
    document.querySelectorAll("[contenteditable][role=\"textbox\"]").forEach(function (editor) {
      const row = editor.closest(".form-row");
      const area = row && row.querySelector("textarea");
      setName(editor, area ? nameOf(area) : "");
    });
    document.querySelectorAll("select.admin-autocomplete, select.tag-autocomplete").forEach(function (select) {
      const container = select.nextElementSibling;
      if (!container || !container.classList.contains("select2")) {
        return;
      }
      const name = nameOf(select);
      const box = container.querySelector(".select2-selection");
      if (box) {
        // Points at the (often empty) current choice; the field's name says more.
        box.removeAttribute("aria-labelledby");
        setName(box, name);
      }
      setName(container.querySelector(".select2-selection__rendered"), name);
      setName(container.querySelector(".select2-search__field"), name);
    });
    // The "clear all" button select2 puts inside a multiple choice's list, where
    // only list items belong: moved next to the list, still inside the widget.
    document.querySelectorAll("ul.select2-selection__rendered > .select2-selection__clear").forEach(
      function (clear) {
        clear.parentNode.parentNode.appendChild(clear);
      }
    );
    document.querySelectorAll(".tabular td input:not([type=hidden]), .tabular td select").forEach(
      function (field) {
        if (!visibleLabel(field)) {
          setName(field, cellLabel(field));
        }
      }
    );
  }

  // The body editor greys out a button it cannot use now (undo with nothing to
  // undo) by a class alone: say so to screen readers too.
  function markUnavailable(button) {
    const off = button.classList.contains("disabled") && !button.classList.contains("active");
    if (off) {
      button.setAttribute("aria-disabled", "true");
    } else if (button.hasAttribute("aria-disabled")) {
      button.removeAttribute("aria-disabled");
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    labelWidgets();
    document.querySelectorAll(".prose-menubar__button").forEach(markUnavailable);
    // The editor and the autocomplete boxes appear after this script runs, and
    // "Add another" makes new rows.
    let pending = false;
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        if (change.type === "attributes" && change.target.matches(".prose-menubar__button")) {
          markUnavailable(change.target);
        }
      });
      if (!pending) {
        pending = true;
        window.requestAnimationFrame(function () {
          pending = false;
          labelWidgets();
          document.querySelectorAll(".prose-menubar__button").forEach(markUnavailable);
        });
      }
    }).observe(document.body, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ["class"],
    });
  });
})();
