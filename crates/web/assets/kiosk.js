// The ticket kiosk: provider → service (with its requirements) → priority → ticket.
// Runs unattended: returns to the start when idle, survives network loss.
"use strict";
(function () {
  const S = window.SATU, t = S.t, esc = S.esc, D = S.data;
  const app = document.getElementById("app");
  const offline = document.getElementById("offline");
  const printArea = document.getElementById("print-area");
  S.clock(document.getElementById("clock"), D.mpp.time_zone, false);
  let queue = {};
  let idle = null;
  let chosen = { provider: null, service: null };

  const resetIdle = (ms) => {
    clearTimeout(idle);
    idle = setTimeout(start, ms || 60000);
  };
  document.addEventListener("pointerdown", () => resetIdle());

  async function refreshQueue() {
    const r = await S.api("GET", "/api/v1/mpps/" + D.mpp.id + "/queue");
    if (r.ok) {
      offline.classList.add("hidden");
      queue = {};
      for (const l of r.body) queue[l.service_id] = l;
    } else if (r.status === 0 || r.status >= 500) {
      offline.classList.remove("hidden");
    }
  }
  setInterval(refreshQueue, 20000);

  // The walk-in rule as the kiosk says it: numbers left, until when, or closed for today.
  const walkInText = (sid) => {
    const l = queue[sid];
    if (!l) return "";
    if (!l.walk_in_open) return l.walk_in_left === 0 ? t("q-walk-in-full") : t("q-walk-in-over");
    const parts = [];
    if (l.walk_in_left != null) parts.push(t("q-walk-in-left") + ": " + l.walk_in_left);
    if (l.last_ticket_at) parts.push(t("q-walk-in-until") + " " + l.last_ticket_at);
    return parts.join(" · ");
  };
  const walkInOpen = (sid) => !queue[sid] || queue[sid].walk_in_open !== false;
  const waitText = (sid) => {
    const l = queue[sid];
    if (!l) return "";
    const est = l.estimate_minutes == null ? t("q-no-estimate") : l.estimate_minutes === 0 ? t("q-soon") : "± " + l.estimate_minutes + " " + t("q-minutes");
    const rule = walkInText(sid);
    return l.waiting + " " + t("q-people") + " · " + est + (rule ? " · " + rule : "");
  };
  const allServices = () => D.providers.flatMap((p) => p.services.map((s) => ({ p, s })));
  // A service button anywhere on the kiosk (search results, most chosen, an office's list).
  const serviceButton = (x, i) => "<button class='k-btn" + (walkInOpen(x.s.id) ? "" : " full") + "' data-x='" + i + "'>" + esc(x.s.name) +
    "<small>" + esc([x.p.name, waitText(x.s.id)].filter(Boolean).join(" · ")) + "</small></button>";
  const norm = (v) => v.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");

  function start() {
    chosen = { provider: null, service: null };
    refreshQueue();
    app.innerHTML = "<button class='k-btn k-checkin' id='have-booking'>" + esc(t("q-have-booking")) +
      "<small>" + esc(t("q-have-booking-note")) + "</small></button>" +
      "<button class='k-btn k-checkin' id='pickup'>" + esc(t("app-kiosk-pickup")) +
      "<small>" + esc(t("app-kiosk-pickup-note")) + "</small></button>" +
      "<h1>" + esc(t("q-choose-provider")) + "</h1><div class='k-grid'>" +
      D.providers.map((p, i) => {
        const waiting = p.services.reduce((n, s) => n + ((queue[s.id] || {}).waiting || 0), 0);
        return "<button class='k-btn' data-p='" + i + "'>" + esc(p.name) +
          "<small>" + esc(p.booth || "") + (p.booth ? " · " : "") + waiting + " " + esc(t("q-people")) + "</small></button>";
      }).join("") + "</div>";
    // Find a service by name, and the ones chosen most often lately.
    const popular = allServices().filter((x) => x.s.used > 0).sort((a, b) => b.s.used - a.s.used).slice(0, 4);
    app.querySelector("h1").insertAdjacentHTML("beforebegin", "<form class='k-search' id='k-search' role='search'><label for='k-q'>" + esc(t("q-kiosk-search")) + "</label>" +
      "<input id='k-q' type='search' autocomplete='off' placeholder='" + esc(t("q-kiosk-search-placeholder")) + "'></form><div id='k-found'></div>" +
      (popular.length ? "<h2>" + esc(t("q-kiosk-popular")) + "</h2><div class='k-grid' id='k-popular'>" + popular.map(serviceButton).join("") + "</div>" : ""));
    app.querySelectorAll("#k-popular [data-x]").forEach((b) => b.addEventListener("click", () => pick(popular[+b.dataset.x])));
    const q = document.getElementById("k-q");
    const found = document.getElementById("k-found");
    document.getElementById("k-search").addEventListener("submit", (e) => e.preventDefault());
    q.addEventListener("input", () => {
      resetIdle();
      const words = norm(q.value).split(/\s+/).filter(Boolean);
      if (!words.length) { found.innerHTML = ""; return; }
      const hits = allServices().filter((x) => { const n = norm(x.s.name + " " + x.p.name); return words.every((w) => n.includes(w)); }).slice(0, 8);
      found.innerHTML = hits.length ? "<div class='k-grid' id='k-results'>" + hits.map(serviceButton).join("") + "</div>" :
        "<p class='notice' id='k-no-match'>" + esc(t("q-kiosk-no-match")) + "</p>";
      found.querySelectorAll("[data-x]").forEach((b) => b.addEventListener("click", () => pick(hits[+b.dataset.x])));
    });
    app.querySelectorAll("[data-p]").forEach((b) => b.addEventListener("click", () => provider(D.providers[+b.dataset.p])));
    document.getElementById("have-booking").addEventListener("click", () => (D.paired ? checkIn("") : kioskOnly()));
    document.getElementById("pickup").addEventListener("click", () => (D.paired ? pickup("") : kioskOnly()));
    if (!D.paired) {
      app.insertAdjacentHTML("beforeend", "<p class='k-unpaired' id='unpaired'>" + esc(t("q-unpaired-note")) +
        " <a href='/perangkat'>" + esc(t("q-pair-link")) + "</a></p>");
    }
  }

  // Check-in hands out the visitor's ticket: only the MPP's own kiosks do it.
  function kioskOnly() {
    resetIdle(20000);
    app.innerHTML = "<div class='notice' role='status' id='check-in-message'>" + esc(t("q-check-in-kiosk-only")) + "</div>" +
      "<div class='k-actions'><button class='k-btn secondary' id='back'>← " + esc(t("q-back")) + "</button></div>";
    document.getElementById("back").addEventListener("click", start);
  }

  // Check-in with a booking: a QR scanner types the code and Enter into the
  // field; people type it on the on-screen keys (the code's own alphabet).
  const CODE_KEYS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  const keypad = () => "<div class='k-keys'>" +
    CODE_KEYS.split("").map((k) => "<button type='button' data-k='" + k + "'>" + k + "</button>").join("") +
    "<button type='button' data-k='del' class='wide'>⌫ " + esc(t("q-delete")) + "</button></div>";
  // The on-screen keys type into `input` up to `max` characters, in groups of four.
  function bindKeypad(input, max) {
    app.querySelectorAll("[data-k]").forEach((b) => b.addEventListener("click", () => {
      resetIdle();
      const v = input.value.replace(/-/g, "");
      const next = b.dataset.k === "del" ? v.slice(0, -1) : v.length < max ? v + b.dataset.k : v;
      input.value = next.replace(/(.{4})(?=.)/g, "$1-");
    }));
  }
  function checkIn(message) {
    resetIdle();
    app.innerHTML = "<h1>" + esc(t("q-check-in-title")) + "</h1><p>" + esc(t("q-check-in-help")) + "</p>" +
      (message ? "<div class='notice error' role='alert' id='check-in-message'>" + message + "</div>" : "") +
      "<form id='check-in-form' class='k-code'><input id='booking-code' name='code' autocomplete='off' autocapitalize='characters' spellcheck='false' maxlength='12' aria-label='" + esc(t("q-check-in-title")) + "'>" +
      "<button class='k-btn primary' type='submit' id='check-in-submit'>" + esc(t("q-check-in-submit")) + "</button></form>" +
      keypad() +
      "<div class='k-actions'><button class='k-btn secondary' id='back'>← " + esc(t("q-back")) + "</button></div>";
    const input = document.getElementById("booking-code");
    input.focus();
    bindKeypad(input, 8);
    document.getElementById("check-in-form").addEventListener("submit", (e) => {
      e.preventDefault();
      if (input.value.trim()) submitCheckIn(input.value.trim());
    });
    document.getElementById("back").addEventListener("click", start);
  }

  // Collecting a finished file: the receipt's tracking code (or its QR, whose
  // link the scanner types) gives a ticket for the file's service.
  function pickup(message) {
    resetIdle();
    app.innerHTML = "<h1>" + esc(t("app-kiosk-pickup")) + "</h1><p>" + esc(t("app-kiosk-pickup-help")) + "</p>" +
      (message ? "<div class='notice error' role='alert' id='pickup-message'>" + message + "</div>" : "") +
      "<form id='pickup-form' class='k-code'><input id='file-code' name='code' autocomplete='off' autocapitalize='characters' spellcheck='false' maxlength='80' aria-label='" + esc(t("app-kiosk-pickup")) + "'>" +
      "<button class='k-btn primary' type='submit' id='pickup-submit'>" + esc(t("app-kiosk-pickup-submit")) + "</button></form>" +
      keypad() +
      "<div class='k-actions'><button class='k-btn secondary' id='back'>← " + esc(t("q-back")) + "</button></div>";
    const input = document.getElementById("file-code");
    input.focus();
    bindKeypad(input, 12);
    document.getElementById("pickup-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      if (!input.value.trim() || busy) return;
      busy = true;
      app.querySelectorAll("button").forEach((b) => (b.disabled = true));
      const r = await S.api("POST", "/api/v1/mpps/" + D.mpp.id + "/application-pickups", { code: input.value.trim() });
      busy = false;
      if (r.ok) {
        const found = findService(r.body.ticket.service_id);
        chosen = found ? { provider: found.p, service: found.s } : { provider: { name: r.body.ticket.provider_name }, service: { name: r.body.ticket.service_name } };
        show(r.body);
        return;
      }
      pickup(esc(S.errorText(r)));
    });
    document.getElementById("back").addEventListener("click", start);
  }

  const findService = (id) => {
    for (const p of D.providers) for (const s of p.services) if (String(s.id) === String(id)) return { p, s };
    return null;
  };

  async function submitCheckIn(code) {
    if (busy) return;
    busy = true;
    app.querySelectorAll("button").forEach((b) => (b.disabled = true));
    let r = null;
    for (let attempt = 0; attempt < 4; attempt++) {
      r = await S.api("POST", "/api/v1/mpps/" + D.mpp.id + "/check-in", { code });
      if (r.status !== 0 && r.status < 500) break;
      offline.classList.remove("hidden");
      await new Promise((ok) => setTimeout(ok, 1500 * (attempt + 1)));
    }
    busy = false;
    if (r.ok) {
      offline.classList.add("hidden");
      const found = findService(r.body.ticket.service_id);
      chosen = found ? { provider: found.p, service: found.s } : { provider: { name: r.body.ticket.provider_name }, service: { name: r.body.ticket.service_name } };
      show(r.body);
      return;
    }
    const err = (r.body && r.body.error) || {};
    if (err.code === "check_in_too_late" && err.details && findService(err.details.service_id)) {
      const found = findService(err.details.service_id);
      chosen = { provider: found.p, service: found.s };
      resetIdle(30000);
      app.innerHTML = "<div class='notice error' role='alert' id='check-in-message'>" + esc(S.errorText(r)) + "</div>" +
        "<p>" + esc(found.s.name) + "</p><div class='k-actions'><button class='k-btn secondary' id='back'>← " + esc(t("q-back")) + "</button>" +
        "<button class='k-btn primary' id='walk-in'>" + esc(t("q-check-in-walk-in")) + "</button></div>";
      document.getElementById("back").addEventListener("click", start);
      document.getElementById("walk-in").addEventListener("click", priority);
      return;
    }
    checkIn(esc(S.errorText(r)));
  }

  function pick(x) {
    chosen.provider = x.p;
    service(x.s);
  }

  function provider(p) {
    chosen.provider = p;
    resetIdle();
    app.innerHTML = "<h1>" + esc(p.name) + "</h1><p>" + esc(t("q-choose-service")) + "</p><div class='k-grid'>" +
      p.services.map((s, i) => "<button class='k-btn" + (walkInOpen(s.id) ? "" : " full") + "' data-s='" + i + "'>" + esc(s.name) + "<small>" + esc(waitText(s.id)) + "</small></button>").join("") +
      "</div><div class='k-actions'><button class='k-btn secondary' id='back'>← " + esc(t("q-back")) + "</button></div>";
    app.querySelectorAll("[data-s]").forEach((b) => b.addEventListener("click", () => service(p.services[+b.dataset.s])));
    document.getElementById("back").addEventListener("click", start);
  }

  function service(s) {
    chosen.service = s;
    resetIdle();
    app.innerHTML = "<h1>" + esc(s.name) + "</h1><div class='k-reqs'><h2>" + esc(t("q-requirements")) + "</h2><ul>" +
      s.requirements.map((r) => "<li>" + esc(r) + "</li>").join("") + "</ul></div>" +
      "<p id='k-wait'>" + esc(waitText(s.id)) + "</p>" +
      (walkInOpen(s.id) ? "" : "<div class='notice error' role='alert' id='k-walk-in-closed'>" + esc(walkInText(s.id)) + "</div>") +
      "<div class='k-actions'><button class='k-btn secondary' id='back'>← " + esc(t("q-back")) + "</button>" +
      (walkInOpen(s.id) ? "<button class='k-btn primary' id='take'>" + esc(t("q-take")) + "</button>" : "") + "</div>";
    document.getElementById("back").addEventListener("click", () => provider(chosen.provider));
    const take = document.getElementById("take");
    if (take) take.addEventListener("click", priority);
  }

  function priority() {
    resetIdle();
    app.innerHTML = "<h1>" + esc(t("q-priority-question")) + "</h1><div class='k-grid'>" +
      "<button class='k-btn primary' data-g=''>" + esc(t("q-priority-none")) + "</button>" +
      D.priorities.map((g) => "<button class='k-btn' data-g='" + esc(g[0]) + "'>" + esc(g[1]) + "</button>").join("") +
      "</div><div class='k-actions'><button class='k-btn secondary' id='back'>← " + esc(t("q-back")) + "</button></div>";
    app.querySelectorAll("[data-g]").forEach((b) => b.addEventListener("click", () => issue(b.dataset.g || null)));
    document.getElementById("back").addEventListener("click", () => service(chosen.service));
  }

  // A key for one press: retries through a network loss return the same ticket.
  const pressKey = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");

  let busy = false;
  async function issue(group) {
    if (busy) return;
    busy = true;
    app.querySelectorAll("button").forEach((b) => (b.disabled = true));
    let r = null;
    const key = pressKey();
    for (let attempt = 0; attempt < 4; attempt++) {
      r = await S.api("POST", "/api/v1/mpps/" + D.mpp.id + "/tickets", { service_id: chosen.service.id, priority: group, source: D.paired ? "kiosk" : "web", request_id: key });
      if (r.status !== 0 && r.status < 500) break;
      offline.classList.remove("hidden");
      await new Promise((ok) => setTimeout(ok, 1500 * (attempt + 1)));
    }
    busy = false;
    if (!r.ok) {
      app.innerHTML = "<div class='notice error'><p>" + esc(S.errorText(r)) + "</p></div><div class='k-actions'><button class='k-btn primary' id='again'>" + esc(t("q-back")) + "</button></div>";
      document.getElementById("again").addEventListener("click", start);
      resetIdle(15000);
      return;
    }
    offline.classList.add("hidden");
    // A phone follows its ticket on its own page (live, with the call and the survey).
    if (!D.paired) { location.href = r.body.url; return; }
    show(r.body);
  }

  function show(issued) {
    const tk = issued.ticket;
    const est = tk.estimate_minutes == null ? t("q-no-estimate") : tk.estimate_minutes === 0 ? t("q-soon") : "± " + tk.estimate_minutes + " " + t("q-minutes");
    const where = S.place(tk);
    const prio = tk.priority ? "<p><strong>" + esc(t("prio-" + tk.priority)) + "</strong></p>" :
      tk.source === "booking" ? "<p><strong>" + esc(t("q-check-in-booked-for")) + " " + esc(issued.booked_local || "") + "</strong></p>" : "";
    const body = "<p><strong>" + esc(D.mpp.name) + "</strong></p><p>" + esc(chosen.provider.name) + "</p>" +
      (where ? "<p class='k-where' id='ticket-where'><strong>" + esc(t("q-where")) + ": " + esc(where) + "</strong></p>" : "") +
      "<div class='num' id='ticket-code'>" + esc(tk.code) + "</div><p>" + esc(chosen.service.name) + "</p>" + prio +
      "<p>" + esc(t("q-issued")) + " " + esc(tk.issued_local) + "</p>" +
      "<p>" + esc(t("q-ahead")) + ": <strong id='ticket-ahead'>" + tk.ahead + "</strong> · " + esc(t("q-estimate")) + ": " + esc(est) + "</p>" +
      "<img class='qr' src='/tiket/" + encodeURIComponent(issued.token) + "/qr.svg' alt='QR'>" +
      "<p>" + esc(t("q-scan")) + "</p>";
    printArea.innerHTML = body;
    app.innerHTML = "<div class='k-ticket'>" + body + "<p>" + esc(t("q-printing")) + "</p>" +
      "<button class='k-btn primary' id='done'>" + esc(t("q-finish")) + "</button></div>";
    document.getElementById("done").addEventListener("click", start);
    const img = printArea.querySelector("img");
    const print = () => { try { window.print(); } catch (_) { /* no printer */ } };
    if (img.complete) print(); else { img.addEventListener("load", print); img.addEventListener("error", print); }
    resetIdle(20000);
  }

  start();
})();
