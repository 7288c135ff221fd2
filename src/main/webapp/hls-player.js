'use strict';
// camstream's HLS player, for browsers without Media Source Extensions (iPhones before iOS 17.1): the
// LL-HLS playlist hls/index.m3u8 in a <video>. Same interface as the players in player.js:
// new CamstreamHlsPlayer(video, hooks, {base}), static supported(), start(), stop(), and stats() returning
// {mode, latencyMs, fps, width, height, reconnects, playing}. base is the URL the camera's playlist is relative
// to, such as '/cam/garden/'; without it, the page's own location.
//
// It plays natively where the browser plays HLS itself. camstream ships no library; a page that brings
// hls.js (window.Hls) gets it used instead, in low-latency mode, which is how the tests play it in Chromium.
// Watching the video and reconnecting are player.js's (VideoWatch, Reconnector), shared with its MP4 player.
(function (global) {
  const PLAYLIST = 'hls/index.m3u8';
  const HLS_TYPE = 'application/vnd.apple.mpegurl';

  function hlsJs() {
    return global.Hls && typeof global.Hls.isSupported === 'function' && global.Hls.isSupported() ? global.Hls : null;
  }

  class CamstreamHlsPlayer {
    constructor(video, hooks, options) {
      const { Reconnector, VideoWatch, withDefaults } = global.CamstreamPlayers;
      this.video = video;
      this.hooks = withDefaults(hooks);
      this.playlist = new URL(PLAYLIST, new URL((options && options.base) || '', location.href)).href;
      this.mode = 'hls';
      this.reconnector = new Reconnector(this.hooks, () => {
        this.pending = false;
        if (!this.stopped) this.connect();
      });
      // Longer than a camera restart (about 2 s) and the server's 3 s holds: really stuck.
      this.watch = new VideoWatch(video, { stallMs: 8000, onStall: (why) => this.reconnect(why),
        onHealthy: () => this.reconnector.reset() });
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
      this.watch.start();
      this.connect();
      this.timer = setInterval(() => this.watch.tick(), 250);
    }

    connect() {
      this.watch.connected();
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
      if (this.stopped || this.pending) return;
      this.pending = true;
      this.disconnect();
      this.reconnector.schedule(why);
    }

    stop() {
      this.stopped = true;
      this.watch.stop();
      clearInterval(this.timer);
      this.reconnector.cancel();
      this.pending = false;
      this.video.removeEventListener('error', this.onError);
      this.disconnect();
      this.video.hidden = true;
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

    stats() {
      const fps = this.watch.fps();
      const playing = this.watch.playing();
      const date = playing ? this.playingDate() : null;
      return {
        mode: this.mode,
        // Capture to now, on this page's clock against the server's: as good as the two clocks agree (NTP).
        latencyMs: date ? Math.max(0, Math.round(Date.now() - date.getTime())) : null,
        fps: fps,
        width: this.video.videoWidth || null,
        height: this.video.videoHeight || null,
        reconnects: this.reconnector.count,
        playing: playing,
      };
    }
  }

  global.CamstreamHlsPlayer = CamstreamHlsPlayer;
})(window);
