// The browser's own share sheet, where it has one (Web Share API); the plain links
// beside it work everywhere else.
(function () {
  "use strict";
  if (typeof navigator.share !== "function") return;
  document.querySelectorAll(".share-native").forEach(function (item) {
    var button = item.querySelector("button");
    item.hidden = false;
    button.addEventListener("click", function () {
      // A reader who closes the sheet rejects the promise: nothing to do then.
      navigator
        .share({ title: button.dataset.shareTitle, url: button.dataset.shareUrl })
        .catch(function () {});
    });
  });
})();
