'use strict';
// "Use with…" on the viewer page: the camera's RTSP URL to copy, and the settings that Frigate, Home Assistant
// and VLC take for it. Everything comes from the camera's own api/status (its rtsp port and path) and from the
// address this page was opened at, so the URLs are the ones that reach this server from where the user is.
(function () {
  const $ = (id) => document.getElementById(id);
  const REFRESH_MS = 30000;
  const routed = /\/cam\/([a-z0-9-]+)\/[^/]*$/.exec(location.pathname);
  let shown = null;

  /** A host name as a URL takes it: an IPv6 address in brackets. */
  function urlHost() {
    const host = location.hostname;
    return host.includes(':') && !host.startsWith('[') ? '[' + host + ']' : host;
  }

  /** The page's own base URL, for the still image: the camera's directory. */
  function httpBase() {
    return location.origin + location.pathname.replace(/[^/]*$/, '');
  }

  function show(rtsp, camera) {
    const off = !rtsp || rtsp.state === 'off' || !rtsp.port;
    $('rtsp-off').hidden = !off;
    $('rtsp-on').hidden = off;
    $('rtsp-link').textContent = off ? 'RTSP is off' : '';
    if (off) return;
    const url = 'rtsp://' + urlHost() + ':' + rtsp.port + rtsp.path;
    if (url === shown) return;
    shown = url;
    $('rtsp-link').textContent = url;
    $('rtsp-url').value = url;
    const name = (camera && camera.name) || (routed && routed[1]) || 'camera';
    const width = camera && camera.width;
    const height = camera && camera.height;
    $('use-frigate').textContent = [
      'cameras:',
      '  ' + name + ':',
      '    ffmpeg:',
      '      inputs:',
      '        - path: ' + url,
      '          input_args: preset-rtsp-generic',
      '          roles:',
      '            - detect',
      '            - record',
    ].concat(width && height ? ['    detect:', '      width: ' + width, '      height: ' + height] : []).join('\n');
    $('use-home-assistant').textContent = [
      'Still image URL:  ' + httpBase() + 'snapshot.jpg',
      'Stream source:    ' + url,
      'RTSP transport protocol:  TCP',
      'Authentication:   basic (digest works too), with the viewer login if one is set',
    ].join('\n');
    $('use-vlc').textContent = 'vlc ' + url + '\nffplay -rtsp_transport tcp ' + url;
  }

  async function refresh() {
    try {
      const response = await fetch('api/status', { cache: 'no-store' });
      if (!response.ok) return;
      const status = await response.json();
      const camera = status.camera || {};
      show(camera.rtsp || status.rtsp, Object.assign({ name: status.name }, camera));
    } catch (e) {
      // the viewer page's own poll says when the server is gone
    }
  }

  $('rtsp-copy').addEventListener('click', async () => {
    const field = $('rtsp-url');
    try {
      await navigator.clipboard.writeText(field.value);
      $('rtsp-copied').textContent = 'Copied';
    } catch (e) {
      // No clipboard API on plain http:// from another machine: select it for the user's own copy.
      field.focus();
      field.select();
      $('rtsp-copied').textContent = 'Selected: press Ctrl+C (⌘C) to copy';
    }
  });

  window.camstreamUseWith = { url: () => shown };
  refresh();
  setInterval(refresh, REFRESH_MS);
})();
