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
      var typing = Array.prototype.some.call(el.querySelectorAll("input:not([type=hidden]), textarea"), function (f) {
        return f === document.activeElement || f.value !== "";
      });
      if (typing) { return; }  // an agent is writing in this panel: refresh after they are done
      var atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - 24;
      var open = Array.prototype.map.call(el.querySelectorAll("details[open][id]"), function (d) { return d.id; });
      el.innerHTML = html;
      el._lastHtml = html;
      open.forEach(function (id) {  // a run sheet the agent had opened stays open
        var again = document.getElementById(id);
        if (again && el.contains(again)) { again.open = true; }
      });
      if (el.hasAttribute("data-stick-bottom") && atBottom) { el.scrollTop = el.scrollHeight; }
      watch(el);
      if (el.id === "transcript") { markRead(); }
      var counter = el.querySelector("[data-waiting-count]");
      if (counter) {
        var count = counter.getAttribute("data-waiting-count");
        document.title = document.title.replace(/^\(\d+\) /, "");
        if (count !== "0") { document.title = "(" + count + ") " + document.title; }
      }
    }).catch(function () { /* offline for a moment: the next tick tries again */ });
  }

  /* sound and desktop notification when a new conversation waits or a citizen writes */
  var seen = { waiting: null, latest: null };

  function beep() {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) { return; }
      var audio = new Ctx(), tone = audio.createOscillator(), gain = audio.createGain();
      tone.frequency.value = 880; gain.gain.value = 0.08;
      tone.connect(gain); gain.connect(audio.destination);
      tone.start(); tone.stop(audio.currentTime + 0.25);
    } catch (e) { /* no sound: the title and the notification still tell */ }
  }

  function notify(title, body) {
    beep();
    if (window.Notification && Notification.permission === "granted") {
      try { new Notification(title, { body: body, tag: "cuntong-" + title }); } catch (e) { /* not allowed here */ }
    }
  }

  function watch(el) {
    var counter = el.querySelector("[data-waiting-count]");
    if (counter) {
      var waiting = parseInt(counter.getAttribute("data-waiting-count"), 10) || 0;
      if (seen.waiting !== null && waiting > seen.waiting) {
        notify(counter.getAttribute("data-note-title"), counter.getAttribute("data-note-body"));
      }
      seen.waiting = waiting;
    }
    var latest = el.querySelector("[data-latest-user]");
    if (latest) {
      var at = latest.getAttribute("data-latest-user");
      if (seen.latest !== null && at > seen.latest) {
        notify(latest.getAttribute("data-note-title"), latest.getAttribute("data-note-body"));
      }
      seen.latest = at;
    }
    el.querySelectorAll("[data-unread-at]").forEach(function (item) {
      var key = "cuntong-seen-" + item.getAttribute("data-handoff");
      var read = null;
      try { read = localStorage.getItem(key); } catch (e) { read = null; }
      item.classList.toggle("unread", !read || read < item.getAttribute("data-unread-at"));
    });
  }

  function markRead() {
    var open = document.querySelector("[data-open-handoff]");
    if (!open) { return; }
    try {
      localStorage.setItem("cuntong-seen-" + open.getAttribute("data-open-handoff"), open.getAttribute("data-read-at"));
    } catch (e) { /* private mode */ }
  }

  /* canned replies: search the knowledge base as the agent types, insert, edit, send */
  function cannedSearch(input) {
    var target = document.getElementById(input.getAttribute("data-kb-target"));
    var hits = document.getElementById("kb-hits");
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var url = input.getAttribute("data-kb-search") + "?q=" + encodeURIComponent(input.value.trim());
        fetch(url, { headers: { "X-Console-Poll": "1" }, credentials: "same-origin", cache: "no-store" })
          .then(function (r) { return r.ok ? r.text() : ""; })
          .then(function (html) { hits.innerHTML = html; })
          .catch(function () { /* try again on the next key */ });
      }, 250);
    });
    hits.addEventListener("click", function (event) {
      var button = event.target.closest("[data-kb-insert]");
      if (!button || !target) { return; }
      var text = button.getAttribute("data-kb-insert");
      target.value = target.value.trim() ? target.value.trim() + "\n" + text : text;
      target.focus();
      target.setSelectionRange(target.value.length, target.value.length);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var lists = document.getElementById("queue-lists");
    if (lists) {
      markRead();
      watch(lists);
      if (window.Notification && Notification.permission === "default") {
        try { Notification.requestPermission(); } catch (e) { /* old browsers: callback form only */ }
      }
    }
    document.querySelectorAll("[data-kb-search]").forEach(cannedSearch);
    document.querySelectorAll("textarea[data-send-shortcut]").forEach(function (area) {
      area.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          area.form.requestSubmit();
        }
      });
    });
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) {
          event.preventDefault();
          event.stopImmediatePropagation();
        }
      });
    });
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
