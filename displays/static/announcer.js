// Speaks calls one after another, never overlapping, each `repeat` times.
//
// Each call's audio (chime + every language) is fetched once from the server and played from
// memory for the repeats. The seqs already announced are remembered (also across reloads), so
// a replayed event or a snapshot after a reconnect cannot make a call heard twice; a recall is
// a new event with its own seq and is heard again, as it should be.

const REMEMBERED = 200;
const PAUSE_BETWEEN_MS = 700;
// If the audio never reports its end (no sound device), the queue must still move on.
const STUCK_MARGIN_MS = 3000;
const SPEECH_LANG = { "zh-CN": "zh-CN", en: "en-GB", yue: "zh-HK" };

export class Announcer {
  constructor(config, storageKey, isCurrent) {
    this.config = config;
    this.storageKey = storageKey;
    this.isCurrent = isCurrent;
    this.queue = [];
    this.busy = false;
    this.announced = this.load();
  }

  load() {
    try {
      return JSON.parse(localStorage.getItem(this.storageKey) || "[]");
    } catch {
      return [];
    }
  }

  // The server's seqs went backwards (its store was reset): old seqs mean nothing any more.
  forget() {
    this.announced = [];
    this.save();
  }

  save() {
    try {
      localStorage.setItem(this.storageKey, JSON.stringify(this.announced.slice(-REMEMBERED)));
    } catch {
      // Storage full or disabled: deduplication still holds for the life of the page.
    }
  }

  offer(call) {
    if (!this.config.sound || this.announced.includes(call.seq)) return;
    if (this.queue.some((queued) => queued.seq === call.seq)) return;
    this.queue.push(call);
    this.drain();
  }

  async drain() {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length) {
        const call = this.queue.shift();
        this.announced.push(call.seq);
        this.announced = this.announced.slice(-REMEMBERED);
        this.save();
        if (this.isCurrent(call)) await this.say(call);
      }
    } finally {
      this.busy = false;
    }
  }

  async say(call) {
    const url = new URL(this.config.announce, location.href);
    url.searchParams.set("token", this.config.token);
    url.searchParams.set("number", call.number);
    url.searchParams.set("window", String(call.window));
    url.searchParams.set("lang", this.config.languages.join(","));
    let response;
    try {
      response = await fetch(url, { cache: "no-store" });
    } catch {
      return; // the server is gone; the screen still shows the call
    }
    if (response.ok) {
      const audio = URL.createObjectURL(await response.blob());
      try {
        for (let i = 0; i < this.config.repeat; i += 1) {
          if (i > 0) await sleep(PAUSE_BETWEEN_MS);
          await playOnce(audio);
        }
      } finally {
        URL.revokeObjectURL(audio);
      }
    } else if (response.status === 503 && "speechSynthesis" in window) {
      // No voice on the server: the browser's own speech is the last resort.
      const { speech } = await response.json();
      for (let i = 0; i < this.config.repeat; i += 1) {
        for (const part of speech) await speak(part.text, SPEECH_LANG[part.lang] || part.lang);
      }
    }
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function playOnce(src) {
  return new Promise((resolve) => {
    const audio = new Audio(src);
    let guard = setTimeout(resolve, 30000);
    audio.onloadedmetadata = () => {
      clearTimeout(guard);
      guard = setTimeout(resolve, audio.duration * 1000 + STUCK_MARGIN_MS);
    };
    audio.onended = () => {
      clearTimeout(guard);
      resolve();
    };
    audio.onerror = audio.onended;
    audio.play().catch((error) => {
      if (error.name === "NotAllowedError") {
        // Autoplay is blocked: one click on the screen unlocks sound for the session.
        const hint = document.getElementById("sound-blocked");
        hint.hidden = false;
        document.addEventListener("click", () => (hint.hidden = true), { once: true });
      }
      clearTimeout(guard);
      resolve();
    });
  });
}

function speak(text, lang) {
  return new Promise((resolve) => {
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = lang;
    utterance.rate = 0.9;
    utterance.onend = resolve;
    utterance.onerror = resolve;
    speechSynthesis.speak(utterance);
  });
}
