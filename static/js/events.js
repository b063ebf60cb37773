/* The AMA page refreshes its questions while the AMA is live, without a reload.
 * It polls a JSON endpoint with the ETag of what it shows (a 304 costs the server one small
 * query) and swaps in the new list. The page works without this file. */
(function () {
  "use strict";

  var POLL_MS = 5000;

  function isTyping(box) {
    var active = document.activeElement;
    return active && box.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
  }

  function setUpLiveQuestions() {
    var box = document.querySelector("[data-live-questions][data-live-url]");
    if (!box || !window.fetch) {
      return;
    }
    var url = box.getAttribute("data-live-url");
    var version = box.getAttribute("data-version");
    var etag = null;
    var busy = false;

    function poll() {
      if (document.hidden || busy) {
        return;
      }
      busy = true;
      var headers = { Accept: "application/json" };
      if (etag) {
        headers["If-None-Match"] = etag;
      }
      fetch(url, { credentials: "same-origin", headers: headers })
        .then(function (response) {
          if (!response.ok) {
            return null;
          }
          var tag = response.headers.get("ETag");
          return response.json().then(function (data) {
            return { data: data, tag: tag };
          });
        })
        .then(function (result) {
          if (!result || isTyping(box)) {
            return; /* not applied: keep the old ETag, so the next poll brings it again */
          }
          etag = result.tag || etag;
          if (String(result.data.version) === version) {
            return;
          }
          version = String(result.data.version);
          box.innerHTML = result.data.html;
          box.setAttribute("data-version", version);
        })
        .catch(function () {})
        .then(function () {
          busy = false;
        });
    }

    window.setInterval(poll, POLL_MS);
    document.addEventListener("visibilitychange", poll);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpLiveQuestions);
  } else {
    setUpLiveQuestions();
  }
})();
