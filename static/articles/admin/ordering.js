// Bylines and sources cited are put in order by dragging their rows, or with
// their "Move up" and "Move down" buttons; when the form is sent, each row's
// order field is written from its place. Without scripts the numbers stay.
(function () {
  "use strict";

  const GROUPS = ["bylines", "citations"];

  function rowsOf(tbody) {
    return Array.from(tbody.querySelectorAll(":scope > tr.form-row:not(.empty-form)"));
  }

  function orderInput(row) {
    return row.querySelector("td.field-order input");
  }

  function isExisting(row) {
    const id = row.querySelector("td.original input[name$='-id']");
    return Boolean(id && id.value);
  }

  // A row the form will save: one already there, or a new one with something in it.
  function isFilled(row) {
    if (isExisting(row)) {
      return true;
    }
    return Array.from(row.querySelectorAll("td:not(.field-order) input, td select, td textarea")).some(
      function (field) {
        return !/-DELETE$/.test(field.name) && field.type !== "hidden" && field.value.trim() !== "";
      }
    );
  }

  function isDeleted(row) {
    const box = row.querySelector("input[name$='-DELETE']");
    return Boolean(box && box.checked);
  }

  // The person or source a row names, or its place: "Ada Reporter", "row 3".
  function rowName(row) {
    const chosen = row.querySelector("td select option:checked");
    const name = chosen && chosen.value ? chosen.textContent.trim() : "";
    return name || "row " + (rowsOf(row.parentNode).indexOf(row) + 1);
  }

  function capitalized(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function setUp(group) {
    const tbody = group.querySelector("table tbody");
    if (!tbody || !group.querySelector("td.field-order input")) {
      return; // read only
    }
    const title = (group.querySelector("h2") || {}).textContent || "";
    const status = document.createElement("p");
    status.className = "order-status";
    status.setAttribute("role", "status");
    group.appendChild(status);
    let moved = false;
    let dragged = null;

    function say(text) {
      status.textContent = text;
    }

    function place(row, before) {
      const errors = row.previousElementSibling;
      const target = before || tbody.querySelector(":scope > tr.empty-form, :scope > tr.add-row");
      tbody.insertBefore(row, target);
      if (errors && errors.classList.contains("row-form-errors")) {
        tbody.insertBefore(errors, row);
      }
      moved = true;
    }

    // A move is a change to the form: leaving the page without saving asks first.
    function changed(row) {
      orderInput(row).dispatchEvent(new Event("change", { bubbles: true }));
    }

    function move(row, step, button) {
      const rows = rowsOf(tbody);
      const from = rows.indexOf(row);
      const to = from + step;
      if (to < 0 || to >= rows.length) {
        say(capitalized(rowName(row)) + " is already " + (step < 0 ? "first." : "last."));
        return;
      }
      place(row, step < 0 ? rows[to] : rows[to].nextElementSibling);
      button.focus(); // moving the row took the focus away
      changed(row);
      say(capitalized(rowName(row)) + " moved to place " + (to + 1) + " of " + rows.length + ".");
    }

    function button(text, label, step) {
      const element = document.createElement("button");
      element.type = "button";
      element.className = "order-move";
      element.textContent = text;
      element.title = label;
      element.dataset.step = String(step);
      return element;
    }

    function enhance(row) {
      const input = orderInput(row);
      if (!input || row.dataset.ordered) {
        return;
      }
      row.dataset.ordered = "true";
      input.type = "hidden";
      const handle = document.createElement("span");
      handle.className = "order-handle";
      handle.draggable = true;
      handle.title = "Drag to move";
      handle.setAttribute("aria-hidden", "true");
      handle.textContent = "⠿";
      const cell = input.closest("td");
      cell.append(handle, button("↑", "Move up", -1), button("↓", "Move down", 1));
      labelButtons();
    }

    // "Move Ada Reporter up": the buttons name the row they move.
    function labelButtons() {
      rowsOf(tbody).forEach(function (row) {
        row.querySelectorAll(".order-move").forEach(function (element) {
          const where = element.dataset.step === "-1" ? "up" : "down";
          element.setAttribute("aria-label", "Move " + rowName(row) + " " + where + " in " + title.trim());
        });
      });
    }

    group.classList.add("js-ordered");
    // Shown in their order: a form sent back with an error comes in the order of
    // its rows' numbers, not of its rows. Rows with nothing in them stay last.
    rowsOf(tbody)
      .map(function (row, index) {
        const value = parseInt(orderInput(row) ? orderInput(row).value : "", 10);
        const key = isFilled(row) && !Number.isNaN(value) ? value : Infinity;
        return { row: row, key: key, index: index };
      })
      .sort(function (a, b) {
        return a.key - b.key || a.index - b.index;
      })
      .forEach(function (item) {
        place(item.row, null);
      });
    moved = false;
    rowsOf(tbody).forEach(enhance);
    group.addEventListener("change", labelButtons);
    group.addEventListener("focusin", labelButtons);
    if (window.django && window.django.jQuery) {
      // The pickers tell of a new choice through jQuery only.
      window.django.jQuery(group).on("change", labelButtons);
    }
    document.addEventListener("formset:added", function (event) {
      if (event.detail && event.detail.formsetName === group.id.replace(/-group$/, "")) {
        enhance(event.target);
      }
    });

    group.addEventListener("click", function (event) {
      const element = event.target.closest(".order-move");
      if (element) {
        move(element.closest("tr"), parseInt(element.dataset.step, 10), element);
      }
    });

    // Removing a new row renumbers the rows in the order they stand; they are
    // put back in the order the server numbered them for that, then as they were.
    group.addEventListener(
      "click",
      function (event) {
        if (!event.target.closest(".inline-deletelink")) {
          return;
        }
        const shown = rowsOf(tbody);
        const number = function (row) {
          return parseInt(row.id.split("-").pop(), 10);
        };
        shown.slice().sort(function (a, b) {
          return number(a) - number(b);
        }).forEach(function (row) {
          place(row, null);
        });
        window.setTimeout(function () {
          shown.forEach(function (row) {
            if (row.isConnected) {
              place(row, null);
            }
          });
        }, 0);
      },
      true
    );

    // Dragging, by the handle; the row is what is shown moving.
    tbody.addEventListener("dragstart", function (event) {
      const handle = event.target.closest && event.target.closest(".order-handle");
      if (!handle) {
        return;
      }
      dragged = handle.closest("tr");
      dragged.classList.add("order-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", rowName(dragged));
      event.dataTransfer.setDragImage(dragged, 20, 20);
    });

    function clearMarks() {
      tbody.querySelectorAll(".order-drop-before, .order-drop-after").forEach(function (row) {
        row.classList.remove("order-drop-before", "order-drop-after");
      });
    }

    function dropPlace(event) {
      const row = event.target.closest && event.target.closest("tr.form-row");
      if (!dragged || !row || row === dragged || rowsOf(tbody).indexOf(row) < 0) {
        return null;
      }
      const box = row.getBoundingClientRect();
      return { row: row, after: event.clientY > box.top + box.height / 2 };
    }

    tbody.addEventListener("dragover", function (event) {
      const target = dropPlace(event);
      clearMarks();
      if (target) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        target.row.classList.add(target.after ? "order-drop-after" : "order-drop-before");
      }
    });

    tbody.addEventListener("drop", function (event) {
      const target = dropPlace(event);
      clearMarks();
      if (!target) {
        return;
      }
      event.preventDefault();
      place(dragged, target.after ? target.row.nextElementSibling : target.row);
      changed(dragged);
      const rows = rowsOf(tbody);
      say(capitalized(rowName(dragged)) + " moved to place " + (rows.indexOf(dragged) + 1) + " of " + rows.length + ".");
    });

    tbody.addEventListener("dragend", function () {
      clearMarks();
      if (dragged) {
        dragged.classList.remove("order-dragging");
        dragged = null;
      }
    });

    // The order as the rows stand. Numbers already in that order are left as
    // they are, so a save that moves nothing changes nothing.
    group.closest("form").addEventListener("submit", function () {
      const rows = rowsOf(tbody).filter(function (row) {
        return isFilled(row) && !isDeleted(row);
      });
      const values = rows.map(function (row) {
        return parseInt(orderInput(row).value, 10);
      });
      const inOrder = values.every(function (value, index) {
        return !Number.isNaN(value) && (index === 0 || value > values[index - 1]);
      });
      if (inOrder || (!moved && rows.every(isExisting))) {
        return;
      }
      rows.forEach(function (row, index) {
        orderInput(row).value = String(index);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    GROUPS.forEach(function (prefix) {
      const group = document.getElementById(prefix + "-group");
      if (group) {
        setUp(group);
      }
    });
  });
})();
