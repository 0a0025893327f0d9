// The waiting room: take a place in line once, show the position, and go on to
// the booking form when admitted. The place survives a reload (sessionStorage),
// so refreshing never sends anyone to the back of the line.
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("wr-data").textContent);
  const pos = document.getElementById("wr-position");
  const note = document.getElementById("wr-note");
  const KEY = "satuatap-waiting-token";

  async function call(method, path) {
    try {
      const r = await fetch(path, { method, headers: { "x-csrf-token": D.csrf }, credentials: "same-origin" });
      return r.ok ? await r.json() : null;
    } catch (_) {
      return null;
    }
  }

  function show(p) {
    if (p.admitted) {
      pos.textContent = D["bk-waiting-turn"];
      sessionStorage.removeItem(KEY);
      location.replace(D.next);
      return;
    }
    pos.textContent = p.ahead === 0 ? D["bk-waiting-first"] : D["bk-waiting-ahead"].replace("{n}", p.ahead);
    setTimeout(poll, Math.max(1, p.retry_after || 2) * 1000);
  }

  async function poll() {
    const token = sessionStorage.getItem(KEY);
    let p = token ? await call("GET", "/api/v1/waiting-room/" + encodeURIComponent(token)) : null;
    if (!p) p = await call("POST", "/api/v1/waiting-room");
    if (!p) {
      note.textContent = D["bk-waiting-error"];
      setTimeout(poll, 5000);
      return;
    }
    sessionStorage.setItem(KEY, p.token);
    show(p);
  }
  poll();
})();
