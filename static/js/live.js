// A story covered live keeps itself up to date: every few seconds the page asks
// the story's live address (the same for every reader, so caches answer it) for
// its posts. New posts wait behind a "Show N new updates" button, announced to
// screen readers, so the page never moves under the reader; changed and removed
// posts, the pinned ones and the key events are brought up to date in place.
// When coverage ends the page says so and stops asking. Without this script the
// page is complete as it was served.
(function () {
  "use strict";

  const section = document.querySelector(".live[data-live-url]");
  if (!section || section.dataset.liveState !== "open" || !window.fetch || !window.DOMParser) {
    return;
  }
  const url = section.dataset.liveUrl;
  const every = Math.max(0.05, parseFloat(section.dataset.livePoll) || 15) * 1000;
  // While the tab is hidden the page asks less often, and once more on return.
  const hiddenEvery = Math.max(every * 4, 60000);
  const longestWait = 5 * 60000;
  const stream = document.getElementById("live-stream");
  const announce = document.getElementById("live-announce");
  let lastTag = null;
  let failures = 0;
  let timer = null;
  let stopped = false;
  let waiting = [];

  const bar = document.createElement("div");
  bar.className = "live-new";
  bar.hidden = true;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "live-new__button";
  bar.appendChild(button);
  stream.insertAdjacentElement("beforebegin", bar);

  function updates(count) {
    return count + (count === 1 ? " new update" : " new updates");
  }

  function say(text) {
    if (announce && announce.textContent !== text) {
      announce.textContent = text;
    }
  }

  function schedule(wait) {
    clearTimeout(timer);
    if (!stopped) {
      timer = setTimeout(poll, wait);
    }
  }

  function nextWait() {
    if (failures) {
      return Math.min(every * Math.pow(2, failures), longestWait);
    }
    return document.hidden ? hiddenEvery : every;
  }

  function postsIn(container) {
    return Array.prototype.filter.call(container.children, function (element) {
      return element.classList.contains("live-post");
    });
  }

  // Tells the page's other scripts (embeds.js) of markup they have not seen.
  function added(element) {
    element.dispatchEvent(new CustomEvent("newsroom:content", { bubbles: true }));
  }

  function replace(mine, theirs) {
    const copy = document.importNode(theirs, true);
    mine.replaceWith(copy);
    added(copy);
  }

  // The markup last taken for each part replaced whole: the page's own copy may
  // have been changed since by its scripts (an embed shown).
  const taken = new Map();

  function replaceById(fresh, id) {
    const mine = document.getElementById(id);
    const theirs = fresh.getElementById(id);
    if (mine && theirs && taken.get(id) !== theirs.outerHTML) {
      taken.set(id, theirs.outerHTML);
      replace(mine, theirs);
    }
  }

  function showWaiting() {
    if (!waiting.length) {
      return;
    }
    const first = waiting[0];
    // Newest first, above the posts already shown.
    waiting.slice().reverse().forEach(function (post) {
      stream.insertAdjacentElement("afterbegin", post);
      added(post);
    });
    waiting = [];
    bar.hidden = true;
    const empty = document.getElementById("live-empty");
    if (empty) {
      empty.remove();
    }
    say("");
    first.focus();
  }

  button.addEventListener("click", showWaiting);

  function apply(fresh) {
    const freshSection = fresh.getElementById("live");
    const freshStream = fresh.getElementById("live-stream");
    if (!freshSection || !freshStream) {
      return;
    }
    replaceById(fresh, "live-badge");
    replaceById(fresh, "live-key-events");
    replaceById(fresh, "live-pinned");

    const freshPosts = postsIn(freshStream);
    const freshIds = new Set(freshPosts.map(function (post) { return post.id; }));
    // Removed, or pinned since: gone from the stream.
    postsIn(stream).forEach(function (post) {
      if (!freshIds.has(post.id)) {
        post.remove();
      }
    });
    waiting = waiting.filter(function (post) { return freshIds.has(post.id); });
    const known = new Set(waiting.map(function (post) { return post.id; }));
    const arrived = [];
    freshPosts.forEach(function (post) {
      const mine = document.getElementById(post.id);
      if (mine && mine.closest("#live-stream")) {
        // Changed since: its text is replaced where it stands.
        if (mine.dataset.version !== post.dataset.version) {
          replace(mine, post);
        }
      } else if (!mine && !known.has(post.id)) {
        arrived.push(document.importNode(post, true));
      } else if (known.has(post.id)) {
        waiting = waiting.map(function (kept) {
          return kept.id === post.id ? document.importNode(post, true) : kept;
        });
      }
    });
    waiting = arrived.concat(waiting);
    if (waiting.length) {
      button.textContent = "Show " + updates(waiting.length);
      bar.hidden = false;
      say(updates(waiting.length));
    } else {
      bar.hidden = true;
    }

    if (freshSection.dataset.liveState !== "open") {
      // Coverage has ended: the badge says so, and nothing more will come.
      section.dataset.liveState = freshSection.dataset.liveState;
      stopped = true;
      clearTimeout(timer);
    }
  }

  function poll() {
    timer = null;
    fetch(url, { cache: "no-cache", credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (response.status === 404 || response.status === 410) {
          // No longer public: the page stays as it is.
          stopped = true;
          return null;
        }
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        failures = 0;
        const tag = response.headers.get("ETag");
        if (tag && tag === lastTag) {
          return null;
        }
        lastTag = tag;
        return response.text();
      })
      .then(function (html) {
        if (html) {
          apply(new DOMParser().parseFromString(html, "text/html"));
        }
      })
      .catch(function () {
        failures = Math.min(failures + 1, 8);
      })
      .then(function () {
        schedule(nextWait());
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && timer !== null) {
      schedule(0);
    }
  });

  schedule(every);
})();
