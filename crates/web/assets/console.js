// The counter console: open/pause/close, call next, recall, start, finish,
// no-show, return, transfer — with keyboard shortcuts, all day without reload.
"use strict";
(function () {
  const S = window.SATU, t = S.t, esc = S.esc, D = S.data;
  const el = (id) => document.getElementById(id);
  let view = D.view;
  let busy = false;

  const base = "/api/v1/counters/" + D.counter;

  function fmtTime(iso) {
    if (!iso) return "";
    return new Date(iso).toLocaleTimeString(D.lang === "en" ? "en-GB" : "id-ID", { hour: "2-digit", minute: "2-digit", timeZone: D.time_zone }).replace(".", ":");
  }

  function render() {
    const st = view.state;
    el("bar").innerHTML = "<span class='state state-" + st + "' id='counter-state'>" + esc(t("q-state-" + st)) + "</span>" +
      (st !== "open" ? "<button id='b-open'>" + esc(t("q-open")) + "</button>" : "") +
      (st === "open" ? "<button class='secondary' id='b-pause'>" + esc(t("q-pause")) + "</button>" : "") +
      (st !== "closed" ? "<button class='secondary' id='b-close'>" + esc(t("q-close")) + "</button>" : "");
    const cur = view.current;
    let html = "";
    if (!cur) {
      // Say how many wait for this counter's services, not "nobody" while people wait.
      const waiting = view.waiting_total;
      const next = view.waiting[0];
      const line = waiting > 0 ? "<strong id='waiting-total'>" + waiting + "</strong> " + esc(t("q-console-waiting")) : esc(t("q-nobody"));
      const nextLine = next ? "<p id='next-up'>" + esc(t("q-next-up")) + " <strong>" + esc(next.code) + "</strong> · " + esc(next.service_name) +
        (next.priority ? " <span class='badge accent'>" + esc(t("prio-" + next.priority)) + "</span>" : "") + "</p>" : "";
      html = "<div class='c-current'><p class='muted'>" + line + "</p>" + nextLine +
        "<button class='c-call' id='b-next'" + (st !== "open" ? " disabled" : "") + ">" + esc(t("q-call-next")) + "<kbd>N</kbd></button></div>";
    } else {
      const prio = cur.priority ? "<span class='badge accent'>" + esc(t("prio-" + cur.priority)) + "</span> " : "";
      const called = cur.status === "called";
      const noShowReady = cur.recalls >= view.recalls_before_no_show;
      html = "<div class='c-current'><div class='num' id='current-code'>" + esc(cur.code) + "</div>" + prio +
        "<div><strong>" + esc(cur.service_name) + "</strong></div>" +
        "<div class='muted'>" + esc(t(called ? "q-called-at" : "q-serving")) + " " + esc(fmtTime(cur.called_at)) +
        " · " + esc(t("q-recalls")) + ": " + cur.recalls + " · " + esc(t("q-issued")) + " " + esc(cur.issued_local) + "</div>" +
        "<div class='c-actions'>" +
        (called ? "<button class='secondary' id='b-recall'>" + esc(t("q-recall")) + "<kbd>R</kbd></button>" : "") +
        (called ? "<button id='b-start'>" + esc(t("q-start")) + "<kbd>S</kbd></button>" : "") +
        "<button id='b-finish'>" + esc(t("q-finish-served")) + "<kbd>F</kbd></button>" +
        "<button class='secondary' id='b-notserved'>" + esc(t("q-not-served")) + "<kbd>U</kbd></button>" +
        (called ? "<button class='secondary' id='b-noshow'" + (noShowReady ? "" : " disabled title='" + esc(t("q-recall")) + "'") + ">" + esc(t("q-no-show-btn")) + "<kbd>X</kbd></button>" : "") +
        "<button class='secondary' id='b-return'>" + esc(t("q-return")) + "<kbd>B</kbd></button>" +
        "<button class='secondary' id='b-transfer'>" + esc(t("q-transfer")) + "<kbd>T</kbd></button>" +
        // A service not finished at the counter: register the file, in a new tab so the console stays.
        (D.oss_service === cur.service_id
          // The OSS desk's visitor: record the consultation (topic, KBLI, outcome).
          ? "<a class='button secondary' id='b-oss' target='_blank' rel='noopener' href='/admin/oss/konsultasi/baru?tiket=" + cur.id + "'>" + esc(t("oss-record-from-visit")) + "</a>"
          : "<a class='button secondary' id='b-file' target='_blank' rel='noopener' href='/admin/berkas/baru?tiket=" + cur.id +
            "&layanan=" + cur.service_id + "'>" + esc(t("app-register-from-visit")) + "</a>") +
        "</div></div>";
    }
    el("current").innerHTML = html;
    el("queues").innerHTML = "<table><tbody>" + view.queues.map((q) =>
      "<tr><td>" + esc(q.prefix) + " · " + esc(q.service_name) + "</td><td class='n'><strong>" + q.waiting + "</strong></td>" +
      "<td class='muted'>" + (q.waiting === 0 || q.estimate_minutes == null ? "—" : q.estimate_minutes === 0 ? esc(t("q-soon")) : "± " + q.estimate_minutes + " " + esc(t("q-minutes"))) + "</td></tr>").join("") + "</tbody></table>";
    const canCall = !cur && st === "open";
    el("waiting").innerHTML = view.waiting.length === 0 ? "<p class='muted'>" + esc(t("q-nobody")) + "</p>" :
      "<table><tbody>" + view.waiting.map((w, i) =>
        "<tr" + (i === 0 ? " class='c-next'" : "") + "><td><strong>" + esc(w.code) + "</strong>" +
        (w.priority ? " <span class='badge accent'>" + esc(t("prio-" + w.priority)) + "</span>" : "") +
        (w.source === "booking" ? " <span class='badge'>" + esc(t("q-booked")) + "</span>" : "") +
        (w.for_this_counter ? " <span class='badge'>" + esc(t("q-sent-here")) + "</span>" : "") +
        "<br><small class='muted'>" + esc(w.service_name) + "</small></td>" +
        "<td class='muted'>" + esc(w.issued_local) + "<br><small>" + w.waited_minutes + " " + esc(t("q-minutes")) + "</small></td>" +
        "<td><button class='secondary small' data-call='" + w.id + "'" + (canCall ? "" : " disabled") +
        " aria-label='" + esc(t("q-call-this")) + " " + esc(w.code) + "'>" + esc(t("q-call-this")) + "</button></td></tr>").join("") +
      "</tbody></table>" + (view.waiting_total > view.waiting.length ? "<p class='muted'>+" + (view.waiting_total - view.waiting.length) + " " + esc(t("q-people")) + "</p>" : "");
    el("requirements").innerHTML = (view.requirements || []).map((r) => "<li>" + esc(r) + "</li>").join("");
    el("history").innerHTML = (view.history || []).map((e) =>
      "<li><strong>" + esc(fmtTime(e.at)) + "</strong> " + esc(t("ev-" + e.kind)) +
      (e.counter_code ? " · " + esc(e.counter_code) : "") + (e.officer_name ? " · " + esc(e.officer_name) : "") +
      (e.note ? "<br><span class='muted'>" + esc(e.note) + "</span>" : "") + "</li>").join("");
    bind();
  }

  function show(msg, bad) {
    el("dialog").innerHTML = "<p class='notice" + (bad ? " error" : "") + "' role='status'>" + esc(msg) + "</p>";
    if (!bad) setTimeout(() => { el("dialog").innerHTML = ""; }, 3000);
  }

  async function run(method, path, body) {
    if (busy) return null;
    busy = true;
    const r = await S.api(method, path, body);
    busy = false;
    if (r.status === 401) { show(t("q-session-ended"), true); setTimeout(() => location.assign("/masuk?next=/konsol/" + D.counter), 1500); return null; }
    if (!r.ok) { show(S.errorText(r), true); await refresh(); return null; }
    el("dialog").innerHTML = "";
    return r.body;
  }

  async function refresh() {
    const r = await S.api("GET", base + "/console");
    if (r.ok) { view = r.body; render(); el("offline").classList.add("hidden"); }
    else if (r.status === 0) el("offline").classList.remove("hidden");
  }
  const soon = S.throttle(refresh, 1000);

  const act = async (what, body) => {
    const cur = view.current;
    if (!cur) return;
    if (await run("POST", base + "/tickets/" + cur.id + "/" + what, body || {})) await refresh();
  };

  const actions = {
    next: async () => {
      if (view.current || view.state !== "open") return;
      const r = await run("POST", base + "/call-next", {});
      if (r && !r.ticket) show(t("q-nobody"));
      await refresh();
    },
    recall: () => act("recall"),
    start: () => act("start"),
    finish: () => act("finish", { served: true }),
    notserved: () => {
      el("dialog").innerHTML = "<div class='c-dialog'><label for='reason'>" + esc(t("q-not-served-reason")) + "</label>" +
        "<input id='reason' maxlength='300'><div class='c-actions'><button id='reason-ok'>" + esc(t("q-not-served")) + "</button></div></div>";
      el("reason").focus();
      el("reason-ok").addEventListener("click", () => act("finish", { served: false, reason: el("reason").value }));
    },
    noshow: () => act("no-show"),
    return: () => act("return"),
    transfer: () => {
      el("dialog").innerHTML = "<div class='c-dialog'><label for='to-service'>" + esc(t("q-transfer-to")) + "</label>" +
        "<select id='to-service'>" + D.services.map((s) => "<option value='" + s.id + "'>" + esc(s.name) + " — " + esc(s.provider) + "</option>").join("") + "</select>" +
        "<label for='to-counter'>" + esc(t("q-transfer-counter")) + "</label><select id='to-counter'><option value=''>" + esc(t("q-any-counter")) + "</option>" +
        D.counters.map((k) => "<option value='" + k.id + "'>" + esc(k.code) + " · " + esc(k.name) + "</option>").join("") + "</select>" +
        "<label class='check'><input type='checkbox' id='to-reset'> " + esc(t("q-reset-arrival")) + "</label>" +
        "<div class='c-actions'><button id='to-ok'>" + esc(t("q-transfer")) + "</button></div></div>";
      el("to-ok").addEventListener("click", () => {
        const body = { service_id: +el("to-service").value, reset_arrival: el("to-reset").checked };
        if (el("to-counter").value) body.counter_id = +el("to-counter").value;
        act("transfer", body);
      });
    },
    open: async () => { const r = await run("POST", base + "/open", {}); if (r) { view = r; render(); } },
    pause: async () => { const r = await run("POST", base + "/pause", {}); if (r) { view = r; render(); } },
    close: async () => { const r = await run("POST", base + "/close", {}); if (r) { view = r; render(); } },
  };

  async function callTicket(id) {
    if (view.current || view.state !== "open") return;
    const r = await run("POST", base + "/call/" + id, {});
    await refresh();
    return r;
  }

  function bind() {
    for (const b of document.querySelectorAll("[data-call]")) b.addEventListener("click", () => callTicket(b.dataset.call));
    const map = { "b-next": "next", "b-recall": "recall", "b-start": "start", "b-finish": "finish", "b-notserved": "notserved",
      "b-noshow": "noshow", "b-return": "return", "b-transfer": "transfer", "b-open": "open", "b-pause": "pause", "b-close": "close" };
    for (const [id, name] of Object.entries(map)) {
      const b = el(id);
      if (b) b.addEventListener("click", actions[name]);
    }
  }

  document.addEventListener("keydown", (e) => {
    if (e.target.closest("input, select, textarea") || e.ctrlKey || e.metaKey || e.altKey) return;
    const key = { n: "next", r: "recall", s: "start", f: "finish", u: "notserved", x: "noshow", b: "return", t: "transfer" }[e.key.toLowerCase()];
    if (!key) return;
    const btn = el("b-" + key);
    if (key !== "next" && !btn) return;
    if (btn && btn.disabled) return;
    e.preventDefault();
    actions[key]();
  });

  render();
  S.live(D.mpp, null, { snapshot: soon, queue: soon, call: soon, reload: soon });
})();
