// Small enhancements; every page works without them.
(function () {
  "use strict";

  // The page Jira loads first goes on to the synchronization list.
  function continueOn() {
    var link = document.querySelector("a[data-continue]");
    if (link) {
      window.location.replace(link.href);
    }
  }

  // Default values: show either the value for all issue types or the values per issue type.
  function allTypesToggle() {
    var form = document.querySelector("form[data-all-types]");
    if (!form) {
      return;
    }
    var box = form.querySelector("#f-all-types");
    var all = form.querySelector("[data-when-all-types]");
    var perType = form.querySelector("[data-when-per-type]");
    function update() {
      all.hidden = !box.checked;
      perType.hidden = box.checked;
    }
    box.addEventListener("change", update);
    update();
  }

  // Monitor: while events or runs are in flight, refresh their section in place.
  function refreshLive() {
    var live = document.getElementById("live");
    if (!live || !live.dataset.refresh) {
      return;
    }
    window.setTimeout(function () {
      fetch(live.dataset.refresh, { credentials: "omit", referrerPolicy: "no-referrer" })
        .then(function (response) {
          return response.ok ? response.text() : Promise.reject(response.status);
        })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("live");
          if (fresh && !live.contains(document.activeElement)) {
            live.replaceWith(fresh);
          }
          refreshLive();
        })
        .catch(function () { /* the session ended: the page stays as it is */ });
    }, 2000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    continueOn();
    allTypesToggle();
    refreshLive();
  });
})();
