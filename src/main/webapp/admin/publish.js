'use strict';
// The admin page's "Relays" card: each relay the camera shown publishes to, from cam/<name>/api/status, and its
// publish setting, changed through api/config?camera=<name>. A file of its own, with its own poll, so that it
// stays apart from admin.js, which tells it the camera shown (the event camstream-admin:camera).
(function () {
  const POLL_MS = 2000;
  const STATE_NAMES = { starting: 'starting', publishing: 'publishing', retrying: 'retrying', stopped: 'stopped' };
  // The colours of the camera pill (admin.css): publishing is running, the rest are on their way or idle.
  const PILL_STATES = { starting: 'starting', publishing: 'running', retrying: 'restarting', stopped: 'idle' };

  function el(tag, props, children) {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    (children || []).forEach((child) => node.append(child));
    return node;
  }

  function endpoint(path) {
    const url = new URL(path, document.baseURI);
    url.username = '';
    url.password = '';
    return url.href;
  }

  async function call(method, path, body) {
    const options = { method, credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    const response = await fetch(endpoint(path), options);
    let parsed = null;
    try { parsed = await response.json(); } catch (e) { parsed = null; }
    return { status: response.status, body: parsed };
  }

  // The camera shown, as admin.js announces it; null until then, which is the server's first camera.
  let camera = null;
  let generation = 0; // one more with each camera shown: older answers are dropped
  let pollTimer = null;

  function cameraQuery() {
    return camera ? '?camera=' + encodeURIComponent(camera) : '';
  }

  function cameraBase() {
    return camera ? 'cam/' + encodeURIComponent(camera) + '/' : '';
  }

  function bits(value) {
    if (typeof value !== 'number' || !isFinite(value) || value <= 0) return '–';
    return value >= 1e6 ? (value / 1e6).toFixed(2) + ' Mbit/s' : Math.round(value / 1e3) + ' kbit/s';
  }

  // ---------------------------------------------------------------- the card

  const list = el('ul', { id: 'relays' });
  Object.assign(list.style, { listStyle: 'none', margin: '0 0 1rem', padding: '0' });
  const empty = el('p', { className: 'hint', textContent: 'camstream publishes to no relay.' });
  const input = el('input', { id: 'publish', name: 'publish', type: 'text', spellcheck: false, autocomplete: 'off' });
  input.setAttribute('aria-describedby', 'publish-hint publish-error');
  const hint = el('p', { id: 'publish-hint', className: 'hint' });
  const error = el('p', { id: 'publish-error', className: 'error', hidden: true });
  error.setAttribute('role', 'alert');
  const apply = el('button', { type: 'submit', className: 'button', textContent: 'Publish to these' });
  const stop = el('button', { type: 'button', className: 'button subtle', textContent: 'Stop publishing' });
  const message = el('p', { className: 'message' });
  message.setAttribute('role', 'status');
  const form = el('form', { noValidate: true }, [
    el('div', { className: 'field' }, [
      el('div', { className: 'field-head' }, [el('label', { htmlFor: 'publish', textContent: 'Relay URLs' })]),
      input, hint, error,
    ]),
    el('div', { className: 'actions' }, [apply, stop]),
    message,
  ]);
  const card = el('section', { className: 'card relays' }, [
    el('h2', { id: 'relays-title', textContent: 'Relays' }),
    el('p', { className: 'lead', textContent: 'camstream copies its H.264 stream to these media servers (MediaMTX,'
      + ' nginx-rtmp, SRS), which serve RTSP, WebRTC and many more viewers. Changing them does not restart the camera.' }),
    list, empty, form,
  ]);
  card.setAttribute('aria-labelledby', 'relays-title');

  const status = document.querySelector('section.status');
  if (status && status.parentNode) status.parentNode.insertBefore(card, status.nextSibling);
  else (document.querySelector('main') || document.body).append(card);

  // ---------------------------------------------------------------- status

  function row(term, value) {
    return el('div', {}, [el('dt', { textContent: term }), el('dd', { textContent: value })]);
  }

  function render(publishers) {
    list.replaceChildren();
    empty.hidden = publishers.length > 0;
    for (const p of publishers) {
      const pill = el('span', { className: 'pill', textContent: STATE_NAMES[p.state] || p.state });
      pill.dataset.state = PILL_STATES[p.state] || 'idle';
      const stats = el('dl', { className: 'stats' }, [
        row('Bitrate', bits(p.bitrate)),
        row('Frames', typeof p.frames === 'number' ? String(p.frames) : '–'),
        row('Picture', p.width && p.height ? p.width + ' × ' + p.height : '–'),
        row('Skipped', String(p.droppedFrames || 0)),
        row('Restarts', String(p.restarts || 0)),
      ]);
      if (p.state === 'retrying' && typeof p.retryInMs === 'number') {
        stats.append(row('Next try', 'in ' + (p.retryInMs / 1000).toFixed(1) + ' s'));
      }
      if (p.lastError) {
        const wide = row('Last error', p.lastError);
        wide.className = 'wide';
        stats.append(wide);
      }
      const item = el('li', {}, [el('p', {}, [el('code', { textContent: p.url }), ' ', pill]), stats]);
      Object.assign(item.style, { borderTop: '1px solid var(--line)', padding: '.25rem 0 .75rem', overflowWrap: 'anywhere' });
      list.append(item);
    }
  }

  async function poll() {
    clearTimeout(pollTimer);
    const mine = generation;
    try {
      const answer = await call('GET', cameraBase() + 'api/status');
      // An answer about a camera no longer shown is dropped: the poll for the new one is on its way.
      if (mine !== generation) return;
      if (answer.status === 200 && answer.body && Array.isArray(answer.body.publish)) render(answer.body.publish);
    } catch (e) {
      // admin.js reports an unreachable server; this card keeps what it showed
      if (mine !== generation) return;
    }
    pollTimer = setTimeout(poll, POLL_MS);
  }

  // ---------------------------------------------------------------- the setting

  function showCurrent(config) {
    if (!config || !config.values || !('publish' in config.values)) {
      form.hidden = true; // a server without the setting
      return;
    }
    // Never the raw list, which holds passwords and stream keys: what the server masked (absent when empty).
    const current = (config.masked && config.masked.publish) || '';
    hint.textContent = (current ? 'Now: ' + current + '. Secrets are shown as ***; enter the whole list to change it. '
      : '') + 'rtmp://, rtmps://, rtsp:// or srt:// URLs, up to 4, separated by commas.';
    stop.disabled = !current;
  }

  async function save(value) {
    error.hidden = true;
    message.textContent = 'Applying…';
    const mine = generation;
    try {
      const answer = await call('PUT', 'api/config' + cameraQuery(), { publish: value });
      if (mine !== generation) return;
      if (answer.status === 200) {
        message.textContent = value ? 'Publishing to the new list.' : 'Publishing stopped.';
        input.value = '';
        input.removeAttribute('aria-invalid');
        showCurrent(answer.body);
      } else {
        message.textContent = '';
        error.textContent = (answer.body && (answer.body.reason || answer.body.error)) || 'refused (' + answer.status + ')';
        error.hidden = false;
        input.setAttribute('aria-invalid', 'true');
        input.focus();
      }
    } catch (e) {
      message.textContent = 'The server could not be reached; nothing changed.';
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!input.value.trim()) {
      error.textContent = 'Enter at least one URL, or use Stop publishing.';
      error.hidden = false;
      input.focus();
      return;
    }
    save(input.value.trim());
  });
  stop.addEventListener('click', () => save(''));

  document.addEventListener('camstream-admin:camera', (event) => {
    const detail = event.detail || {};
    const next = detail.camera || null;
    if (next !== camera) {
      camera = next;
      generation++;
      list.replaceChildren();
      empty.hidden = true;
      input.value = '';
      error.hidden = true;
      input.removeAttribute('aria-invalid');
      message.textContent = '';
      poll();
    }
    if (detail.config) showCurrent(detail.config);
  });

  // Without admin.js, the card still shows the first camera's relays.
  if (!camera) {
    call('GET', 'api/config').then((answer) => { if (!camera) showCurrent(answer.body); }, () => {});
  }
  poll();
})();
