'use strict';
// Shows the camera's state under the live picture. The picture itself is a plain <img> on the MJPEG stream.
(function () {
  const state = document.getElementById('camera-state');
  const caption = document.getElementById('caption');
  const live = document.getElementById('live');

  async function refresh() {
    try {
      const response = await fetch('api/status', { cache: 'no-store' });
      const status = await response.json();
      const camera = status.camera;
      state.textContent = 'camera ' + camera.state;
      state.className = 'state ' + camera.state;
      caption.textContent = camera.width + '×' + camera.height + ' · ' + camera.measuredFps.toFixed(1) + ' fps · '
        + Object.values(status.viewers).reduce((a, b) => a + b, 0) + ' viewer(s)'
        + (camera.lastError ? ' · last error: ' + camera.lastError : '');
    } catch (e) {
      state.textContent = 'server unreachable';
      state.className = 'state error';
    }
  }

  // A multipart <img> ends for good when its connection drops; reconnect it.
  live.addEventListener('error', () => setTimeout(() => { live.src = 'stream.mjpeg?t=' + Date.now(); }, 1000));
  refresh();
  setInterval(refresh, 2000);
})();
