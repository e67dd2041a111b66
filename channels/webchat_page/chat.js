/* 12328 村通 web chat. The server issued this browser's identity (an HttpOnly cookie);
 * this script only shows lines and posts what the citizen types. Later lines (agent
 * replies, notices) arrive by Server-Sent Events; when those are unavailable it polls.
 * Every line has an id, so nothing is shown twice and a reload shows the whole history. */
(function () {
  "use strict";
  var log, form, input, sendButton, texts, lastId = 0, shown = {}, pollTimer = null;

  function roleName(role) { return texts["role" + role.charAt(0).toUpperCase() + role.slice(1)] || ""; }

  function say(line) {
    var note = document.createElement("p");
    note.className = "notice-line";
    note.textContent = line;
    log.appendChild(note);
    log.scrollTop = log.scrollHeight;
  }

  function show(line) {
    if (shown[line.id]) { return; }
    shown[line.id] = true;
    lastId = Math.max(lastId, line.id);
    log.querySelectorAll(".choices button").forEach(function (b) { b.disabled = true; });
    var box = document.createElement("div");
    box.className = "msg msg-" + line.role;
    box.setAttribute("data-id", line.id);
    if (line.role !== "citizen") {
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = roleName(line.role) + " · " + line.at;
      box.appendChild(who);
    }
    box.appendChild(document.createTextNode(line.text));
    if (line.buttons && line.buttons.length) {
      var choices = document.createElement("div");
      choices.className = "choices";
      line.buttons.forEach(function (b) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = b.title;
        button.addEventListener("click", function () { send(b.payload, b.title); });
        choices.appendChild(button);
      });
      box.appendChild(choices);
    }
    log.appendChild(box);
    log.scrollTop = log.scrollHeight;
  }

  function showAll(data) { (data.messages || []).forEach(show); }

  function expired() { say(texts.expired); setTimeout(function () { location.reload(); }, 1500); }

  function catchUp() {
    return fetch("/chat/history?after=" + lastId, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (r.status === 401) { expired(); return null; } return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { showAll(data); } })
      .catch(function () { /* offline for a moment */ });
  }

  function startPolling() {
    if (pollTimer === null) { pollTimer = setInterval(catchUp, 3000); }
  }

  function listen() {
    if (!window.EventSource) { startPolling(); return; }
    var source = new EventSource("/chat/events?after=" + lastId);
    var failures = 0;
    source.onopen = function () { failures = 0; };  // the server ends a stream every few minutes; the browser reopens it
    source.onmessage = function (event) { failures = 0; show(JSON.parse(event.data)); };
    source.onerror = function () {
      failures += 1;
      if (failures >= 3) { source.close(); startPolling(); }
    };
  }

  function newId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function send(text, label) {
    if (text.length > 500) { say(texts.tooLong); return; }
    sendButton.disabled = true;
    var body = { text: text, message_id: newId() };
    if (label && label !== text) { body.label = label; }
    fetch("/chat/messages", {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
    }).then(function (r) {
      if (r.status === 401) { expired(); return null; }
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.json();
    }).then(function (data) {
      if (data) { showAll(data); input.value = ""; }
    }).catch(function () { say(texts.offline); })
      .then(function () { sendButton.disabled = false; input.focus(); });
  }

  function largeText(on) {
    document.documentElement.classList.toggle("large", on);
    document.getElementById("large-text").setAttribute("aria-pressed", on ? "true" : "false");
    try { localStorage.setItem("cuntong-large-text", on ? "1" : "0"); } catch (e) { /* private mode */ }
  }

  document.addEventListener("DOMContentLoaded", function () {
    log = document.getElementById("log");
    form = document.getElementById("composer");
    input = document.getElementById("say");
    sendButton = document.getElementById("send");
    var d = document.body.dataset;
    texts = { roleBot: d.roleBot, roleAgent: d.roleAgent, roleNotice: d.roleNotice, offline: d.offline,
              expired: d.expired, tooLong: d.tooLong };
    var stored = null;
    try { stored = localStorage.getItem("cuntong-large-text"); } catch (e) { stored = null; }
    largeText(stored === "1");
    document.getElementById("large-text").addEventListener("click", function () {
      largeText(!document.documentElement.classList.contains("large"));
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (text) { send(text); }
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    catchUp().then(listen);
  });
})();
