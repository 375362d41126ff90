// Shared page behaviour, loaded by base.html on every page. A static file (no inline script) so
// the Content-Security-Policy can forbid inline code. Every page works without it.
(function () {
  "use strict";

  // Tables: each cell learns its column's name (data-label), so that at phone width the stylesheet
  // shows a table with actions or more than three columns as stacked cards instead of a table
  // that scrolls its actions out of sight. 
  var ISO_IN_TEXT = /\b\d{4}-\d{2}(-\d{2})?\b/g;
  function stack(table) {
    if (table.classList.contains("no-stack")) return;
    var headers = Array.prototype.map.call(
      table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
    var hasActions = table.querySelector("tbody a.button, tbody button, tbody form") !== null;
    if (!headers.length || (headers.length < 4 && !hasActions)) return;
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
      Array.prototype.forEach.call(row.children, function (cell, index) {
        if (!cell.hasAttribute("data-label") && headers[index]) cell.setAttribute("data-label", headers[index]);
        if (!cell.textContent.trim() && !cell.querySelector("input, button, img, svg")) cell.classList.add("empty-cell");
      });
    });
    table.classList.add("stacked");
  }
  Array.prototype.forEach.call(document.querySelectorAll("main table"), stack);

  // An ISO day inside running text ("active until 2027-09-27.") is kept on one line: the
  // browser would otherwise break it after a hyphen ("2027-09-/27").
  var main = document.querySelector("main");
  if (main) {
    var walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT, null);
    var found = [];
    while (walker.nextNode()) {
      var node = walker.currentNode;
      if (ISO_IN_TEXT.test(node.nodeValue) && !node.parentNode.closest("time, .date, script, style, textarea, svg, option, select")) found.push(node);
      ISO_IN_TEXT.lastIndex = 0;
    }
    found.forEach(function (node) {
      var fragment = document.createDocumentFragment();
      var text = node.nodeValue, last = 0, match;
      ISO_IN_TEXT.lastIndex = 0;
      while ((match = ISO_IN_TEXT.exec(text)) !== null) {
        fragment.appendChild(document.createTextNode(text.slice(last, match.index)));
        var span = document.createElement("span");
        span.className = "date";
        span.textContent = match[0];
        fragment.appendChild(span);
        last = match.index + match[0].length;
      }
      fragment.appendChild(document.createTextNode(text.slice(last)));
      node.parentNode.replaceChild(fragment, node);
    });
  }

  // A file input taking several files lists the chosen ones, each with a button that takes it
  // out again before the form is sent.
  function listFiles(input) {
    var list = input.parentNode.querySelector("ul.file-list[data-for='" + input.id + "']");
    if (!list) {
      list = document.createElement("ul");
      list.className = "file-list";
      list.setAttribute("data-for", input.id);
      list.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", list);
    }
    list.textContent = "";
    Array.prototype.forEach.call(input.files, function (file, index) {
      var item = document.createElement("li");
      var name = document.createElement("span");
      name.className = "file-name";
      name.textContent = file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KB)";
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button small";
      remove.textContent = "Remove";
      remove.setAttribute("aria-label", "Remove " + file.name + " from the chosen files");
      remove.addEventListener("click", function () {
        var kept = new DataTransfer();
        Array.prototype.forEach.call(input.files, function (other, i) { if (i !== index) kept.items.add(other); });
        input.files = kept.files;
        listFiles(input);
        input.focus();
      });
      item.appendChild(name);
      item.appendChild(remove);
      list.appendChild(item);
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("input[type=file][multiple]"), function (input) {
    input.addEventListener("change", function () { listFiles(input); });
  });

  // A form that came back with errors: bring its error summary into view and focus it, however
  // far down the page the form is, so the person reads what to correct first.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.scrollIntoView({ block: "center" });
    summary.focus({ preventScroll: true });
  }
})();
