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

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }
  function number(n) { return n.toLocaleString(document.documentElement.lang || "id"); }
  function megabytes(bytes) {
    var mb = bytes >= 1024 * 1024;
    return (bytes / (mb ? 1024 * 1024 : 1024)).toLocaleString(document.documentElement.lang || "id",
      { maximumFractionDigits: 1 }) + (mb ? " MB" : " KB");
  }

  // Free texts: "120 dari 2.000 karakter" under the field (data-counter holds the words).
  document.querySelectorAll("[data-counter][maxlength]").forEach(function (el) {
    var max = parseInt(el.getAttribute("maxlength"), 10);
    var counter = document.createElement("small");
    counter.className = "counter muted";
    counter.id = el.id ? el.id + "-counter" : "";
    counter.setAttribute("aria-live", "polite");
    el.insertAdjacentElement("afterend", counter);
    if (counter.id) {
      el.setAttribute("aria-describedby", ((el.getAttribute("aria-describedby") || "") + " " + counter.id).trim());
    }
    function update() {
      var n = el.value.length;
      counter.textContent = fill(el.getAttribute("data-counter"), { count: number(n), max: number(max) });
      counter.classList.toggle("near-limit", n >= max * 0.9);
    }
    el.addEventListener("input", update);
    update();
  });

  // The kecamatan list follows the chosen city: <select data-city="id of the city select">, each
  // option naming its city in data-region. Choosing a kecamatan first sets its city.
  document.querySelectorAll("select[data-city]").forEach(function (sel) {
    var city = document.getElementById(sel.getAttribute("data-city"));
    if (!city) { return; }
    function narrow() {
      var chosen = city.value;
      sel.querySelectorAll("option[data-region]").forEach(function (opt) {
        var other = chosen !== "" && opt.getAttribute("data-region") !== chosen;
        opt.hidden = other;
        opt.disabled = other;
      });
      sel.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
      var current = sel.options[sel.selectedIndex];
      if (current && current.disabled) { sel.value = ""; }
    }
    city.addEventListener("change", narrow);
    sel.addEventListener("change", function () {
      var opt = sel.options[sel.selectedIndex];
      if (opt && opt.getAttribute("data-region") && city.value === "") {
        city.value = opt.getAttribute("data-region");
        narrow();
      }
    });
    narrow();
  });

  // Files over the upload limit are caught before the form is sent: <input type=file
  // data-max-bytes data-too-big="…{name}…{size}…{max}">.
  function sizeWarning(input) {
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    var text = [];
    Array.prototype.forEach.call(input.files || [], function (f) {
      if (f.size > max) {
        text.push(fill(input.getAttribute("data-too-big"), { name: f.name, size: megabytes(f.size), max: megabytes(max) }));
      }
    });
    var box = input.parentNode.querySelector(".size-warning");
    if (text.length) {
      if (!box) {
        box = document.createElement("p");
        box.className = "errorlist size-warning";
        box.setAttribute("role", "alert");
        input.insertAdjacentElement("afterend", box);
      }
      box.textContent = text.join(" ");
    } else if (box) {
      box.remove();
    }
    return text.length === 0;
  }
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    input.addEventListener("change", function () { sizeWarning(input); });
    if (input.form) {
      input.form.addEventListener("submit", function (e) {
        if (!sizeWarning(input)) {
          e.preventDefault();
          e.stopImmediatePropagation();
          input.focus();
        }
      });
    }
  });

  // A refused form: its error summary is read first, and each link puts the cursor in its field.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    summary.querySelectorAll("a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (e) {
        var target = document.getElementById(link.getAttribute("href").slice(1));
        if (!target) { return; }
        e.preventDefault();
        var focusable = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
        target.scrollIntoView({ block: "center" });
        (focusable || target).focus({ preventScroll: true });
        history.replaceState(null, "", link.getAttribute("href"));
      });
    });
  }

  // Confirmation before destructive actions: <form data-confirm="…">. Listened to on the document,
  // so that forms loaded later (htmx) ask too.
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (!(f instanceof HTMLFormElement) || !f.hasAttribute("data-confirm")) { return; }
    if (!window.confirm(f.getAttribute("data-confirm"))) { e.preventDefault(); }
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
  // (On the document, after the confirmation above, so forms loaded later are covered too; a form's
  // own data-working text, e.g. signing, replaces the general one.)
  var busyText = document.body.getAttribute("data-busy-text") || "…";
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (!(f instanceof HTMLFormElement) || (f.getAttribute("method") || "").toLowerCase() !== "post") { return; }
    if (e.defaultPrevented) { return; }
    if (f.getAttribute("aria-busy") === "true") { e.preventDefault(); return; }
    f.setAttribute("aria-busy", "true");
    var text = f.getAttribute("data-working") || busyText;
    var buttons = f.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]");
    // After the browser has taken the form's data (a disabled button would not be sent).
    window.setTimeout(function () {
      buttons.forEach(function (b) {
        b.setAttribute("data-label", b.tagName === "INPUT" ? b.value : b.textContent);
        if (b.tagName === "INPUT") { b.value = text; } else { b.textContent = text; }
        b.disabled = true;
        b.classList.add("busy");
      });
    }, 0);
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
