// Small behaviours without inline script (a strict CSP stays possible).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("select[data-autosubmit]")) { el.form.submit(); }
});
document.addEventListener("submit", function (event) {
  // A double click never files twice: disable the buttons of a form once it is sent.
  var form = event.target;
  if (form.dataset.submitted) { event.preventDefault(); return; }
  form.dataset.submitted = "1";
  form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) { b.setAttribute("aria-disabled", "true"); b.classList.add("disabled"); });
});
