// Says back how each KPI figure is read while staff type it, and whether a project's grant is cost × rate
// (the server reads both with the domain core: kouka.domain.entry).
(function () {
  "use strict";
  var form = document.getElementById("project-form");
  if (!form || !form.dataset.grantUrl) { return; }
  var cost = form.querySelector("[name=cost]"), grant = form.querySelector("[name=grant]");
  if (!cost || !grant) { return; }
  var output = document.createElement("p");
  output.className = "reading bad";
  output.id = "grant_advice";
  output.setAttribute("aria-live", "polite");
  grant.insertAdjacentElement("afterend", output);
  var timer = null;
  function update() {
    var url = form.dataset.grantUrl + "?cost=" + encodeURIComponent(cost.value) + "&grant=" + encodeURIComponent(grant.value);
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
      output.textContent = (data.advice || []).join("　");
    }).catch(function () { output.textContent = ""; });
  }
  [cost, grant].forEach(function (input) {
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 250); });
  });
  update();
})();
(function () {
  "use strict";
  var form = document.getElementById("kpi-form");
  if (!form || !form.dataset.readingUrl) { return; }
  var unit = form.querySelector("[name=unit]");
  var inputs = form.querySelectorAll("input[name=baseline], input[name^=target_], input[name^=actual_]");
  function attach(input) {
    var output = document.createElement("span");
    output.className = "reading";
    output.id = input.id + "_reading";
    output.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", output);
    var timer = null;
    function update() {
      var text = input.value.trim();
      if (!text) { output.textContent = ""; output.classList.remove("bad"); return; }
      var url = form.dataset.readingUrl + "?text=" + encodeURIComponent(text) + "&unit=" + encodeURIComponent(unit.value);
      var year = /^actual_(\d+)$/.exec(input.name);
      if (year) {  // an actual is also set beside last year's actual and the year's target
        var last = form.querySelector("[name=actual_" + (Number(year[1]) - 1) + "]");
        var target = form.querySelector("[name=target_" + year[1] + "]");
        if (last && last.value.trim()) { url += "&last=" + encodeURIComponent(last.value.trim()); }
        if (target && target.value.trim()) { url += "&target=" + encodeURIComponent(target.value.trim()); }
      }
      fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
        output.textContent = data.reading + (data.advice && data.advice.length ? "　" + data.advice.join("　") : "");
        output.classList.toggle("bad", !data.ok);
      }).catch(function () { output.textContent = ""; });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 250); });
    update();
  }
  Array.prototype.forEach.call(inputs, attach);
})();
