// Says back how each KPI figure is read while staff type it (the server reads it with the domain core).
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
