// The status page of an upload being read: ask the small JSON endpoint every second and go on to the review
// when reading has finished. Without JavaScript the page reloads itself (meta refresh) instead.
(function () {
  "use strict";
  var box = document.getElementById("task-status");
  if (!box) { return; }
  var label = document.getElementById("task-state");
  function ask() {
    fetch(box.getAttribute("data-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        label.textContent = status.label;
        label.className = "state " + status.state;
        if (status.finished) { window.location.assign(status.url); } else { window.setTimeout(ask, 1000); }
      })
      .catch(function () { window.setTimeout(ask, 3000); });
  }
  window.setTimeout(ask, 500);
}());
