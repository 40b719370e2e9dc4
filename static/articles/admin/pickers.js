// The story form's pickers: the tags picker, and Enter choosing the top-ranked
// match in every picker (tags, people, sources).
(function () {
  "use strict";

  const $ = window.django && window.django.jQuery;
  if (!$ || !$.fn.select2) {
    return;
  }

  // The tags picker: the admin's autocomplete view lists existing tags, best
  // first (TagAdmin ranks them). Each option is a tag's name, so a name with a
  // comma or quotes is sent as it is. Those who may add tags type a new name.
  function tagPicker(select) {
    const create = select.dataset.create === "true";
    $(select).select2({
      theme: "admin-autocomplete",
      width: "resolve",
      tags: create,
      ajax: {
        url: select.dataset.url,
        dataType: "json",
        delay: 250,
        cache: true,
        data: function (params) {
          return {
            term: params.term,
            page: params.page,
            app_label: "articles",
            model_name: "story",
            field_name: "tags",
          };
        },
        processResults: function (answer) {
          return {
            results: answer.results.map(function (tag) {
              return { id: tag.text, text: tag.text };
            }),
            pagination: answer.pagination,
          };
        },
      },
      createTag: function (params) {
        const name = (params.term || "").trim();
        return name ? { id: name, text: name, newTag: true } : null;
      },
      // The typed name goes below the tags there are, so Enter picks the best match.
      insertTag: function (results, tag) {
        results.push(tag);
      },
      templateResult: function (item) {
        return item.newTag ? "Add new tag “" + item.text + "”" : item.text;
      },
      language: {
        noResults: function () {
          return create ? "No tag has that name yet" : "No tag has that name: only an editor can add one";
        },
      },
    });
  }

  // Select2 highlights the current choice when the results arrive, so Enter
  // would keep it rather than take the best match the search found. The top
  // result is highlighted instead (in a list of several choices, the top one
  // not chosen yet). And Enter pressed while the search is still running waits
  // for its results, or it would take the top of those for what was typed before.
  const firstSeen = new WeakMap();
  const enterWaiting = new WeakSet();

  function isSearching(list) {
    return Boolean(list.querySelector(".loading-results"));
  }

  function highlightTop(list) {
    const options = list.querySelectorAll(".select2-results__option[aria-selected]");
    if (!options.length || firstSeen.get(list) === options[0]) {
      return; // no results yet, or more of the same results (scrolling)
    }
    firstSeen.set(list, options[0]);
    let top = options[0];
    if (list.getAttribute("aria-multiselectable") === "true") {
      top = Array.prototype.find.call(options, function (option) {
        return option.getAttribute("aria-selected") === "false";
      });
    }
    if (top && !top.classList.contains("select2-results__option--highlighted")) {
      $(top).trigger("mouseenter"); // how select2 itself moves the highlight
    }
  }

  function resultsChanged(list, field) {
    if (isSearching(list)) {
      return;
    }
    highlightTop(list);
    if (enterWaiting.has(list)) {
      enterWaiting.delete(list);
      // Select2 hears keys through jQuery; this Enter is its own, not the page's.
      $(field).trigger($.Event("keydown", { which: 13, keyCode: 13, key: "Enter" }));
    }
  }

  const watched = new WeakSet();

  function listOf(field) {
    const id = field.getAttribute("aria-controls");
    return id ? document.getElementById(id) : null;
  }

  $(document).on("select2:open", function (event) {
    const select = event.target;
    const list = select.id && document.getElementById("select2-" + select.id + "-results");
    if (!list || watched.has(list)) {
      return;
    }
    watched.add(list);
    new MutationObserver(function () {
      const field = document.querySelector(
        ".select2-search__field[aria-controls=\"" + list.id + "\"]"
      );
      resultsChanged(list, field);
    }).observe(list, { childList: true });
  });

  // Typing on, or closing the picker, takes back an Enter still waiting.
  document.addEventListener(
    "input",
    function (event) {
      const list = event.target.classList && event.target.classList.contains("select2-search__field")
        ? listOf(event.target)
        : null;
      if (list) {
        enterWaiting.delete(list);
      }
    },
    true
  );
  $(document).on("select2:close", function (event) {
    const select = event.target;
    const list = select.id && document.getElementById("select2-" + select.id + "-results");
    if (list) {
      enterWaiting.delete(list);
    }
  });

  document.addEventListener(
    "keydown",
    function (event) {
      const field = event.target;
      if (event.key !== "Enter" || !field.classList || !field.classList.contains("select2-search__field")) {
        return;
      }
      const list = listOf(field);
      if (list && isSearching(list)) {
        event.preventDefault();
        event.stopImmediatePropagation();
        enterWaiting.add(list);
      }
    },
    true
  );

  // Select2 tells of a choice through jQuery only: the form's own listeners
  // (autosave, the prompt before leaving with changes) hear it too this way.
  $(document).on("select2:select select2:unselect select2:clear", function (event) {
    event.target.dispatchEvent(new Event("change", { bubbles: true }));
  });

  $(function () {
    $("select.tag-autocomplete").each(function () {
      tagPicker(this);
    });
  });
})();
