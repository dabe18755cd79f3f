// Speaks calls as they come, never overlapping, never out of date.
//
// - A call is spoken with a chime: 「叮咚 · 请A001号到3号窗口」. Calls that queue up while one is
//   spoken follow it without a pause, in the short burst wording: 「…B002到5号，C003到7号」, so
//   that a hall opening thirteen windows at once hears every call within seconds, not minutes.
// - Each call is checked against what its window shows right before it is said: a call whose
//   ticket was recalled, started, finished, sent away or moved meanwhile is not read out; a
//   newer call at the same window takes the older one's place in the queue.
// - `repeat` > 1 says a call again only when no other call is waiting.
// - The seqs already announced are remembered (also across reloads), so a replayed event or a
//   snapshot after a reconnect cannot make a call heard twice; a recall is a new event with its
//   own seq and is heard again, as it should be.
// - Each call's audio is fetched once, and the next few are fetched and decoded while the
//   current one plays, so that in a burst one call follows the other without a wait.

const REMEMBERED = 200;
const REPEAT_PAUSE_MS = 600;
// Calls prepared ahead in a burst: enough to hide the server's synthesis behind playback.
const LOOKAHEAD = 3;
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
    this.fetched = new Map(); // seq → Promise of its Sound
    this.announced = this.load();
    // What was said and when (last REMEMBERED), for whoever looks after the screen.
    this.spoken = [];
    window.onewindowSpoken = this.spoken;
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

  markAnnounced(seq) {
    this.announced.push(seq);
    this.announced = this.announced.slice(-REMEMBERED);
    this.save();
  }

  offer(call) {
    if (!this.config.sound || this.announced.includes(call.seq)) return;
    if (this.queue.some((queued) => queued.seq === call.seq)) return;
    // The window's newest call replaces one still waiting its turn, and keeps its place.
    const older = this.queue.findIndex((queued) => queued.window === call.window);
    if (older >= 0) {
      this.markAnnounced(this.queue[older].seq);
      this.drop(this.queue[older]);
      this.queue[older] = call;
    } else {
      this.queue.push(call);
    }
    this.drain();
  }

  async drain() {
    if (this.busy) return;
    this.busy = true;
    let burst = false; // true while calls follow one another without a pause
    try {
      while (this.queue.length) {
        const call = this.queue.shift();
        this.markAnnounced(call.seq);
        if (!this.isCurrent(call)) {
          this.drop(call);
          continue;
        }
        const sound = await this.fetchSound(call, burst);
        this.fetched.delete(call.seq);
        // The next calls are prepared while this one is heard.
        for (const next of this.queue.slice(0, LOOKAHEAD)) this.fetchSound(next, true);
        if (!this.isCurrent(call)) {
          sound.release(); // it changed while its audio was being fetched
          continue;
        }
        this.log(call, burst);
        await sound.play();
        burst = true;
        for (let i = 1; i < this.config.repeat; i += 1) {
          if (this.queue.length || !this.isCurrent(call)) break;
          await sleep(REPEAT_PAUSE_MS);
          await sound.play();
        }
        sound.release();
      }
    } finally {
      this.busy = false;
    }
  }

  log(call, burst) {
    this.spoken.push({
      seq: call.seq,
      number: call.number,
      window: call.window,
      burst,
      at: Date.now(),
    });
    if (this.spoken.length > REMEMBERED) this.spoken.shift();
  }

  // Prefetched as part of a burst; a call that starts a burst asks for its chime version.
  fetchSound(call, burst) {
    const ready = this.fetched.get(call.seq);
    if (ready && ready.burst === burst) return ready.sound;
    if (ready) this.drop(call);
    const sound = this.loadSound(call, burst);
    this.fetched.set(call.seq, { burst, sound });
    return sound;
  }

  drop(call) {
    const ready = this.fetched.get(call.seq);
    this.fetched.delete(call.seq);
    if (ready) ready.sound.then((sound) => sound.release());
  }

  async loadSound(call, burst) {
    const url = new URL(this.config.announce, location.href);
    url.searchParams.set("token", this.config.token);
    url.searchParams.set("number", call.number);
    url.searchParams.set("window", String(call.window));
    url.searchParams.set("lang", this.config.languages.join(","));
    if (burst) url.searchParams.set("burst", "1");
    let response;
    try {
      response = await fetch(url, { cache: "no-store" });
    } catch {
      return new Sound(null); // the server is gone; the screen still shows the call
    }
    if (response.ok) return new Sound(URL.createObjectURL(await response.blob()));
    if (response.status === 503 && "speechSynthesis" in window) {
      // No voice on the server: the browser's own speech is the last resort.
      const { speech } = await response.json();
      return new Sound(null, speech);
    }
    return new Sound(null);
  }
}

// One call's audio, loaded and decoded as soon as it is fetched, played as often as asked,
// then released.
class Sound {
  constructor(src, speech = []) {
    this.src = src;
    this.speech = speech;
    this.audio = null;
    if (src) {
      this.audio = new Audio();
      this.audio.preload = "auto";
      this.audio.src = src;
    }
  }

  async play() {
    if (this.audio) await playOnce(this.audio);
    for (const part of this.speech) await speak(part.text, SPEECH_LANG[part.lang] || part.lang);
  }

  release() {
    if (this.src) URL.revokeObjectURL(this.src);
    this.audio = null;
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function playOnce(audio) {
  return new Promise((resolve) => {
    audio.currentTime = 0;
    let guard = setTimeout(resolve, 30000);
    const watch = () => {
      clearTimeout(guard);
      guard = setTimeout(resolve, audio.duration * 1000 + STUCK_MARGIN_MS);
    };
    // Preloaded: its length is usually known already.
    if (Number.isFinite(audio.duration)) watch();
    else audio.onloadedmetadata = watch;
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
