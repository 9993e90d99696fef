// Unit pickers (units/pickers.py): search the user's units as they type, pick with the mouse or the keyboard.
// No inline script (CSP); every picker on the page shares these listeners, loaded once even if the widget's
// <script> tag appears several times. Without this file the form still works (typed text resolved on submit).
(function () {
  if (window.portalUnitPicker) { return; }
  window.portalUnitPicker = true;

  var timers = new WeakMap();
  var counter = 0;

  function pickerOf(el) { return el.closest ? el.closest("[data-unit-picker]") : null; }
  function box(picker) { return picker.querySelector("input[role=combobox]"); }
  function list(picker) { return picker.querySelector("[role=listbox]"); }
  function options(picker) { return Array.prototype.slice.call(list(picker).querySelectorAll("[role=option]")); }

  function close(picker) {
    var results = list(picker);
    results.classList.remove("show");
    results.innerHTML = "";
    box(picker).setAttribute("aria-expanded", "false");
    box(picker).removeAttribute("aria-activedescendant");
  }

  function search(picker) {
    var input = box(picker);
    var query = input.value.trim();
    if (!query) { close(picker); return; }
    var url = picker.dataset.url + "&q=" + encodeURIComponent(query);
    fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (input.value.trim() !== query) { return; } // a newer search is on its way
        var results = list(picker);
        results.innerHTML = html;
        options(picker).forEach(function (option) { option.id = input.id + "_option_" + (++counter); });
        results.classList.add("show");
        input.setAttribute("aria-expanded", "true");
      });
  }

  function activate(picker, index) {
    var all = options(picker);
    if (!all.length) { return; }
    index = (index + all.length) % all.length;
    all.forEach(function (option, i) {
      var on = i === index;
      option.classList.toggle("active", on);
      option.setAttribute("aria-selected", on ? "true" : "false");
      if (on) {
        box(picker).setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      }
    });
  }

  function choose(picker, option) {
    var chosen = picker.querySelector(".unit-picker-chosen");
    var name = picker.dataset.name;
    var id = option.dataset.id;
    if (picker.dataset.multiple !== "1") { chosen.innerHTML = ""; }
    if (!chosen.querySelector("input[value='" + id + "']")) {
      var chip = document.createElement("label");
      chip.className = "unit-picker-chip badge rounded-pill text-bg-light border fw-normal text-wrap text-start";
      var tick = document.createElement("input");
      tick.type = "checkbox";
      tick.className = "form-check-input me-1";
      tick.name = name;
      tick.value = id;
      tick.checked = true;
      tick.setAttribute("aria-label", "Bỏ chọn " + option.dataset.label);
      chip.appendChild(tick);
      chip.appendChild(document.createTextNode(" " + option.dataset.label));
      chosen.appendChild(chip);
      chosen.classList.add("mb-1");
    }
    // The typed text would be resolved again on submit; the chip carries the choice now.
    var candidates = picker.querySelector(".unit-picker-candidates");
    if (candidates) { candidates.remove(); }
    var input = box(picker);
    input.value = "";
    close(picker);
    input.focus();
  }

  document.addEventListener("input", function (event) {
    var picker = pickerOf(event.target);
    if (!picker || event.target !== box(picker)) { return; }
    clearTimeout(timers.get(picker));
    timers.set(picker, setTimeout(function () { search(picker); }, 200));
  });

  document.addEventListener("keydown", function (event) {
    var picker = pickerOf(event.target);
    if (!picker || event.target !== box(picker)) { return; }
    var all = options(picker);
    var current = all.findIndex(function (o) { return o.classList.contains("active"); });
    if (event.key === "ArrowDown" && all.length) { event.preventDefault(); activate(picker, current + 1); }
    else if (event.key === "ArrowUp" && all.length) { event.preventDefault(); activate(picker, current - 1); }
    else if (event.key === "Enter" && current >= 0) { event.preventDefault(); choose(picker, all[current]); }
    else if (event.key === "Escape" && list(picker).classList.contains("show")) { event.preventDefault(); close(picker); }
  });

  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest("[data-unit-picker] [role=option]");
    if (option) { event.preventDefault(); choose(pickerOf(option), option); return; }
    document.querySelectorAll("[data-unit-picker] [role=listbox].show").forEach(function (results) {
      if (!pickerOf(results).contains(event.target)) { close(pickerOf(results)); }
    });
  });

  // Unticking a chip removes it (the box stays for keyboard users until they leave it).
  document.addEventListener("change", function (event) {
    var tick = event.target;
    if (!tick.matches || !tick.matches(".unit-picker-chip input[type=checkbox]") || tick.checked) { return; }
    var chip = tick.closest(".unit-picker-chip");
    tick.addEventListener("blur", function () { if (!tick.checked) { chip.remove(); } }, { once: true });
  });
})();
