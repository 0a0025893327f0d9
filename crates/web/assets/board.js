// The display board: tickets called (highlighted, with a chime and a voice call),
// waiting counts and estimates per service, a clock in the MPP's zone and the
// manager's announcement. Runs unattended for days; reconnects by itself.
"use strict";
(function () {
  const S = window.SATU, t = S.t, esc = S.esc, D = S.data;
  const el = (id) => document.getElementById(id);
  S.clock(el("clock"), D.mpp.time_zone, true);
  let calls = [];
  let last = [];
  const voiceLog = (window.__voice = []);

  function renderCalls() {
    el("calls").innerHTML = calls.slice(0, 6).map((c, i) =>
      "<div class='b-call" + (i === 0 && c.fresh ? " latest" : "") + "'><div class='code'>" + esc(c.code) + "</div>" +
      "<div class='where'>" + esc(t("q-counter")) + " " + esc(c.counter_code) + "</div>" +
      ((c.booth || c.zone) ? "<div class='place'>" + esc(S.place(c)) + "</div>" : "") +
      "<div class='svc'>" + esc(D.lang === "en" && c.service_name_en ? c.service_name_en : c.service_name) +
      (c.counter_name ? " · " + esc(c.counter_name) : "") + "</div></div>").join("");
  }

  function renderLast() {
    el("last").innerHTML = last.slice(0, 6).map((c) =>
      "<span class='b-chip'><strong>" + esc(c.code) + "</strong> → " + esc(c.counter_code) + "</span>").join("");
  }

  function renderQueues(lines) {
    const mine = lines.filter((l) => !D.zone || l.zone === D.zone).filter((l) => l.waiting > 0);
    el("queues").innerHTML = mine.map((l) =>
      "<tr><td>" + esc(l.prefix) + " · " + esc(D.lang === "en" && l.service_name_en ? l.service_name_en : l.service_name) + "</td>" +
      "<td class='n'>" + l.waiting + "</td><td class='n'>" + (l.estimate_minutes == null ? "—" : l.estimate_minutes === 0 ? esc(t("q-soon")) : "± " + l.estimate_minutes + "'") + "</td></tr>").join("") ||
      "<tr><td colspan='3'>" + esc(t("q-nobody")) + "</td></tr>";
  }

  function renderSnapshot(s) {
    calls = s.now_serving.map((c) => Object.assign(c, { fresh: false }));
    last = s.last_calls || [];
    renderCalls();
    renderLast();
    renderQueues(s.queues);
    const text = D.lang === "en" && s.announcement_en ? s.announcement_en : s.announcement;
    el("ticker-text").textContent = text || "";
    el("ticker").classList.toggle("hidden", !text);
  }

  // --- sound: a chime, then the call in Indonesian (and English if chosen); never overlapping.
  let chain = Promise.resolve();
  let audio = null;
  const idVoice = () => (window.speechSynthesis ? speechSynthesis.getVoices().find((v) => /^id/i.test(v.lang)) : null);
  const enVoice = () => (window.speechSynthesis ? speechSynthesis.getVoices().find((v) => /^en/i.test(v.lang)) : null);

  function chime() {
    return new Promise((done) => {
      try {
        audio = audio || new (window.AudioContext || window.webkitAudioContext)();
        if (audio.state === "suspended") audio.resume();
        [[659, 0], [523, 0.4]].forEach(([f, at]) => {
          const o = audio.createOscillator(), g = audio.createGain();
          o.frequency.value = f; o.type = "sine"; o.connect(g); g.connect(audio.destination);
          g.gain.setValueAtTime(0.35, audio.currentTime + at);
          g.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + at + 0.6);
          o.start(audio.currentTime + at); o.stop(audio.currentTime + at + 0.6);
        });
      } catch (_) { /* no audio */ }
      setTimeout(done, 1100);
    });
  }

  function speak(text, voice, lang) {
    return new Promise((done) => {
      const u = new SpeechSynthesisUtterance(text);
      u.voice = voice; u.lang = lang; u.rate = 0.9;
      u.onend = done; u.onerror = done;
      speechSynthesis.speak(u);
      setTimeout(done, 15000);
    });
  }

  function playClip(name) {
    return new Promise((done) => {
      const a = new Audio("/static/voice/" + name + ".ogg");
      a.onended = done;
      a.onerror = done;
      a.play().catch((e) => {
        if (e && e.name === "NotAllowedError") el("sound").classList.remove("hidden");
        done();
      });
    });
  }

  async function announce(c) {
    await chime();
    if (D.voices.includes("id")) {
      const v = idVoice();
      voiceLog.push({ lang: "id", text: c.speech_id, via: v ? "speech" : "clips" });
      if (v) await speak(c.speech_id, v, "id-ID");
      else for (const clip of c.clips) await playClip(clip);
    }
    if (D.voices.includes("en")) {
      const v = enVoice();
      voiceLog.push({ lang: "en", text: c.speech_en, via: v ? "speech" : "none" });
      if (v) await speak(c.speech_en, v, "en-US");
    }
    await new Promise((ok) => setTimeout(ok, 600));
  }

  el("sound-on").addEventListener("click", () => {
    el("sound").classList.add("hidden");
    try { (audio = audio || new (window.AudioContext || window.webkitAudioContext)()).resume(); } catch (_) { /* ignore */ }
  });

  function onCall(c) {
    // Calls that left the counters since move to "earlier calls".
    const gone = calls.filter((x) => x.ticket_id !== c.ticket_id && x.counter_code === c.counter_code);
    last = gone.concat(last.filter((x) => x.ticket_id !== c.ticket_id)).slice(0, 6);
    calls = calls.filter((x) => x.ticket_id !== c.ticket_id && x.counter_code !== c.counter_code);
    renderLast();
    c.fresh = true;
    calls.forEach((x) => (x.fresh = false));
    calls.unshift(c);
    renderCalls();
    chain = chain.then(() => announce(c));
  }

  async function reload() {
    const q = D.zone ? "?zone=" + encodeURIComponent(D.zone) : "";
    const r = await S.api("GET", "/api/v1/mpps/" + D.mpp.id + "/board" + q);
    if (r.ok) renderSnapshot(r.body);
  }

  S.live(D.mpp.id, D.zone, {
    snapshot: renderSnapshot,
    call: onCall,
    queue: renderQueues,
    reload: reload,
  });
})();
