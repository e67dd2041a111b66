/* 村通坐席控制台: the live parts of the console, in plain JavaScript (nothing downloaded).
 * Every element with data-poll="URL" is refreshed from that URL (an HTML fragment the
 * server renders and escapes) every data-every seconds while the tab is visible.
 * A 401 answer means the session ended: go to the sign-in page. */
(function () {
  "use strict";

  function toLogin() {
    window.location.href = "/console/login?next=" + encodeURIComponent(location.pathname + location.search);
  }

  function refresh(el) {
    fetch(el.getAttribute("data-poll"), {
      headers: { "X-Console-Poll": "1" }, credentials: "same-origin", cache: "no-store"
    }).then(function (response) {
      if (response.status === 401) { toLogin(); return null; }
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html === null || html === el._lastHtml) { return; }
      var atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - 24;
      el.innerHTML = html;
      el._lastHtml = html;
      if (el.hasAttribute("data-stick-bottom") && atBottom) { el.scrollTop = el.scrollHeight; }
      var counter = el.querySelector("[data-waiting-count]");
      if (counter) {
        var count = counter.getAttribute("data-waiting-count");
        document.title = document.title.replace(/^\(\d+\) /, "");
        if (count !== "0") { document.title = "(" + count + ") " + document.title; }
      }
    }).catch(function () { /* offline for a moment: the next tick tries again */ });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-poll]").forEach(function (el) {
      var every = (parseInt(el.getAttribute("data-every"), 10) || 5) * 1000;
      setInterval(function () { if (!document.hidden) { refresh(el); } }, every);
    });
    document.querySelectorAll("[data-stick-bottom]").forEach(function (el) {
      el.scrollTop = el.scrollHeight;
    });
    document.querySelectorAll("form[method=post]").forEach(function (form) {
      form.addEventListener("submit", function () {
        var button = form.querySelector("button[type=submit]");
        if (button) { setTimeout(function () { button.disabled = true; }, 0); }
      });
    });
  });
})();
