'use strict';
// The viewer page: picks the best playback mode, lets the user switch, says over the picture what is going
// on when no picture plays, and shows live statistics.
// window.camstream.stats() returns {mode, latencyMs, fps, width, height, reconnects, playing} and
// window.camstream.view() the message shown ({kind, title, detail, retry}, or null while pictures play).
//
// The same page plays the first camera at the root and any camera at cam/<name>/: every URL it uses is
// relative, so it reaches the camera it was opened for. With several cameras it links back to the grid of all
// of them (grid.html, at the context root), and a camera removed while its page is open is said so.
(function () {
  const { MsePlayer, Mp4Player, ImagePlayer } = window.CamstreamPlayers;
  const HlsPlayer = window.CamstreamHlsPlayer;
  const { describe } = window.CamstreamViewState;
  const $ = (id) => document.getElementById(id);
  const video = $('video');
  const img = $('live');
  const viewer = $('viewer');
  const stage = $('stage');
  const overlay = $('overlay');
  const overlayToggle = $('overlay-toggle');
  const message = $('message');
  const state = $('camera-state');
  const caption = $('caption');
  const cameraName = $('camera-name');
  const allCameras = $('all-cameras');
  const messageAction = $('message-action');
  const buttons = Array.from(document.querySelectorAll('#modes button'));
  const MODES = { mse: MsePlayer, mp4: Mp4Player, hls: HlsPlayer, mjpeg: ImagePlayer, jpeg: ImagePlayer };
  const NAMES = { mse: 'MSE', mp4: 'MP4', hls: 'HLS', mjpeg: 'MJPEG', jpeg: 'Stills' };
  const POLL_MS = 1000;
  const CAMERAS_POLL_MS = 5000;
  // The context root, where the grid of every camera, api/cameras and the admin page are: two levels up from
  // cam/<name>/. At the root the page is the first camera's.
  const routed = /\/cam\/([a-z0-9-]+)\/[^/]*$/.exec(location.pathname);
  const ROOT = routed ? '../../' : './';

  let player = null;
  let mode = null;
  let notice = '';
  let camera = null; // {state, lastError, retryInMs, ..., at}
  let reachable = null;
  let failedPolls = 0;
  let shown = null;
  let removed = false;
  let name = null;

  const hooks = {
    onNotice(text) { notice = text; },
    onCameraState(status) {
      if (status.state === 'removed') markRemoved();
      else learn(status);
    },
  };

  allCameras.href = ROOT;
  $('message-link').href = ROOT;
  // The admin page is the server's, at the root; it opens on this camera's settings.
  $('admin-link').href = routed ? ROOT + 'admin?camera=' + encodeURIComponent(routed[1]) : 'admin';

  function bestMode() {
    if (MsePlayer.supported()) return 'mse';
    // Native HLS before progressive MP4: an iPhone without MSE plays both, HLS far better.
    if (HlsPlayer.supported()) return 'hls';
    if (Mp4Player.supported()) return 'mp4';
    return 'mjpeg';
  }

  function create(chosen) {
    switch (chosen) {
      case 'mse': return new MsePlayer(video, hooks);
      case 'mp4': return new Mp4Player(video, hooks);
      case 'hls': return new HlsPlayer(video, hooks);
      case 'jpeg': return new ImagePlayer(img, hooks, 'jpeg');
      default: return new ImagePlayer(img, hooks, 'mjpeg');
    }
  }

  function play(chosen) {
    if (player) player.stop();
    notice = '';
    mode = chosen;
    player = MODES[chosen].supported() ? create(chosen) : null;
    if (player && !document.hidden && !removed) player.start();
    buttons.forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.mode === chosen)));
    render();
  }

  function requestedMode() {
    const requested = new URLSearchParams(location.search).get('mode');
    return Object.prototype.hasOwnProperty.call(MODES, requested) ? requested : null;
  }

  buttons.forEach((button) => button.addEventListener('click', () => {
    const url = new URL(location.href);
    url.searchParams.set('mode', button.dataset.mode);
    history.replaceState(null, '', url);
    play(button.dataset.mode);
  }));

  // A hidden tab costs the camera nothing: disconnect, and come back at the live edge when shown.
  document.addEventListener('visibilitychange', () => {
    if (!player || removed) return;
    if (document.hidden) player.stop();
    else player.start();
  });

  // ------------------------------------------------------------------ full screen and the statistics

  function fullscreenElement() { return document.fullscreenElement || document.webkitFullscreenElement || null; }

  function toggleFullscreen() {
    if (fullscreenElement()) {
      (document.exitFullscreen || document.webkitExitFullscreen).call(document);
    } else if (viewer.requestFullscreen || viewer.webkitRequestFullscreen) {
      const request = (viewer.requestFullscreen || viewer.webkitRequestFullscreen).call(viewer);
      if (request && request.catch) request.catch(() => {});
    } else if (!video.hidden && video.webkitEnterFullscreen) {
      video.webkitEnterFullscreen(); // iPhone: only a video can go full screen
    }
  }
  $('fullscreen').addEventListener('click', toggleFullscreen);
  stage.addEventListener('dblclick', (event) => { if (!event.target.closest('.controls')) toggleFullscreen(); });
  document.addEventListener('fullscreenchange', () => {
    $('fullscreen').setAttribute('aria-label', fullscreenElement() ? 'Leave full screen' : 'Full screen');
  });

  function setOverlay(open, remember) {
    overlay.hidden = !open;
    overlayToggle.setAttribute('aria-expanded', String(open));
    if (remember) {
      try { localStorage.setItem('camstream.stats', open ? 'shown' : 'hidden'); } catch (e) { /* private mode */ }
    }
  }
  overlayToggle.addEventListener('click', () => setOverlay(overlay.hidden, true));
  let remembered = null;
  try { remembered = localStorage.getItem('camstream.stats'); } catch (e) { /* private mode */ }
  // Shown by default where there is room for it; a phone shows the picture.
  setOverlay(remembered ? remembered === 'shown' : window.matchMedia('(min-width: 700px)').matches, false);

  // ------------------------------------------------------------------ what the page knows

  function learn(status) {
    camera = Object.assign({}, status, { at: performance.now() });
    state.textContent = 'camera ' + status.state;
    state.className = 'state ' + status.state;
  }

  /** The server no longer has this camera: stop playing, say so, and point to the others. */
  function markRemoved() {
    if (removed) return;
    removed = true;
    if (player) player.stop();
    camera = null;
    state.textContent = 'camera removed';
    state.className = 'state error';
    caption.textContent = '';
    allCameras.hidden = false;
    render();
  }

  /** The same name answers again (the camera was added back): play it. */
  function unremove() {
    removed = false;
    play(mode);
  }

  function showName(named) {
    if (!named || named === name) return;
    name = named;
    cameraName.textContent = named;
    document.title = named + ' \u00b7 camstream';
  }

  function stats() {
    if (!player) return { mode: mode, latencyMs: null, fps: null, width: null, height: null, reconnects: 0, playing: false };
    return player.stats();
  }

  function view() { return shown; }

  function render() {
    const s = stats();
    if (s.width && s.height) stage.style.setProperty('--ratio', s.width + ' / ' + s.height);
    else if (camera && camera.width && camera.height) stage.style.setProperty('--ratio', camera.width + ' / ' + camera.height);
    shown = describe({
      removed: removed,
      supported: !!player,
      modeName: NAMES[mode],
      reachable: reachable,
      camera: camera,
      playing: s.playing,
      now: performance.now(),
    });
    message.hidden = !shown;
    if (shown) {
      message.className = 'message ' + shown.kind;
      $('message-title').textContent = shown.title;
      $('message-detail').textContent = shown.detail;
      $('message-detail').title = shown.technical || '';
      $('message-retry').textContent = shown.retry;
    }
    messageAction.hidden = !shown || shown.kind !== 'removed';
    // In the MJPEG and stills modes the server sends an offline camera's viewers a picture that says so itself:
    // under the page's message it would say it a second time, with a countdown of its own. The page's message
    // is the one a screen reader hears and that counts down with the status, so it hides the picture.
    stage.classList.toggle('covered', !!shown && (mode === 'mjpeg' || mode === 'jpeg'));
    const lines = [NAMES[mode] + (s.width ? '  ' + s.width + '×' + s.height : '')];
    if (s.latencyMs !== null) lines.push('latency ' + s.latencyMs + ' ms');
    if (s.fps !== null) lines.push(s.fps + ' fps');
    if (s.reconnects) lines.push(s.reconnects + ' reconnect' + (s.reconnects > 1 ? 's' : ''));
    const heard = sound.stats();
    if (heard.available) lines.push('sound ' + (heard.muted ? 'muted' : 'on') + (heard.avOffsetMs !== null ? ', A/V ' + heard.avOffsetMs + ' ms' : ''));
    if (notice) lines.push(notice);
    overlay.textContent = lines.join('\n');
  }

  /** Every viewer of the camera, whatever the format: each number under viewers (mjpeg, ws, hls, ...). */
  function countViewers(viewers) {
    return Object.values(viewers || {}).reduce((sum, n) => sum + (typeof n === 'number' && isFinite(n) ? n : 0), 0);
  }

  async function refreshStatus() {
    try {
      const response = await fetch('api/status', { cache: 'no-store' });
      if (response.status === 404) {
        // The server answers, but not for this camera any more.
        reachable = true;
        failedPolls = 0;
        markRemoved();
        return;
      }
      if (!response.ok) throw new Error('status ' + response.status);
      const status = await response.json();
      reachable = true;
      failedPolls = 0;
      if (removed) unremove();
      showName(status.name || (status.camera && status.camera.name));
      const cam = status.camera;
      learn(Object.assign({}, cam, { width: cam.width, height: cam.height }));
      const viewers = countViewers(status.viewers);
      caption.textContent = cam.width + '×' + cam.height + ' · camera ' + cam.measuredFps.toFixed(1)
        + ' fps · ' + viewers + ' viewer' + (viewers === 1 ? '' : 's');
    } catch (e) {
      // One lost answer is a hiccup; two in a row is a server that is gone.
      if (++failedPolls >= 2) {
        reachable = false;
        state.textContent = 'server unreachable';
        state.className = 'state error';
      }
    }
  }

  /** With more than one camera, the link to the grid of all of them. */
  async function refreshCameras() {
    try {
      const response = await fetch(ROOT + 'api/cameras', { cache: 'no-store' });
      if (!response.ok) return;
      const list = (await response.json()).cameras || [];
      allCameras.hidden = list.length < 2 && !removed;
    } catch (e) {
      // the status poll says when the server is gone
    }
  }

  const sound = window.CamstreamSound.attach(video, $('sound'), $('sound-level'));

  window.camstream = {
    stats, play, view, sound: sound.stats, measureSync: sound.measureSync,
    camera: () => ({ name: name, removed: removed, root: ROOT }),
  };
  play(requestedMode() || bestMode());
  refreshStatus();
  refreshCameras();
  setInterval(refreshStatus, POLL_MS);
  setInterval(refreshCameras, CAMERAS_POLL_MS);
  setInterval(render, 250);
})();
