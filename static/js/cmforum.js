/* cmforum: small improvements; every page works without this file. */
(function () {
  "use strict";

  // Open every <details> around an element, so a permalink into a folded sub-thread
  // or a folded group of tweets shows its target.
  function openAround(el) {
    for (var p = el && el.parentElement; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") p.open = true;
    }
  }

  function targetOf(hash) {
    if (!hash || hash.length < 2) return null;
    try {
      return document.getElementById(decodeURIComponent(hash.slice(1)));
    } catch (e) {
      return null;
    }
  }

  function revealHash() {
    var target = targetOf(location.hash);
    if (target) {
      openAround(target);
      target.scrollIntoView();
    }
  }

  function setAll(open) {
    document.querySelectorAll("details.replies, .mention-group > details").forEach(function (d) {
      d.open = open;
    });
  }

  function addThreadButtons() {
    var tools = document.querySelector(".thread-tools");
    if (!tools || !document.querySelector("details.replies, .mention-group > details")) return;
    var box = document.createElement("span");
    box.className = "js-only";
    [[tools.dataset.collapse, false], [tools.dataset.expand, true]].forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = pair[0];
      button.addEventListener("click", function () { setAll(pair[1]); });
      box.appendChild(button);
      box.appendChild(document.createTextNode(" "));
    });
    tools.appendChild(box);
  }

  function init() {
    revealHash();
    window.addEventListener("hashchange", revealHash);
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest('a[href^="#"]');
      if (link) openAround(targetOf(link.hash));
    });
    addThreadButtons();
    if (window.matchMedia && window.matchMedia("(min-width: 60rem)").matches) {
      document.querySelectorAll(".filter-panel").forEach(function (d) { d.open = true; });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
