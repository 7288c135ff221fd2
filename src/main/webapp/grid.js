'use strict';
// The grid of every camera, at the context root when the server has more than one: each camera live in a tile
// with its name and state, and the designed message of viewstate.js when it delivers no picture; a tile opens
// the camera's own page. Each tile plays what api/cameras says is cheapest for the Pi (gridMode): an H.264
// camera's fMP4 over its WebSocket into MSE, a JPEG camera's stills. A browser without MSE gets stills for every
// tile. The list is polled, so that cameras added or removed while the page is open come and go.
//
// window.camstreamGrid.tiles() returns [{name, mode, playing, width, height}], in the page's order;
// window.camstreamGrid.view(name) the message a tile shows ({kind, title, detail, retry}, or null).
(function () {
  const { MsePlayer, ImagePlayer } = window.CamstreamPlayers;
  const { describe } = window.CamstreamViewState;
  const grid = document.getElementById('grid');
  const summary = document.getElementById('summary');
  const gridMessage = document.getElementById('grid-message');
  const template = document.getElementById('tile-template');
  const POLL_MS = 3000;
  const POLL_TIMEOUT_MS = 10000;
  const STILLS_FPS = 2;
  const NAMES = { mse: 'MSE', jpeg: 'Stills', snapshot: 'Snapshots' };
  const mse = MsePlayer.supported();

  // A browser keeps six connections open to a server over HTTP/1.1, and each stills stream holds one for as
  // long as it plays: past four, tiles load one snapshot after another instead, so that the page's own requests
  // still get through. WebSockets and HTTP/2 have no such limit.
  const navigation = performance.getEntriesByType && performance.getEntriesByType('navigation')[0];
  const multiplexed = !!navigation && /^h[23]/.test(navigation.nextHopProtocol || '');
  const MAX_STILLS_STREAMS = multiplexed ? Infinity : 4;

  /** name -> tile; the order of the grid is the order of api/cameras. */
  const tiles = new Map();
  let reachable = null;
  let failedPolls = 0;
  let polling = null;

  class Tile {
    constructor(camera) {
      this.name = camera.name;
      this.element = template.content.firstElementChild.cloneNode(true);
      this.element.dataset.camera = camera.name;
      this.stage = this.element.querySelector('.tile-stage');
      this.video = this.element.querySelector('video');
      this.img = this.element.querySelector('img');
      this.message = this.element.querySelector('.message');
      this.title = this.element.querySelector('.message-title');
      this.detail = this.element.querySelector('.message-detail');
      this.retry = this.element.querySelector('.message-retry');
      this.link = this.element.querySelector('.tile-link');
      this.state = this.element.querySelector('.state');
      this.link.textContent = camera.name;
      this.video.setAttribute('aria-label', 'Live video of ' + camera.name);
      this.img.alt = 'Live picture of ' + camera.name;
      this.player = null;
      this.mode = null;
      this.camera = null;
      this.removedAt = null;
      this.shown = null;
      this.hooks = {
        onNotice() {},
        onCameraState: (status) => {
          if (status.state === 'removed') this.removed();
          else this.learn(status);
        },
      };
      this.update(camera);
    }

    /** What api/cameras says now. */
    update(camera) {
      this.link.href = camera.urls.page;
      this.base = camera.urls.page;
      this.width = camera.width;
      this.height = camera.height;
      this.learn(camera);
      const wanted = this.modeFor(camera);
      if (wanted !== this.mode) this.play(wanted);
    }

    modeFor(camera) {
      let wanted = mse && camera.gridMode === 'mse' ? 'mse' : 'jpeg';
      if (wanted === 'jpeg') {
        if (this.mode === 'jpeg' || this.mode === 'snapshot') return this.mode; // keep what it has
        let streams = 0;
        tiles.forEach((t) => { if (t !== this && t.mode === 'jpeg') streams++; });
        if (streams >= MAX_STILLS_STREAMS) wanted = 'snapshot';
      }
      return wanted;
    }

    learn(status) {
      this.camera = Object.assign({}, this.camera || {}, status, { at: performance.now() });
      this.state.textContent = status.state;
      this.state.className = 'state ' + status.state;
    }

    play(mode) {
      this.stopPlayer();
      this.mode = mode;
      this.player = mode === 'mse'
        ? new MsePlayer(this.video, this.hooks, { base: this.base })
        : new ImagePlayer(this.img, this.hooks, mode, { base: this.base, fps: STILLS_FPS });
      if (!document.hidden) this.player.start();
    }

    stopPlayer() {
      if (this.player) this.player.stop();
    }

    start() {
      if (this.player && !this.removedAt) this.player.start();
    }

    /** Its WebSocket was closed with 4404: said at once; the next look at api/cameras takes the tile away. */
    removed() {
      if (this.removedAt) return;
      this.removedAt = performance.now();
      this.stopPlayer();
      this.state.textContent = 'removed';
      this.state.className = 'state error';
      this.render();
      refresh();
    }

    /** Listed again by a look that started after the removal: a camera of the same name was added. */
    revive() {
      this.removedAt = null;
      this.play(this.mode);
    }

    dispose() {
      this.stopPlayer();
      this.player = null;
      this.element.remove();
    }

    stats() {
      const s = this.player && !this.removedAt ? this.player.stats() : { playing: false, width: null, height: null };
      return { name: this.name, mode: this.mode, playing: !!s.playing, width: s.width, height: s.height };
    }

    render() {
      const s = this.stats();
      const w = s.width || this.width;
      const h = s.height || this.height;
      if (w && h) this.stage.style.setProperty('--ratio', w + ' / ' + h);
      this.shown = describe({
        removed: !!this.removedAt,
        supported: true,
        modeName: NAMES[this.mode],
        reachable: reachable,
        camera: this.camera,
        playing: s.playing,
        now: performance.now(),
      });
      this.message.hidden = !this.shown;
      if (this.shown) {
        this.message.className = 'message ' + this.shown.kind;
        this.title.textContent = this.shown.title;
        this.detail.textContent = this.shown.detail;
        this.detail.title = this.shown.technical || '';
        this.retry.textContent = this.shown.retry;
      }
      // Stills of an offline camera are the server's picture that says so: the message says it once.
      this.stage.classList.toggle('covered', !!this.shown && this.mode !== 'mse');
      this.element.classList.toggle('troubled', !!this.shown && this.shown.kind !== 'connecting'
        && this.shown.kind !== 'starting');
    }
  }

  function sync(cameras, startedAt) {
    const listed = new Set();
    let previous = null;
    for (const camera of cameras) {
      listed.add(camera.name);
      let tile = tiles.get(camera.name);
      if (tile && tile.removedAt && startedAt > tile.removedAt) tile.revive();
      if (tile) {
        if (!tile.removedAt) tile.update(camera);
      } else {
        tile = new Tile(camera);
        tiles.set(camera.name, tile);
      }
      // In the server's order, moving only what is out of place.
      const after = previous ? previous.element.nextElementSibling : grid.firstElementChild;
      if (after !== tile.element) grid.insertBefore(tile.element, after);
      previous = tile;
    }
    tiles.forEach((tile, name) => {
      if (!listed.has(name)) {
        tile.dispose();
        tiles.delete(name);
      }
    });
  }

  async function poll() {
    const startedAt = performance.now();
    try {
      // A look that hangs (a proxy, a server under load) is given up, so that the next one is made.
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), POLL_TIMEOUT_MS);
      const response = await Promise.race([
        fetch('api/cameras', { cache: 'no-store', signal: abort.signal }),
        new Promise((resolve, reject) => abort.signal.addEventListener('abort', () => reject(new Error('timed out')))),
      ]).finally(() => clearTimeout(timer));
      if (!response.ok) throw new Error('api/cameras answered ' + response.status);
      const body = await response.json();
      reachable = true;
      failedPolls = 0;
      sync(body.cameras || [], startedAt);
    } catch (e) {
      // One lost answer is a hiccup; two in a row is a server that is gone.
      if (++failedPolls >= 2) reachable = false;
    }
    render();
  }

  /** Looks again now, unless a look is under way; and every POLL_MS from then. */
  function refresh() {
    if (polling) return polling;
    clearTimeout(refresh.timer);
    polling = poll().finally(() => {
      polling = null;
      refresh.timer = setTimeout(refresh, POLL_MS);
    });
    return polling;
  }

  function render() {
    tiles.forEach((tile) => tile.render());
    const all = Array.from(tiles.values());
    const troubled = all.filter((t) => t.shown && t.shown.kind !== 'connecting' && t.shown.kind !== 'starting').length;
    let text;
    if (reachable === false) text = 'server unreachable';
    else if (reachable === null) text = 'connecting…';
    else text = all.length + (all.length === 1 ? ' camera' : ' cameras') + (troubled ? ', ' + troubled + ' offline' : '');
    if (summary.textContent !== text) summary.textContent = text;
    summary.className = 'state ' + (reachable === false || troubled ? 'error' : reachable ? 'running' : '');
    const empty = reachable === true && all.length === 0;
    gridMessage.hidden = !empty;
    if (empty) gridMessage.textContent = 'This server has no cameras. The administrator adds them on the admin page.';
  }

  // A hidden tab costs the cameras nothing: every tile disconnects, and comes back at the live edge when shown.
  document.addEventListener('visibilitychange', () => {
    tiles.forEach((tile) => (document.hidden ? tile.stopPlayer() : tile.start()));
  });

  window.camstreamGrid = {
    tiles: () => Array.from(grid.children).map((el) => tiles.get(el.dataset.camera)).filter(Boolean)
      .map((tile) => tile.stats()),
    view: (name) => (tiles.has(name) ? tiles.get(name).shown : null),
    refresh: () => refresh(),
  };
  refresh();
  setInterval(render, 500);
})();
