'use strict';
// The viewer page: picks the best playback mode, lets the user switch, and shows live statistics.
// window.camstream.stats() returns {mode, latencyMs, fps, width, height, reconnects} for scripts and tests.
(function () {
  const { MsePlayer, Mp4Player, ImagePlayer } = window.CamstreamPlayers;
  const video = document.getElementById('video');
  const img = document.getElementById('live');
  const overlay = document.getElementById('overlay');
  const state = document.getElementById('camera-state');
  const caption = document.getElementById('caption');
  const buttons = Array.from(document.querySelectorAll('#modes button'));
  const MODES = ['mse', 'mp4', 'mjpeg', 'jpeg'];

  let player = null;
  let notice = '';
  let lastError = null;

  const hooks = {
    onNotice(text) { notice = text; },
    onCameraState(cameraState, error) { showCameraState(cameraState, error); },
  };

  function bestMode() {
    if (MsePlayer.supported()) return 'mse';
    if (Mp4Player.supported()) return 'mp4';
    return 'mjpeg';
  }

  function create(mode) {
    switch (mode) {
      case 'mse': return new MsePlayer(video, hooks);
      case 'mp4': return new Mp4Player(video, hooks);
      case 'jpeg': return new ImagePlayer(img, hooks, 'jpeg');
      default: return new ImagePlayer(img, hooks, 'mjpeg');
    }
  }

  function play(mode) {
    if (player) player.stop();
    notice = '';
    player = create(mode);
    if (!document.hidden) player.start();
    buttons.forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.mode === mode)));
  }

  function requestedMode() {
    const mode = new URLSearchParams(location.search).get('mode');
    return MODES.includes(mode) ? mode : null;
  }

  buttons.forEach((button) => button.addEventListener('click', () => {
    const url = new URL(location.href);
    url.searchParams.set('mode', button.dataset.mode);
    history.replaceState(null, '', url);
    play(button.dataset.mode);
  }));

  // A hidden tab costs the camera nothing: disconnect, and come back at the live edge when shown.
  document.addEventListener('visibilitychange', () => {
    if (!player) return;
    if (document.hidden) player.stop();
    else player.start();
  });

  function showCameraState(cameraState, error) {
    state.textContent = 'camera ' + cameraState;
    state.className = 'state ' + cameraState;
    lastError = error || null;
  }

  function stats() {
    return player ? player.stats() : { mode: null, latencyMs: null, fps: null, width: null, height: null, reconnects: 0 };
  }

  function drawOverlay() {
    const s = stats();
    const lines = [s.mode.toUpperCase() + (s.width ? '  ' + s.width + '×' + s.height : '')];
    if (s.latencyMs !== null) lines.push('latency ' + s.latencyMs + ' ms');
    if (s.fps !== null) lines.push(s.fps + ' fps');
    if (s.reconnects) lines.push(s.reconnects + ' reconnect' + (s.reconnects > 1 ? 's' : ''));
    if (notice) lines.push(notice);
    overlay.textContent = lines.join('\n');
  }

  async function refreshStatus() {
    try {
      const response = await fetch('api/status', { cache: 'no-store' });
      const status = await response.json();
      const camera = status.camera;
      showCameraState(camera.state, camera.lastError);
      const viewers = Object.values(status.viewers).reduce((a, b) => a + b, 0);
      caption.textContent = camera.width + '×' + camera.height + ' · camera ' + camera.measuredFps.toFixed(1)
        + ' fps · ' + viewers + ' viewer' + (viewers === 1 ? '' : 's')
        + (lastError ? ' · last error: ' + lastError : '');
    } catch (e) {
      state.textContent = 'server unreachable';
      state.className = 'state error';
    }
  }

  window.camstream = { stats, play };
  play(requestedMode() || bestMode());
  refreshStatus();
  setInterval(refreshStatus, 2000);
  setInterval(drawOverlay, 250);
})();
