// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  var toggle = document.querySelector(".nav-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var nav = document.getElementById("mainnav");
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  // Confirmation before destructive actions: <form data-confirm="…">
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
  // A confirmation step rendered by the server (<dialog open data-modal>): shown as a modal.
  document.querySelectorAll("dialog[data-modal][open]").forEach(function (d) {
    if (typeof d.showModal === "function") {
      d.close();
      d.showModal();
    }
  });
  // Long actions show that they are working: once a POST form is really sent (its confirmation
  // accepted), its submit buttons say "Memproses…" and cannot send it a second time.
  var busyText = document.body.getAttribute("data-busy-text") || "…";
  document.querySelectorAll("form").forEach(function (f) {
    if ((f.getAttribute("method") || "").toLowerCase() !== "post") { return; }
    f.addEventListener("submit", function (e) {
      if (e.defaultPrevented) { return; }
      if (f.getAttribute("aria-busy") === "true") { e.preventDefault(); return; }
      f.setAttribute("aria-busy", "true");
      var buttons = f.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]");
      // After the browser has taken the form's data (a disabled button would not be sent).
      window.setTimeout(function () {
        buttons.forEach(function (b) {
          b.setAttribute("data-label", b.tagName === "INPUT" ? b.value : b.textContent);
          if (b.tagName === "INPUT") { b.value = busyText; } else { b.textContent = busyText; }
          b.disabled = true;
          b.classList.add("busy");
        });
      }, 0);
    });
  });
  // Back to a page kept by the browser: its forms work again.
  window.addEventListener("pageshow", function (e) {
    if (!e.persisted) { return; }
    document.querySelectorAll("form[aria-busy=true]").forEach(function (f) {
      f.removeAttribute("aria-busy");
      f.querySelectorAll("[data-label]").forEach(function (b) {
        if (b.tagName === "INPUT") { b.value = b.getAttribute("data-label"); } else { b.textContent = b.getAttribute("data-label"); }
        b.disabled = false;
        b.classList.remove("busy");
      });
    });
  });
});
