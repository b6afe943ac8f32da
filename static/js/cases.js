/* Case pages: small enhancements on top of forms that work without JavaScript.
   - 大类 → 小类: the second select shows only the chosen 大类's 小类 (options carry data-major);
   - "use my location": fills latitude / longitude from navigator.geolocation;
   - a preview strip for chosen photos;
   - the dispatch form shows only the fields of the chosen target;
   - a "copy link" button for the follow-up link;
   - a link to a folded action (/cases/7/#action-resolve, from the inbox) opens that action's form.
   User-facing texts come from data-* attributes rendered (and translated) by the templates. */
(function () {
  "use strict";

  function fire(el) {
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }

  /* --- 大类 / 小类 ------------------------------------------------------------------------- */
  function setupCategories(form) {
    var major = form.querySelector('select[name="major"]');
    var sub = form.querySelector('select[name="category"]');
    if (!major || !sub) return;
    var placeholder = sub.querySelector('option[value=""]');
    var all = Array.prototype.map.call(sub.querySelectorAll("option[data-major]"), function (o) {
      var group = o.parentNode.tagName === "OPTGROUP" ? o.parentNode.label : "";
      return { value: o.value, text: o.textContent, major: o.getAttribute("data-major"), group: group };
    });

    function rebuild() {
      var chosen = major.value;
      var keep = sub.value;
      while (sub.firstChild) sub.removeChild(sub.firstChild);
      if (placeholder) sub.appendChild(placeholder);
      var groups = {};
      all.forEach(function (item) {
        if (chosen && item.major !== chosen) return;
        var opt = document.createElement("option");
        opt.value = item.value;
        opt.textContent = item.text;
        opt.setAttribute("data-major", item.major);
        if (item.value === keep) opt.selected = true;
        if (chosen) {
          sub.appendChild(opt);
        } else {
          if (!groups[item.group]) {
            groups[item.group] = document.createElement("optgroup");
            groups[item.group].label = item.group;
            sub.appendChild(groups[item.group]);
          }
          groups[item.group].appendChild(opt);
        }
      });
      if (sub.value !== keep) fire(sub);
    }

    major.addEventListener("change", rebuild);
    sub.addEventListener("change", function () {
      var opt = sub.options[sub.selectedIndex];
      var m = opt && opt.getAttribute("data-major");
      if (m && !major.value) {
        major.value = m;
        rebuild();
      }
    });
    if (major.value) rebuild();
  }

  /* --- use my location ---------------------------------------------------------------------- */
  function setupLocate(form) {
    var btn = form.querySelector("[data-locate]");
    var lat = form.querySelector('input[name="lat"]');
    var lng = form.querySelector('input[name="lng"]');
    var status = form.querySelector("[data-locate-status]");
    if (!btn || !lat || !lng || !("geolocation" in navigator)) return;
    btn.hidden = false;
    btn.addEventListener("click", function () {
      btn.disabled = true;
      if (status) status.textContent = btn.getAttribute("data-msg-locating");
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          lat.value = pos.coords.latitude.toFixed(6);
          lng.value = pos.coords.longitude.toFixed(6);
          fire(lat);
          fire(lng);
          btn.disabled = false;
          if (status) {
            status.textContent = btn.getAttribute("data-msg-done").replace("%s", Math.round(pos.coords.accuracy));
          }
        },
        function (err) {
          btn.disabled = false;
          if (status) {
            status.textContent = btn.getAttribute(err.code === 1 ? "data-msg-denied" : "data-msg-failed");
          }
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }

  /* --- photo previews ------------------------------------------------------------------------- */
  function setupPreviews(root) {
    root.querySelectorAll("[data-preview-for]").forEach(function (strip) {
      var input = document.getElementById(strip.getAttribute("data-preview-for"));
      if (!input || !window.URL || !URL.createObjectURL) return;
      input.addEventListener("change", function () {
        while (strip.firstChild) {
          if (strip.firstChild.src) URL.revokeObjectURL(strip.firstChild.src);
          strip.removeChild(strip.firstChild);
        }
        Array.prototype.forEach.call(input.files || [], function (file) {
          if (!/^image\//.test(file.type)) return;
          var img = document.createElement("img");
          img.src = URL.createObjectURL(file);
          img.alt = file.name;
          img.width = 72;
          img.height = 72;
          strip.appendChild(img);
        });
      });
    });
  }

  /* --- dispatch: show the fields of the chosen target ---------------------------------------- */
  function setupDispatch(form) {
    var radios = form.querySelectorAll('input[type="radio"][name$="-target"]');
    if (!radios.length) return;
    var prefix = radios[0].name.replace(/target$/, "");
    function field(name) {
      var el = form.querySelector('[name="' + prefix + name + '"]');
      return el ? el.closest(".field") : null;
    }
    var parts = { departments: field("departments"), region: field("region") };
    function update() {
      var chosen = form.querySelector('input[type="radio"][name$="-target"]:checked');
      var value = chosen ? chosen.value : "departments";
      Object.keys(parts).forEach(function (key) {
        if (parts[key]) parts[key].hidden = key !== value;
      });
    }
    radios.forEach(function (r) {
      r.addEventListener("change", update);
    });
    update();
  }

  /* --- copy the follow-up link ------------------------------------------------------------------ */
  function setupCopy(root) {
    root.querySelectorAll("[data-copy]").forEach(function (btn) {
      if (!navigator.clipboard) return;
      btn.hidden = false;
      btn.addEventListener("click", function () {
        navigator.clipboard.writeText(btn.getAttribute("data-copy")).then(function () {
          btn.textContent = btn.getAttribute("data-msg-copied");
        });
      });
    });
  }

  /* --- open the folded section the URL's fragment points to ----------------------------------- */
  function openTarget() {
    var id = window.location.hash.slice(1);
    if (!id) return;
    try {
      id = decodeURIComponent(id);
    } catch (e) {
      return;
    }
    var target = document.getElementById(id);
    if (!target) return;
    var opened = false;
    for (var el = target; el; el = el.parentElement) {
      if (el.tagName === "DETAILS" && !el.open) {
        el.open = true;
        opened = true;
      }
    }
    // an opened action takes a line of its own, which can move it: bring it back into view
    if (opened) target.scrollIntoView({ block: "start" });
  }

  function init() {
    document.querySelectorAll("form[data-case-form]").forEach(function (form) {
      setupCategories(form);
      setupLocate(form);
    });
    document.querySelectorAll("form[data-dispatch]").forEach(setupDispatch);
    setupPreviews(document);
    setupCopy(document);
    openTarget();
    window.addEventListener("hashchange", openTarget);
    if (window.matchMedia && window.matchMedia("(min-width: 1000px)").matches) {
      document.querySelectorAll("details.filter-card").forEach(function (d) {
        d.open = true;
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
