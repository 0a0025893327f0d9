// The survey tablet at a counter, facing the visitor: it waits for the visit
// just finished at this counter, asks U1–U9 one at a time with big buttons,
// sends the answers through the API, thanks, and waits again.
"use strict";
(function () {
  const S = window.SATU, t = S.t, esc = S.esc, D = S.data;
  const app = document.getElementById("app");
  const base = "/api/v1/counters/" + D.counter + "/survey";
  const seen = new Set(); // tokens answered or skipped on this tablet
  let state = "waiting";
  let offer = null; // { token, target }
  let answers = [];
  let step = 0;
  let idle = null;
  let pollTimer = null;

  function touch(ms) {
    clearTimeout(idle);
    if (ms) idle = setTimeout(() => { if (offer) seen.add(offer.token); waiting(); }, ms);
  }

  function serviceName(target) {
    if (!target) return "";
    return D.lang === "en" && target.service_name_en ? target.service_name_en : target.service_name;
  }

  function waiting() {
    state = "waiting"; offer = null; touch(0);
    const fs = document.fullscreenEnabled && !document.fullscreenElement
      ? "<p><button class='secondary' id='tb-fs'>" + esc(t("sv-tablet-fullscreen")) + "</button></p>" : "";
    app.innerHTML = "<div class='tb-center' id='tb-waiting'><h1>" + esc(t("sv-tablet-waiting")) + "</h1><p>" +
      esc(t("sv-tablet-waiting-note")) + "</p>" + fs + "</div>";
    const b = document.getElementById("tb-fs");
    if (b) b.addEventListener("click", () => { document.documentElement.requestFullscreen().then(() => b.remove(), () => {}); });
    schedule(300);
  }

  function welcome() {
    state = "welcome";
    const tg = offer.target || {};
    app.innerHTML = "<div class='tb-center' id='tb-welcome'><h1>" + esc(t("sv-tablet-welcome")) + "</h1>" +
      "<p class='tb-service'>" + esc(serviceName(tg)) + (tg.ticket_code ? " · " + esc(t("sv-tablet-ticket")) + " " + esc(tg.ticket_code) : "") + "</p>" +
      "<p>" + esc(t("sv-tablet-lead")) + "</p>" +
      "<div><button class='tb-big' id='tb-start'>" + esc(t("sv-tablet-start")) + "</button>" +
      "<button class='tb-big secondary' id='tb-skip'>" + esc(t("sv-tablet-skip")) + "</button></div></div>";
    document.getElementById("tb-start").addEventListener("click", () => { answers = []; step = 0; question(); });
    document.getElementById("tb-skip").addEventListener("click", () => { seen.add(offer.token); waiting(); });
    touch(60000);
  }

  function question() {
    state = "question"; touch(90000);
    const e = D.elements[step];
    const dots = D.elements.map((_, i) => "<span class='" + (i < step ? "done" : i === step ? "now" : "") + "'></span>").join("");
    app.innerHTML = "<div class='tb-q' id='tb-q-" + esc(e.code) + "'>" +
      "<div class='tb-step'>" + esc(e.code) + " · " + (step + 1) + " " + esc(t("sv-tablet-of")) + " " + D.elements.length + "</div>" +
      "<h1>" + esc(e.name) + "</h1><p class='tb-question'>" + esc(e.question) + "</p>" +
      "<div class='tb-opts' role='group' aria-label='" + esc(e.name) + "'>" +
      e.labels.map((label, i) => "<button class='tb-opt" + (answers[step] === i + 1 ? " chosen" : "") + "' data-v='" + (i + 1) + "'>" +
        "<span class='tb-n'>" + (i + 1) + "</span>" + esc(label) + "<small lang='en'>" + esc(e.labels_en[i]) + "</small></button>").join("") +
      "</div><div class='tb-nav'><button class='secondary' id='tb-back'>← " + esc(t("sv-tablet-back")) + "</button>" +
      "<button class='secondary' id='tb-skip'>" + esc(t("sv-tablet-skip")) + "</button></div>" +
      "<div class='tb-dots' aria-hidden='true'>" + dots + "</div></div>";
    for (const b of app.querySelectorAll(".tb-opt")) {
      b.addEventListener("click", () => {
        answers[step] = +b.dataset.v;
        b.classList.add("chosen");
        setTimeout(() => { if (step < D.elements.length - 1) { step += 1; question(); } else send(); }, 200);
      });
    }
    document.getElementById("tb-back").addEventListener("click", () => { if (step === 0) welcome(); else { step -= 1; question(); } });
    document.getElementById("tb-skip").addEventListener("click", () => { seen.add(offer.token); waiting(); });
  }

  async function send() {
    state = "sending"; touch(0);
    app.innerHTML = "<div class='tb-center'><h1>" + esc(t("sv-tablet-sending")) + "</h1></div>";
    const body = { token: offer.token };
    D.elements.forEach((e, i) => { body[e.code.toLowerCase()] = answers[i]; });
    const r = await S.api("POST", base, body);
    if (r.ok || r.status === 409) { seen.add(offer.token); thanks(); return; }
    if (r.status === 401) { session(); return; }
    state = "error"; touch(60000);
    app.innerHTML = "<div class='tb-center' id='tb-error'><h1>" + esc(t("sv-tablet-error")) + "</h1><p>" + esc(S.errorText(r)) + "</p>" +
      "<button class='tb-big' id='tb-retry'>" + esc(t("sv-tablet-retry")) + "</button>" +
      "<button class='tb-big secondary' id='tb-skip'>" + esc(t("sv-tablet-skip")) + "</button></div>";
    document.getElementById("tb-retry").addEventListener("click", send);
    document.getElementById("tb-skip").addEventListener("click", () => { seen.add(offer.token); waiting(); });
  }

  function thanks() {
    state = "thanks";
    app.innerHTML = "<div class='tb-center' id='tb-thanks'><div class='tb-tick' aria-hidden='true'>✓</div><h1>" + esc(t("sv-tablet-thanks")) +
      "</h1><p>" + esc(t("sv-tablet-thanks-note")) + "</p></div>";
    setTimeout(waiting, 6000);
  }

  function session() {
    state = "session";
    app.innerHTML = "<div class='tb-center'><h1>" + esc(t("sv-tablet-session")) + "</h1></div>";
    setTimeout(() => location.assign("/masuk?next=" + encodeURIComponent("/konsol/" + D.counter + "/survei")), 2500);
  }

  function schedule(ms) {
    clearTimeout(pollTimer);
    pollTimer = setTimeout(poll, ms);
  }

  async function poll() {
    if (state !== "waiting") return;
    const r = await S.api("GET", base);
    const offline = document.getElementById("offline");
    if (r.status === 401) { session(); return; }
    if (offline) offline.classList.toggle("hidden", r.status !== 0);
    if (state === "waiting" && r.ok && r.body && r.body.token && !seen.has(r.body.token)) {
      offer = { token: r.body.token, target: r.body.target };
      welcome();
      return;
    }
    schedule(D.poll_ms || 3000);
  }

  waiting();
})();
