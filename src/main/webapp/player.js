'use strict';
// camstream's players. Each one shows the camera in one way and reports the same statistics:
// {mode, latencyMs, fps, width, height, reconnects, playing}. No library, no build step.
//
// Each takes an optional last argument {base}: the URL its camera's streams are relative to, such as
// '/cam/garden/' (absolute, or relative to the page). Without it they are relative to the page itself, which
// is how the single-camera page plays whichever camera it was opened for.
(function (global) {
  const TIMESCALE = 90000;
  const NTP_UNIX_OFFSET_SECONDS = 2208988800;
  const MediaSourceImpl = global.ManagedMediaSource || global.MediaSource;
  const managed = !!global.ManagedMediaSource && MediaSourceImpl === global.ManagedMediaSource;
  const ua = navigator.userAgent;
  // Safari's playbackRate changes are not smooth on live MSE streams, so there it only jumps.
  const isSafari = /^((?!chrome|chromium|android).)*safari/i.test(ua);

  /**
   * Connects a player again after an error or a stall: 0.5 s doubling to 10 s, back to the start after a
   * good connection. Counts the reconnects for stats().
   */
  class Reconnector {
    constructor(hooks, connect) {
      this.hooks = hooks;
      this.connect = connect;
      this.count = 0;
      this.reset();
    }
    reset() { this.delay = 500; }
    schedule(why) {
      clearTimeout(this.timer);
      const delay = this.delay;
      this.delay = Math.min(10000, this.delay * 2);
      this.hooks.onNotice('reconnecting in ' + (delay / 1000) + ' s' + (why ? ' (' + why + ')' : ''));
      this.timer = setTimeout(() => {
        this.count++;
        this.hooks.onNotice('');
        this.connect();
      }, delay);
    }
    cancel() { clearTimeout(this.timer); }
  }

  /** Frames shown per second, from presentation callbacks or the playback-quality counters. */
  class FrameCounter {
    constructor() { this.times = []; }
    mark(now) {
      this.times.push(now);
      while (this.times.length && now - this.times[0] > 1000) this.times.shift();
    }
    perSecond(now) {
      while (this.times.length && now - this.times[0] > 1000) this.times.shift();
      return this.times.length;
    }
  }

  /** What a player needs of its hooks, for callers that give only some of them. */
  function withDefaults(hooks) {
    return Object.assign({ onNotice() {}, onCameraState() {} }, hooks || {});
  }

  /** The absolute URL of one of the camera's paths ('ws/video', 'stream.mp4' ...) under the base URL. */
  function cameraUrl(path, base) {
    return new URL(path, new URL(base || '', location.href)).href;
  }

  /** The WebSocket close code of a camera that was removed from the server while it was watched. */
  const CAMERA_REMOVED = 4404;

  /** The one clock the latency is measured with, in Unix milliseconds: monotonic, sub-millisecond. */
  function clockNow() { return performance.timeOrigin + performance.now(); }

  /**
   * Time without a fresh picture after which a player no longer counts as playing, in ms: half a second, or
   * three frames of a slow camera.
   */
  function freshMs(fps) { return fps > 0 && fps < 6 ? 3000 / fps : 500; }

  /**
   * Watches a <video> that plays a live stream, for the players that hand it a URL (MP4 and HLS): counts the
   * frames it shows (presentation callbacks where the browser has them, else its clock moving), and tells when
   * it has not moved for stallMs (onStall) or has played well for 10 s since it connected (onHealthy).
   */
  class VideoWatch {
    constructor(video, options) {
      this.video = video;
      this.stallMs = options.stallMs;
      this.onStall = options.onStall;
      this.onHealthy = options.onHealthy || (() => {});
      this.frames = new FrameCounter();
      this.stopped = true;
    }

    start() {
      this.stopped = false;
      const video = this.video;
      if ('requestVideoFrameCallback' in video) {
        const onFrame = (now) => {
          if (this.stopped) return;
          this.frames.mark(now);
          this.lastFrameAt = now;
          video.requestVideoFrameCallback(onFrame);
        };
        video.requestVideoFrameCallback(onFrame);
      }
    }

    /** A new connection: its clock starts again. */
    connected() {
      this.lastTime = -1;
      this.lastProgressAt = performance.now();
      this.connectedAt = performance.now();
    }

    tick() {
      const now = performance.now();
      if (this.video.currentTime !== this.lastTime) {
        this.lastTime = this.video.currentTime;
        this.lastProgressAt = now;
        if (!('requestVideoFrameCallback' in this.video)) this.lastFrameAt = now;
        if (now - this.connectedAt > 10000) this.onHealthy();
      } else if (now - this.lastProgressAt > this.stallMs) {
        this.lastProgressAt = now;
        this.onStall('stalled');
      }
    }

    stop() { this.stopped = true; }

    fps() { return this.frames.perSecond(performance.now()); }

    /** Whether a picture came recently enough, for the stream's own rate. */
    playing() {
      return !this.stopped && this.lastFrameAt !== undefined
        && performance.now() - this.lastFrameAt < freshMs(this.fps());
    }
  }

  /**
   * The offset from this page's clock to the server's, estimated the NTP way over the WebSocket: the page
   * sends its time, the server answers with the times it received and sent the answer, and of the recent
   * rounds the one with the shortest round trip wins, because it had the least room for queueing. A burst
   * of rounds at connect, then one every ten seconds; rounds older than a minute are forgotten, so that a
   * clock step or a laptop that slept is corrected within seconds.
   */
  class ClockSync {
    constructor() {
      this.rounds = []; // [{at, rttMs, offsetMs}]
      this.timers = [];
    }
    start(ws) {
      this.stop();
      this.ws = ws;
      const probe = () => {
        if (this.ws === ws && ws.readyState === 1) ws.send(JSON.stringify({ type: 'clock', client: clockNow() }));
      };
      [0, 150, 300, 600, 1000].forEach((delay) => this.timers.push(setTimeout(probe, delay)));
      this.timers.push(setInterval(probe, 10000));
    }
    stop() {
      this.timers.forEach((t) => { clearTimeout(t); clearInterval(t); });
      this.timers = [];
      this.ws = null;
    }
    onAnswer(message) {
      const t3 = clockNow();
      const rttMs = (t3 - message.client) - (message.sent - message.received);
      if (!(rttMs >= 0) || rttMs > 10000) return; // not an answer to one of ours
      const offsetMs = ((message.received - message.client) + (message.sent - t3)) / 2;
      this.rounds.push({ at: t3, rttMs, offsetMs });
      this.rounds = this.rounds.filter((r) => t3 - r.at < 60000).slice(-20);
    }
    best() {
      let best = null;
      for (const r of this.rounds) if (!best || r.rttMs < best.rttMs) best = r;
      return best;
    }
  }

  /** Reads the capture time a 'prft' box carries, if the message starts with one. */
  function readPrft(buffer) {
    if (buffer.byteLength < 32) return null;
    const view = new DataView(buffer);
    if (view.getUint32(4) !== 0x70726674) return null; // 'prft'
    const version = view.getUint8(8);
    const seconds = view.getUint32(16);
    const fraction = view.getUint32(20);
    const mediaTime = version === 1 ? view.getUint32(24) * 4294967296 + view.getUint32(28) : view.getUint32(24);
    const captureMs = (seconds - NTP_UNIX_OFFSET_SECONDS) * 1000 + (fraction / 4294967296) * 1000;
    return { mediaTime, captureMs };
  }

  /**
   * Keeps the playhead near the live edge: plays a little faster when more than a few frames behind the
   * target, until back at it, jumps when far behind, and drops media older than ten seconds from the buffer.
   * After a stall (a camera restart) the element starts again with a few frames in hand; without the catch-up
   * that lag would stay for good.
   */
  class LiveEdge {
    constructor(video, options) {
      this.video = video;
      this.target = options.target;
      this.catchingUp = false;
      this.jumpAfter = options.jumpAfter;
      this.keepSeconds = options.keepSeconds;
      this.jumps = 0;
    }
    behind() {
      const b = this.video.buffered;
      if (!b.length) return null;
      return b.end(b.length - 1) - this.video.currentTime;
    }
    /** Called a few times a second. */
    steer() {
      const video = this.video;
      const b = video.buffered;
      if (!b.length) return;
      const end = b.end(b.length - 1);
      const behind = end - video.currentTime;
      if (behind > this.jumpAfter || video.currentTime < b.start(b.length - 1)) {
        video.currentTime = Math.max(b.start(b.length - 1), end - 0.05);
        this.jumps++;
      } else if (!isSafari) {
        if (behind > this.target + 0.1) this.catchingUp = true;
        else if (behind < this.target + 0.02) this.catchingUp = false;
        const rate = this.catchingUp ? Math.min(1.5, 1.1 + (behind - this.target)) : 1;
        if (Math.abs(video.playbackRate - rate) > 0.01) video.playbackRate = rate;
      }
      if (video.paused && video.readyState >= 2) video.play().catch(() => {});
    }
  }

  /** fMP4 over the WebSocket into Media Source Extensions: the lowest latency a plain browser offers. */
  class MsePlayer {
    constructor(video, hooks, options) {
      this.video = video;
      this.hooks = withDefaults(hooks);
      this.base = (options && options.base) || '';
      this.mode = 'mse';
      this.removed = false;
      this.reconnector = new Reconnector(this.hooks, () => { if (!this.stopped) this.connect(); });
      this.frames = new FrameCounter();
      this.captures = []; // [{mediaTime, captureMs}], in arrival order
      this.latencyMs = null;
      this.latencyAt = 0;
      this.clock = new ClockSync();
      this.edge = new LiveEdge(video, { target: 0.06, jumpAfter: 1.5, keepSeconds: 10 });
      this.stopped = true;
    }

    static supported() {
      return !!MediaSourceImpl && typeof MediaSourceImpl.isTypeSupported === 'function'
        && MediaSourceImpl.isTypeSupported('video/mp4; codecs="avc1.42E01E"') && 'WebSocket' in global;
    }

    start() {
      this.stopped = false;
      this.removed = false;
      this.video.hidden = false;
      this.connect();
      this.timer = setInterval(() => this.tick(), 250);
      this.watchFrames();
    }

    stop() {
      this.stopped = true;
      clearInterval(this.timer);
      this.reconnector.cancel();
      this.disconnect();
      this.video.hidden = true;
    }

    connect() {
      this.disconnect();
      const url = new URL(cameraUrl('ws/video', this.base));
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      const ws = new WebSocket(url);
      ws.binaryType = 'arraybuffer';
      this.ws = ws;
      this.generation = null;
      this.expectInit = false;
      this.queue = [];
      this.lastMessageAt = performance.now();
      this.lastProgressAt = performance.now();
      this.lastTime = -1;
      this.connectedAt = performance.now();
      ws.onmessage = (event) => this.onMessage(event.data);
      ws.onopen = () => this.clock.start(ws);
      ws.onclose = (event) => {
        if (this.ws !== ws) return;
        if (event.code === CAMERA_REMOVED) this.cameraRemoved(event.reason);
        else this.scheduleReconnect('closed');
      };
      ws.onerror = () => { if (this.ws === ws) this.scheduleReconnect('error'); };
    }

    disconnect() {
      if (this.ws) {
        const ws = this.ws;
        this.ws = null;
        ws.onclose = ws.onerror = ws.onmessage = ws.onopen = null;
        this.clock.stop();
        try { ws.close(); } catch (e) { /* already closed */ }
      }
      this.teardownMediaSource();
    }

    scheduleReconnect(why) {
      if (this.stopped) return;
      this.disconnect();
      this.reconnector.schedule(why);
    }

    /** The server closed with 4404: the camera is gone, and connecting again would find nothing. */
    cameraRemoved(reason) {
      this.stopped = true;
      this.removed = true;
      clearInterval(this.timer);
      this.reconnector.cancel();
      this.disconnect();
      this.hooks.onNotice('');
      this.hooks.onCameraState({ state: 'removed', lastError: reason || 'camera removed', retryInMs: null });
    }

    onMessage(data) {
      this.lastMessageAt = performance.now();
      if (typeof data === 'string') {
        const message = JSON.parse(data);
        if (message.type === 'init') this.onInit(message);
        else if (message.type === 'clock') this.clock.onAnswer(message);
        else if (message.type === 'status') this.hooks.onCameraState(message);
        return;
      }
      if (this.expectInit) {
        this.expectInit = false;
        this.enqueue({ append: data });
        return;
      }
      const prft = readPrft(data);
      if (prft) {
        const last = this.captures[this.captures.length - 1];
        // A timeline that starts again (a new track, a new process) makes the old pairs meaningless.
        if (last && prft.mediaTime < last.mediaTime) this.captures = [];
        this.captures.push(prft);
        if (this.captures.length > 600) this.captures.splice(0, this.captures.length - 600);
      }
      this.enqueue({ append: data });
    }

    onInit(message) {
      if (message.generation !== this.generation) this.captures = [];
      this.width = message.width;
      this.height = message.height;
      const type = 'video/mp4; codecs="' + message.codec + '"';
      if (this.sourceBuffer && this.generation !== null && message.generation !== this.generation
          && typeof this.sourceBuffer.changeType === 'function') {
        this.enqueue({ changeType: type });
      } else if (this.generation === null || message.generation !== this.generation) {
        this.setupMediaSource(type);
      }
      this.generation = message.generation;
      this.expectInit = true;
      this.hooks.onNotice('');
    }

    setupMediaSource(type) {
      this.teardownMediaSource();
      const ms = new MediaSourceImpl();
      this.mediaSource = ms;
      this.queue = this.queue || [];
      const video = this.video;
      if (managed) video.disableRemotePlayback = true;
      video.src = URL.createObjectURL(ms);
      ms.addEventListener('sourceopen', () => {
        if (this.mediaSource !== ms) return;
        URL.revokeObjectURL(video.src);
        const sb = ms.addSourceBuffer(type);
        sb.mode = 'segments';
        sb.addEventListener('updateend', () => this.pump());
        sb.addEventListener('error', () => this.scheduleReconnect('decoder error'));
        this.sourceBuffer = sb;
        this.pump();
      }, { once: true });
    }

    teardownMediaSource() {
      this.sourceBuffer = null;
      this.mediaSource = null;
      this.queue = [];
      if (this.video.src) {
        this.video.removeAttribute('src');
        this.video.load();
      }
    }

    enqueue(op) {
      this.queue.push(op);
      // A tab that cannot keep up (hidden, slow) would queue without end: start again at the live edge.
      if (this.queue.length > 300) {
        this.scheduleReconnect('falling behind');
        return;
      }
      this.pump();
    }

    pump() {
      const sb = this.sourceBuffer;
      if (!sb || sb.updating || !this.queue.length) return;
      const op = this.queue.shift();
      try {
        if (op.changeType) {
          sb.changeType(op.changeType);
          this.pump();
        } else if (op.remove) {
          sb.remove(op.remove[0], op.remove[1]);
        } else {
          sb.appendBuffer(op.append);
        }
      } catch (e) {
        if (e.name === 'QuotaExceededError') {
          this.queue.unshift(op);
          this.trim(2);
        } else {
          this.scheduleReconnect(e.name || 'append failed');
        }
      }
    }

    trim(keepSeconds) {
      const sb = this.sourceBuffer;
      const b = this.video.buffered;
      if (!sb || !b.length) return;
      const cutoff = this.video.currentTime - keepSeconds;
      if (b.start(0) < cutoff - 1) {
        this.queue.unshift({ remove: [0, cutoff] });
        this.pump();
      }
    }

    tick() {
      const now = performance.now();
      const video = this.video;
      if (this.sourceBuffer) {
        this.edge.steer();
        if (Math.floor(now / 2000) !== Math.floor((now - 250) / 2000)) this.trim(this.edge.keepSeconds);
      }
      if (video.currentTime !== this.lastTime) {
        this.lastTime = video.currentTime;
        this.lastProgressAt = now;
        if (now - this.connectedAt > 10000) this.reconnector.reset();
      }
      if (!this.ws) return;
      const silent = now - this.lastMessageAt > 4000;
      const stalled = this.sourceBuffer && video.buffered.length && now - this.lastProgressAt > 4000;
      if (silent || stalled) this.scheduleReconnect(silent ? 'no data' : 'stalled');
      if (!('requestVideoFrameCallback' in HTMLVideoElement.prototype)) {
        // Without frame callbacks, estimate from the playhead.
        if (video.currentTime !== this.lastEstimateTime) {
          this.lastEstimateTime = video.currentTime;
          this.lastFrameAt = now;
          this.updateLatency(video.currentTime, clockNow());
        }
        const quality = video.getVideoPlaybackQuality ? video.getVideoPlaybackQuality() : null;
        if (quality) {
          const frames = quality.totalVideoFrames;
          if (this.lastFrames !== undefined) this.fpsEstimate = (frames - this.lastFrames) * 4;
          this.lastFrames = frames;
        }
      }
    }

    watchFrames() {
      const video = this.video;
      if (!('requestVideoFrameCallback' in video)) return;
      const onFrame = (now, meta) => {
        if (this.stopped) return;
        this.frames.mark(now);
        this.lastFrameAt = now;
        // expectedDisplayTime is on performance.now()'s clock, as is clockNow().
        const shownAt = performance.timeOrigin + (meta.expectedDisplayTime || now);
        this.updateLatency(meta.mediaTime, shownAt);
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
    }

    /**
     * Capture-to-display latency of the picture at mediaTime (seconds), shown at shownAt (this page's
     * clock, Unix ms): the server's capture time of that picture, from the prft pairs, against the display
     * time moved to the server's clock. No figure until the clocks have been compared; never below half
     * the best round trip, the least time a picture needs to cross the network.
     */
    updateLatency(mediaTimeSeconds, shownAt) {
      const sync = this.clock.best();
      if (!sync) return;
      const ticks = Math.round(mediaTimeSeconds * TIMESCALE);
      let pair = null;
      for (let i = this.captures.length - 1; i >= 0; i--) {
        if (this.captures[i].mediaTime <= ticks) { pair = this.captures[i]; break; }
      }
      // A pair more than a second before the picture belongs to another stretch of the timeline.
      if (!pair || ticks - pair.mediaTime > TIMESCALE) return;
      const captureMs = pair.captureMs + (ticks - pair.mediaTime) / (TIMESCALE / 1000);
      const latency = shownAt + sync.offsetMs - captureMs;
      this.latencyMs = Math.round(Math.max(latency, sync.rttMs / 2));
      this.latencyAt = performance.now();
    }

    playing(now) {
      // A stopped player shows no fresh picture, whatever it showed a moment ago.
      return !this.stopped && this.lastFrameAt !== undefined && now - this.lastFrameAt < freshMs(this.frames.perSecond(now));
    }

    stats() {
      const now = performance.now();
      const fps = 'requestVideoFrameCallback' in this.video ? this.frames.perSecond(now) : (this.fpsEstimate || 0);
      const playing = this.playing(now);
      return {
        mode: this.mode,
        // Only a figure about pictures being shown now: during a gap there is none.
        latencyMs: playing && now - this.latencyAt < freshMs(fps) ? this.latencyMs : null,
        playing: playing,
        fps: fps,
        width: this.video.videoWidth || this.width || null,
        height: this.video.videoHeight || this.height || null,
        reconnects: this.reconnector.count,
      };
    }
  }

  /** Progressive fragmented MP4 in a video element, for browsers without MSE. */
  class Mp4Player {
    constructor(video, hooks, options) {
      this.video = video;
      this.hooks = withDefaults(hooks);
      this.base = (options && options.base) || '';
      this.mode = 'mp4';
      this.reconnector = new Reconnector(this.hooks, () => { if (!this.stopped) this.connect(); });
      this.watch = new VideoWatch(video, { stallMs: 6000, onStall: (why) => this.scheduleReconnect(why),
        onHealthy: () => this.reconnector.reset() });
      this.edge = new LiveEdge(video, { target: 0.4, jumpAfter: 2.5, keepSeconds: 10 });
      this.stopped = true;
    }

    static supported() {
      return document.createElement('video').canPlayType('video/mp4; codecs="avc1.42E01E"') !== '';
    }

    start() {
      this.stopped = false;
      const video = this.video;
      video.hidden = false;
      this.onError = () => this.scheduleReconnect('error');
      this.onEnded = () => this.scheduleReconnect('ended');
      video.addEventListener('error', this.onError);
      video.addEventListener('ended', this.onEnded);
      this.watch.start();
      this.connect();
      this.timer = setInterval(() => this.tick(), 250);
    }

    connect() {
      this.watch.connected();
      this.video.src = cameraUrl('stream.mp4?t=' + Date.now(), this.base);
      this.video.play().catch(() => {});
    }

    stop() {
      this.stopped = true;
      this.watch.stop();
      clearInterval(this.timer);
      this.reconnector.cancel();
      this.video.removeEventListener('error', this.onError);
      this.video.removeEventListener('ended', this.onEnded);
      this.video.removeAttribute('src');
      this.video.load();
      this.video.hidden = true;
    }

    scheduleReconnect(why) {
      if (this.stopped) return;
      this.reconnector.schedule(why);
    }

    tick() {
      this.edge.steer();
      this.watch.tick();
    }

    stats() {
      return {
        mode: this.mode,
        latencyMs: null, // a progressive download does not expose the 'prft' boxes
        playing: this.watch.playing(),
        fps: this.watch.fps(),
        width: this.video.videoWidth || null,
        height: this.video.videoHeight || null,
        reconnects: this.reconnector.count,
      };
    }
  }

  /**
   * JPEG pictures in an image element: 'mjpeg' (every frame), 'jpeg' (stills at a chosen pace, options.fps,
   * two a second by default) or 'snapshot' (one snapshot.jpg after another at that pace, each its own short
   * request: for pages that show more image streams than a browser keeps connections open to one server).
   */
  class ImagePlayer {
    constructor(img, hooks, mode, options) {
      this.img = img;
      this.hooks = withDefaults(hooks);
      this.mode = mode || 'mjpeg';
      this.base = (options && options.base) || '';
      this.fps = (options && options.fps) || 2;
      this.reconnector = new Reconnector(this.hooks, () => { if (!this.stopped) this.img.src = this.url(); });
    }

    static supported() { return true; }

    url() {
      const t = Date.now();
      if (this.mode === 'jpeg') return cameraUrl('stream.jpg?fps=' + this.fps + '&t=' + t, this.base);
      if (this.mode === 'snapshot') return cameraUrl('snapshot.jpg?t=' + t, this.base);
      return cameraUrl('stream.mjpeg?t=' + t, this.base);
    }

    start() {
      this.stopped = false;
      this.img.hidden = false;
      this.loaded = false;
      this.onError = () => { this.loaded = false; if (!this.stopped) this.reconnector.schedule(''); };
      this.onLoad = () => {
        this.loaded = true;
        this.loadedAt = performance.now();
        this.reconnector.reset();
        if (this.mode === 'snapshot' && !this.stopped) {
          clearTimeout(this.next);
          this.next = setTimeout(() => { if (!this.stopped) this.img.src = this.url(); }, 1000 / this.fps);
        }
      };
      this.img.addEventListener('error', this.onError);
      this.img.addEventListener('load', this.onLoad);
      // An endless MJPEG response never finishes loading: started before the page's load event, it would
      // hold that event back for good, and the tab's spinner with it.
      if (document.readyState === 'complete') {
        this.img.src = this.url();
      } else {
        this.onPageLoad = () => { if (!this.stopped) this.img.src = this.url(); };
        global.addEventListener('load', this.onPageLoad, { once: true });
      }
    }

    stop() {
      this.stopped = true;
      this.reconnector.cancel();
      clearTimeout(this.next);
      this.img.removeEventListener('error', this.onError);
      this.img.removeEventListener('load', this.onLoad);
      if (this.onPageLoad) global.removeEventListener('load', this.onPageLoad);
      this.img.removeAttribute('src');
      this.img.hidden = true;
    }

    stats() {
      return {
        mode: this.mode,
        latencyMs: null,
        // An image element tells of its first picture only; the camera's state tells whether more follow.
        // One snapshot after another tells of each: a few seconds without one is no longer playing.
        playing: !this.stopped && this.loaded && this.img.naturalWidth > 0
          && (this.mode !== 'snapshot' || performance.now() - this.loadedAt < 3000 + 1000 / this.fps),
        fps: null,
        width: this.img.naturalWidth || null,
        height: this.img.naturalHeight || null,
        reconnects: this.reconnector.count,
      };
    }
  }

  global.CamstreamPlayers = {
    MsePlayer, Mp4Player, ImagePlayer, ClockSync, readPrft, isSafari, managed, clockNow, cameraUrl, CAMERA_REMOVED,
    Reconnector, VideoWatch, withDefaults,
  };
})(window);
