// The story form: a live word count and reading time under the body,
// character counters on the fields that have a length limit, and a prompt
// before leaving with changes not saved.
(function () {
  "use strict";

  const WORDS_PER_MINUTE = 230;
  const COUNTED_FIELDS = ["kicker", "headline", "dek", "seo_title", "seo_description"];

  function countWords(text) {
    const words = text.trim().match(/\S+/g);
    return words ? words.length : 0;
  }

  // What readers will read: editors' notes, library pictures and embeds are not
  // the story's words.
  const NOT_COUNTED = "aside.editors-note, figure.library-image, figure.embed";
  const BLOCKS = "p, li, h2, h3, h4, td, th, blockquote, figcaption, br";

  function readersText(root) {
    const copy = root.cloneNode(true);
    copy.querySelectorAll(NOT_COUNTED).forEach(function (element) {
      element.remove();
    });
    // Blocks end words, as they do on the page.
    copy.querySelectorAll(BLOCKS).forEach(function (element) {
      element.after(" ");
    });
    return copy.textContent;
  }

  function bodyText(row) {
    const editor = row.querySelector(".ProseMirror[contenteditable=\"true\"]");
    if (editor) {
      return readersText(editor);
    }
    const area = row.querySelector("textarea");
    // DOMParser runs no scripts and loads nothing.
    return area ? readersText(new DOMParser().parseFromString(area.value, "text/html").body) : "";
  }

  function addWordCount(row) {
    const output = document.createElement("div");
    output.className = "word-count help";
    output.setAttribute("aria-live", "polite");
    // Outside the observed row, or writing the count would trigger another count.
    row.insertAdjacentElement("afterend", output);
    const update = function () {
      const words = countWords(bodyText(row));
      const minutes = Math.max(1, Math.round(words / WORDS_PER_MINUTE));
      // An empty body has no reading time.
      const text = words === 0
        ? "No words yet"
        : words + (words === 1 ? " word" : " words") + " · about " + minutes + " min read";
      if (output.textContent !== text) {
        output.textContent = text;
      }
    };
    new MutationObserver(update).observe(row, { childList: true, subtree: true, characterData: true });
    row.addEventListener("input", update);
    update();
  }

  function addCharacterCount(field) {
    const limit = parseInt(field.getAttribute("maxlength"), 10);
    const output = document.createElement("div");
    output.className = "char-count help";
    output.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", output);
    const update = function () {
      const used = field.value.length;
      output.textContent = used + " / " + limit + " characters";
      output.classList.toggle("near-limit", used > limit * 0.9);
    };
    field.addEventListener("input", update);
    update();
  }

  // Leaving the form with changes not yet saved asks first (the browser's own
  // prompt): a click on another admin page must not throw away a story.
  function warnBeforeLeaving(form) {
    // Restored autosaved work is not on the story until it is saved.
    let unsaved = Boolean(document.querySelector(".autosave-offer[data-restored]"));
    const changed = function () {
      unsaved = true;
    };
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function () {
      unsaved = false;
    });
    window.addEventListener("beforeunload", function (event) {
      if (unsaved) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const form = document.getElementById("story_form");
    if (form) {
      warnBeforeLeaving(form);
    }
    COUNTED_FIELDS.forEach(function (name) {
      const field = document.getElementById("id_" + name);
      if (field && field.hasAttribute("maxlength")) {
        addCharacterCount(field);
      }
    });
    const body = document.querySelector(".form-row.field-body");
    if (body) {
      addWordCount(body);
    }
  });
})();
