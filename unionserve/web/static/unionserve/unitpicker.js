/* The unit picker (core.forms.UnitPicker): an input of unit codes becomes a combobox that searches units by
 * name, code or pinyin as the user types (WAI-ARIA combobox pattern). The codes stay in the original input,
 * which is hidden, so the form posts exactly what it posted without script. No dependencies. */
(function () {
  "use strict";
  if (window.UnionServeUnitPicker) { window.UnionServeUnitPicker.scan(document); return; }
  var counter = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  function codesOf(input) {
    return input.value.replace(/，/g, ",").split(",").map(function (c) { return c.trim(); })
      .filter(function (c) { return c; });
  }

  function init(input) {
    if (input.dataset.unitPickerReady) return;
    input.dataset.unitPickerReady = "1";
    var multiple = input.dataset.unitPicker !== "single";
    var url = input.dataset.searchUrl;
    var id = "unitpicker-" + (++counter);
    var lang = document.documentElement.lang || "";
    var zh = lang.indexOf("zh") === 0;
    var T = zh ? {remove: "移除", none: "没有找到单位", hint: "输入单位名称、代码或拼音首字母"}
               : {remove: "Remove", none: "No unit found", hint: "Type a unit's name, code or pinyin initials"};

    var wrap = el("div", {"class": "unit-picker position-relative"});
    var chips = el("div", {"class": "d-flex flex-wrap gap-1 mb-1", "aria-live": "polite"});
    var box = el("input", {
      type: "text", "class": "form-control", role: "combobox", "aria-autocomplete": "list",
      "aria-expanded": "false", "aria-controls": id + "-list", autocomplete: "off", id: id + "-input",
      placeholder: T.hint
    });
    var list = el("ul", {"class": "list-group position-absolute w-100 shadow-sm", role: "listbox",
                         id: id + "-list", style: "z-index: 1050; max-height: 16rem; overflow-y: auto"});
    list.hidden = true;
    // The visible box takes the label and descriptions of the original input.
    if (input.id) {
      var label = document.querySelector("label[for='" + input.id + "']");
      if (label) { label.setAttribute("for", box.id); label.id = label.id || id + "-label"; }
    }
    ["aria-describedby", "aria-invalid", "accesskey"].forEach(function (a) {
      if (input.getAttribute(a)) box.setAttribute(a, input.getAttribute(a));
    });
    if (input.classList.contains("is-invalid")) box.classList.add("is-invalid");
    input.type = "hidden";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(chips);
    wrap.appendChild(box);
    wrap.appendChild(list);
    wrap.appendChild(input);

    var names = {};
    var results = [];
    var active = -1;
    var timer = null;

    function renderChips() {
      chips.textContent = "";
      codesOf(input).forEach(function (code) {
        var chip = el("span", {"class": "badge text-bg-light border d-inline-flex align-items-center gap-1",
                               "data-code": code});
        chip.appendChild(el("span", {}, names[code] ? names[code] + " (" + code + ")" : code));
        var x = el("button", {type: "button", "class": "btn-close btn-close-sm", style: "font-size: .6rem",
                              "aria-label": T.remove + " " + (names[code] || code)});
        x.addEventListener("click", function () { remove(code); box.focus(); });
        chip.appendChild(x);
        chips.appendChild(chip);
      });
    }
    function setCodes(codes) {
      input.value = codes.join(",");
      input.dispatchEvent(new Event("change", {bubbles: true}));
      renderChips();
    }
    function remove(code) { setCodes(codesOf(input).filter(function (c) { return c !== code; })); }
    function choose(unit) {
      names[unit.code] = unit.name;
      var codes = multiple ? codesOf(input) : [];
      if (codes.indexOf(unit.code) < 0) codes.push(unit.code);
      setCodes(codes);
      box.value = "";
      close();
    }
    function close() {
      list.hidden = true; active = -1;
      box.setAttribute("aria-expanded", "false"); box.removeAttribute("aria-activedescendant");
    }
    function highlight(i) {
      var items = list.querySelectorAll("[role=option]");
      items.forEach(function (li, n) {
        li.classList.toggle("active", n === i); li.setAttribute("aria-selected", n === i ? "true" : "false");
      });
      active = i;
      if (items[i]) { box.setAttribute("aria-activedescendant", items[i].id); items[i].scrollIntoView({block: "nearest"}); }
    }
    function show(units) {
      results = units; list.textContent = "";
      if (!units.length) {
        list.appendChild(el("li", {"class": "list-group-item small text-muted", role: "option",
                                   "aria-disabled": "true", id: id + "-none"}, T.none));
      }
      units.forEach(function (u, n) {
        var li = el("li", {"class": "list-group-item list-group-item-action small", role: "option",
                           id: id + "-opt-" + n, "aria-selected": "false"});
        li.appendChild(el("span", {"class": "fw-semibold"}, u.name));
        li.appendChild(document.createTextNode(" " + u.code + " · " + u.kind + (u.where ? " · " + u.where : "")));
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(u); });
        list.appendChild(li);
      });
      list.hidden = false; box.setAttribute("aria-expanded", "true"); active = -1;
    }
    function fetchJSON(query, then) {
      fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + query, {headers: {"Accept": "application/json"},
                                                                credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : {results: []}; })
        .then(function (data) { then(data.results || []); })
        .catch(function () { then([]); });
    }
    box.addEventListener("input", function () {
      clearTimeout(timer);
      var q = box.value.trim();
      if (!q) { close(); return; }
      timer = setTimeout(function () { fetchJSON("q=" + encodeURIComponent(q), show); }, 200);
    });
    box.addEventListener("keydown", function (e) {
      var n = results.length;
      if (e.key === "ArrowDown") { e.preventDefault(); if (list.hidden && box.value.trim()) { box.dispatchEvent(new Event("input")); return; } if (n) highlight((active + 1) % n); }
      else if (e.key === "ArrowUp") { e.preventDefault(); if (n) highlight((active - 1 + n) % n); }
      else if (e.key === "Enter") { if (!list.hidden && active >= 0 && results[active]) { e.preventDefault(); choose(results[active]); } else if (!list.hidden) { e.preventDefault(); } }
      else if (e.key === "Escape") { if (!list.hidden) { e.preventDefault(); close(); } }
      else if (e.key === "Backspace" && !box.value) { var codes = codesOf(input); if (codes.length) remove(codes[codes.length - 1]); }
    });
    box.addEventListener("blur", function () { setTimeout(close, 150); });
    // Codes put in by the server (a suggestion, a form coming back with an error): show their names.
    var initial = codesOf(input);
    renderChips();
    if (initial.length) {
      fetchJSON("codes=" + encodeURIComponent(initial.join(",")), function (units) {
        units.forEach(function (u) { names[u.code] = u.name; });
        renderChips();
      });
    }
  }

  function scan(root) {
    (root || document).querySelectorAll("input[data-unit-picker]").forEach(init);
  }
  window.UnionServeUnitPicker = {scan: scan, init: init};
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { scan(document); });
  } else { scan(document); }
  document.addEventListener("htmx:load", function (e) { scan(e.target); });
})();
