'use strict';
// camstream's HLS player, for browsers without Media Source Extensions (iPhones before iOS 17.1): the
// LL-HLS playlist hls/index.m3u8 in a <video>. Same interface as the players in player.js:
// new CamstreamHlsPlayer(video, hooks, {base}), static supported(), start(), stop(), and stats() returning
// {mode, latencyMs, fps, width, height, reconnects, playing}. base is the URL the camera's playlist is relative
// to, such as '/cam/garden/'; without it, the page's own location.
//
// It plays natively where the browser plays HLS itself. camstream ships no library; a page that brings
// hls.js (window.Hls) gets it used instead, in low-latency mode, which is how the tests play it in Chromium.
(function (global) {
  const PLAYLIST = 'hls/index.m3u8';
  const HLS_TYPE = 'application/vnd.apple.mpegurl';

  /** Time without a fresh picture after which the player no longer counts as playing, in ms. */
  function freshMs(fps) { return fps > 0 && fps < 6 ? 3000 / fps : 500; }

  function hlsJs() {
    return global.Hls && typeof global.Hls.isSupported === 'function' && global.Hls.isSupported() ? global.Hls : null;
  }

  class CamstreamHlsPlayer {
    constructor(video, hooks, options) {
      this.video = video;
      this.hooks = Object.assign({ onNotice() {}, onCameraState() {} }, hooks || {});
      this.playlist = new URL(PLAYLIST, new URL((options && options.base) || '', location.href)).href;
      this.mode = 'hls';
      this.reconnects = 0;
      this.delay = 500;
      this.frames = [];
      this.stopped = true;
    }

    static supported() {
      return !!hlsJs() || document.createElement('video').canPlayType(HLS_TYPE) !== '';
    }

    /** 'hls.js' or 'native': what plays the stream. */
    engine() { return this.hls ? 'hls.js' : 'native'; }

    start() {
      this.stopped = false;
      const video = this.video;
      video.hidden = false;
      this.onError = () => { if (!this.hls) this.reconnect('error'); };
      video.addEventListener('error', this.onError);
      this.connect();
      this.timer = setInterval(() => this.tick(), 250);
      if ('requestVideoFrameCallback' in video) {
        const onFrame = (now) => {
          if (this.stopped) return;
          this.frames.push(now);
          this.lastFrameAt = now;
          video.requestVideoFrameCallback(onFrame);
        };
        video.requestVideoFrameCallback(onFrame);
      }
    }

    connect() {
      this.lastTime = -1;
      this.lastProgressAt = performance.now();
      this.connectedAt = performance.now();
      const Hls = hlsJs();
      if (Hls) {
        // lowLatencyMode: blocking playlist reloads and parts; it keeps PART-HOLD-BACK behind the live edge and
        // plays up to 1.5x to get back there after a stall. No worker: a page's CSP may forbid blob: workers.
        const hls = new Hls({ lowLatencyMode: true, enableWorker: false, backBufferLength: 10,
          maxLiveSyncPlaybackRate: 1.5, liveDurationInfinity: true,
          // hls.js moves its target a whole target duration (1 s) back after each stall by default; a stall at
          // start or at a camera restart would leave it 1 s late for good. A quarter second a stall is enough.
          liveSyncOnStallIncrease: 0.25 });
        this.hls = hls;
        hls.on(Hls.Events.ERROR, (event, data) => {
          if (!data.fatal || this.stopped) return;
          if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
            hls.recoverMediaError();
          } else {
            this.reconnect(data.details);
          }
        });
        hls.loadSource(this.playlist);
        hls.attachMedia(this.video);
      } else {
        this.video.src = this.playlist;
      }
      this.video.play().catch(() => {});
    }

    disconnect() {
      if (this.hls) {
        this.hls.destroy();
        this.hls = null;
      }
      this.video.removeAttribute('src');
      this.video.load();
    }

    /** Starts again after 0.5 s doubling to 10 s; back to 0.5 s after 10 s of good playing. */
    reconnect(why) {
      if (this.stopped || this.retry) return;
      const delay = this.delay;
      this.delay = Math.min(10000, this.delay * 2);
      this.hooks.onNotice('reconnecting in ' + (delay / 1000) + ' s' + (why ? ' (' + why + ')' : ''));
      this.disconnect();
      this.retry = setTimeout(() => {
        this.retry = null;
        if (this.stopped) return;
        this.reconnects++;
        this.hooks.onNotice('');
        this.connect();
      }, delay);
    }

    stop() {
      this.stopped = true;
      clearInterval(this.timer);
      clearTimeout(this.retry);
      this.retry = null;
      this.video.removeEventListener('error', this.onError);
      this.disconnect();
      this.video.hidden = true;
    }

    tick() {
      const now = performance.now();
      if (this.video.currentTime !== this.lastTime) {
        this.lastTime = this.video.currentTime;
        this.lastProgressAt = now;
        if (!('requestVideoFrameCallback' in this.video)) this.lastFrameAt = now;
        if (now - this.connectedAt > 10000) this.delay = 500;
      } else if (now - this.lastProgressAt > 8000) {
        // Longer than a camera restart (about 2 s) and the server's 3 s holds: really stuck.
        this.lastProgressAt = now;
        this.reconnect('stalled');
      }
    }

    /**
     * The time of the picture showing now, on the server's clock: the playlist's EXT-X-PROGRAM-DATE-TIME is
     * the capture time of each segment's first picture. Null when it is not known.
     */
    playingDate() {
      if (this.hls) return this.hls.playingDate || null;
      if (typeof this.video.getStartDate === 'function') {
        const start = this.video.getStartDate().getTime();
        if (!isNaN(start)) return new Date(start + this.video.currentTime * 1000);
      }
      return null;
    }

    fps(now) {
      while (this.frames.length && now - this.frames[0] > 1000) this.frames.shift();
      return this.frames.length;
    }

    stats() {
      const now = performance.now();
      const fps = this.fps(now);
      const playing = !this.stopped && this.lastFrameAt !== undefined && now - this.lastFrameAt < freshMs(fps);
      const date = playing ? this.playingDate() : null;
      return {
        mode: this.mode,
        // Capture to now, on this page's clock against the server's: as good as the two clocks agree (NTP).
        latencyMs: date ? Math.max(0, Math.round(Date.now() - date.getTime())) : null,
        fps: fps,
        width: this.video.videoWidth || null,
        height: this.video.videoHeight || null,
        reconnects: this.reconnects,
        playing: playing,
      };
    }
  }

  global.CamstreamHlsPlayer = CamstreamHlsPlayer;
})(window);
