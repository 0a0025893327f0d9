// Shared helpers for the queue screens. No framework, no build step.
"use strict";
(function () {
  const json = (id) => {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : {};
  };
  const S = (window.SATU = {});
  S.data = json("data");
  S.texts = json("texts");
  S.t = (k) => S.texts[k] || k;
  S.esc = (s) => String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  // JSON over HTTP; never throws: { ok, status, body } (status 0 = offline).
  S.api = async function (method, path, body) {
    try {
      const r = await fetch(path, {
        method,
        headers: Object.assign({ "x-csrf-token": csrf() }, body === undefined ? {} : { "content-type": "application/json" }),
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
      });
      let data = null;
      try { data = await r.json(); } catch (_) { data = null; }
      return { ok: r.ok, status: r.status, body: data };
    } catch (_) {
      return { ok: false, status: 0, body: null };
    }
  };
  // Where a ticket is served, as printed on tickets and boards: "Gerai 7 · Lantai 3, Zona B".
  S.place = (x) => [x.booth, x.zone].filter(Boolean).join(" · ");
  S.errorText = (res) => (res.body && res.body.error && res.body.error.message) || S.t("q-error");

  // A clock in the MPP's own zone.
  S.clock = function (el, tz, withSeconds) {
    if (!el) return;
    const fmt = new Intl.DateTimeFormat(S.data.lang === "en" ? "en-GB" : "id-ID", {
      timeZone: tz, hour: "2-digit", minute: "2-digit", second: withSeconds ? "2-digit" : undefined, hour12: false,
    });
    // The server's clock, not the device's (kiosks drift; the demo may run shifted).
    const skew = S.data.now_ms ? S.data.now_ms - Date.now() : 0;
    const tick = () => { el.textContent = fmt.format(new Date(Date.now() + skew)).replace(/\./g, ":"); };
    tick();
    setInterval(tick, 1000);
  };

  // Live events of an MPP with reconnection; `on` maps event names to handlers.
  // Shows #offline while disconnected; every (re)connect starts with a snapshot.
  S.live = function (mppId, zone, on) {
    const offline = document.getElementById("offline");
    let es = null;
    let delay = 1000;
    let reloadAt = 0;
    const connect = () => {
      const q = zone ? "?zone=" + encodeURIComponent(zone) : "";
      es = new EventSource("/api/v1/mpps/" + mppId + "/events" + q);
      es.addEventListener("open", () => { delay = 1000; if (offline) offline.classList.add("hidden"); });
      for (const name of Object.keys(on)) {
        es.addEventListener(name, (ev) => {
          let payload = null;
          try { payload = JSON.parse(ev.data); } catch (_) { return; }
          on[name](payload);
        });
      }
      es.addEventListener("error", () => {
        if (offline) offline.classList.remove("hidden");
        if (es.readyState === EventSource.CLOSED) {
          // The browser gave up (e.g. the server answered an error): retry ourselves.
          setTimeout(connect, delay);
          delay = Math.min(delay * 2, 30000);
        }
      });
    };
    connect();
    // A screen left running for days picks up new scripts after a restart at night.
    setInterval(() => {
      const now = new Date();
      if (now.getHours() === 3 && Date.now() - reloadAt > 3600e3) { reloadAt = Date.now(); location.reload(); }
    }, 60000);
    return () => es && es.close();
  };

  // Run `fn` at most once per `ms`, trailing.
  S.throttle = function (fn, ms) {
    let timer = null;
    return function () {
      if (timer) return;
      timer = setTimeout(() => { timer = null; fn(); }, ms);
    };
  };
})();
