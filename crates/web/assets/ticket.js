// A visitor's ticket on their phone: live position, "called at counter N"
// with sound and vibration, more time once, cancel.
"use strict";
(function () {
  const S = window.SATU, t = S.t, esc = S.esc, D = S.data;
  const el = (id) => document.getElementById(id);
  let ticket = D.ticket;
  let announced = null;

  function beep() {
    try {
      const ctx = new (window.AudioContext || window.webkitAudioContext)();
      [0, 0.35].forEach((at) => {
        const o = ctx.createOscillator(), g = ctx.createGain();
        o.frequency.value = 880; o.connect(g); g.connect(ctx.destination);
        g.gain.setValueAtTime(0.3, ctx.currentTime + at);
        g.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + at + 0.3);
        o.start(ctx.currentTime + at); o.stop(ctx.currentTime + at + 0.3);
      });
    } catch (_) { /* no audio */ }
    if (navigator.vibrate) navigator.vibrate([300, 150, 300, 150, 600]);
  }

  function render() {
    const st = ticket.status;
    const statusText = st === "waiting" ? t("q-waiting") : st === "called" ? t("q-called") : st === "serving" ? t("q-serving")
      : t("q-" + (ticket.outcome || "done").replace("_", "-"));
    el("status").textContent = statusText;
    el("ahead").textContent = st === "waiting" ? ticket.ahead : "—";
    el("estimate").textContent = st === "waiting"
      ? (ticket.estimate_minutes == null ? t("q-no-estimate")
        : ticket.estimate_minutes === 0 ? t("q-soon") : "± " + ticket.estimate_minutes + " " + t("q-minutes")) : "—";
    const called = el("called");
    if (st === "called" && ticket.counter_code) {
      called.innerHTML = esc(t("q-your-number")) + " <strong>" + esc(ticket.code) + "</strong> — " + esc(t("q-please-go")) +
        " <strong>" + esc(t("q-counter")) + " " + esc(ticket.counter_code) + "</strong>" + (ticket.counter_name ? "<br>" + esc(ticket.counter_name) : "") +
        ((ticket.booth || ticket.zone) ? "<br>" + esc(S.place(ticket)) : "");
      called.classList.remove("hidden");
      const key = ticket.id + ":" + ticket.recalls + ":" + ticket.called_at;
      if (announced !== key) { announced = key; beep(); }
    } else {
      called.classList.add("hidden");
    }
    el("more-time").classList.toggle("hidden", !ticket.extra_time_available);
    el("cancel").classList.toggle("hidden", !ticket.can_cancel);
    if (st === "done") el("facts").classList.add("hidden");
    // Called or done: the "message me" form has nothing left to offer.
    const alertBox = el("kabari");
    if (alertBox && st !== "waiting" && alertBox.querySelector("form")) alertBox.classList.add("hidden");
    // Once served (or otherwise done) the phone will not ring any more: the note goes.
    if (el("live-note")) el("live-note").classList.toggle("hidden", st === "done");
    // Served while the page was open: offer the satisfaction survey.
    const survey = el("survey");
    if (survey && survey.dataset.live === "1" && st === "done" && ticket.outcome === "served") survey.classList.remove("hidden");
  }

  async function refresh() {
    const r = await S.api("GET", "/api/v1/tickets/" + encodeURIComponent(D.token));
    if (r.ok) { ticket = r.body; render(); }
  }
  const soon = S.throttle(refresh, 1500);

  el("more-time").addEventListener("click", async () => {
    const r = await S.api("POST", "/api/v1/tickets/" + encodeURIComponent(D.token) + "/more-time", {});
    if (r.ok) { ticket = r.body; render(); alert(t("q-more-time-done")); } else alert(S.errorText(r));
  });
  el("cancel").addEventListener("click", async () => {
    if (!confirm(t("q-cancel-confirm"))) return;
    const r = await S.api("POST", "/api/v1/tickets/" + encodeURIComponent(D.token) + "/cancel", {});
    if (r.ok) { ticket = r.body; render(); } else alert(S.errorText(r));
  });

  render();
  if (ticket.status !== "done") {
    S.live(D.mpp.id, null, {
      snapshot: () => soon(),
      queue: () => soon(),
      reload: () => soon(),
      call: (c) => { if (c.ticket_id === ticket.id) refresh(); },
    });
  }
})();
