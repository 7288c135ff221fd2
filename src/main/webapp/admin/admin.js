'use strict';
// The admin page: edits the camera settings through api/config and shows api/status live, with small charts
// of the last five minutes. No library and no build step, so it works on a LAN without internet.
(function () {
  const $ = (id) => document.getElementById(id);

  const POLL_MS = 1000;
  const WINDOW_MS = 5 * 60 * 1000;
  const MAX_SAMPLES = 300;
  // Two missed polls in a row are a gap in the charts, not a line drawn across an outage.
  const GAP_MS = 3.5 * POLL_MS;
  const RESTART_WAIT_MS = 20000;

  const SOURCE_NAMES = {
    test: 'Test pattern',
    rpicam: 'Raspberry Pi camera (rpicam)',
    v4l2: 'USB webcam (v4l2)',
    ffmpeg: 'ffmpeg input (URL or file)',
  };
  const FORMAT_NAMES = { mjpeg: 'MJPEG', jpeg: 'Stills', snapshot: 'Snapshots', h264: 'H.264', mp4: 'MP4', ws: 'WebSocket' };
  const CODEC_NAMES = { h264: 'H.264', mjpeg: 'MJPEG' };
  const LABELS = {
    source: 'Source', width: 'Width', height: 'Height', fps: 'Frame rate', bitrate: 'H.264 bitrate',
    jpegQuality: 'JPEG quality', keyframeInterval: 'Keyframe interval', rotation: 'Rotation',
    hflip: 'Mirror', vflip: 'Flip',
  };

  const form = $('settings');
  const fields = $('fields');
  const applyButton = $('apply');
  const revertButton = $('revert');
  const resetButton = $('reset');
  const resetConfirm = $('reset-confirm');
  const message = $('form-message');
  const summary = $('summary');

  let config = null;      // the last document from api/config
  let busy = false;       // a PUT or DELETE is in flight
  let pending = null;     // an applied change whose camera restart we are watching
  let lastStatusAt = 0;
  let online = null;      // null until the first poll answers or fails
  let failingSince = 0;
  let reloadWhenOnline = false; // a change met a dead connection: show what the server has once it is back
  const samples = [];

  // ---------------------------------------------------------------- formatting

  const integerFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

  function isNumber(value) {
    return typeof value === 'number' && isFinite(value);
  }

  function fixed(value, digits) {
    return isNumber(value) ? value.toFixed(digits) : '–';
  }

  function count(value) {
    return isNumber(value) ? integerFormat.format(value) : '–';
  }

  function bitsPerSecond(bits) {
    if (!isNumber(bits)) return '–';
    if (bits >= 1e6) return (bits / 1e6).toFixed(bits >= 1e7 ? 1 : 2) + ' Mbit/s';
    if (bits >= 1e3) return Math.round(bits / 1e3) + ' kbit/s';
    return Math.round(bits) + ' bit/s';
  }

  function megabytes(bytes) {
    if (!isNumber(bytes)) return '–';
    if (bytes >= 1073741824) return (bytes / 1073741824).toFixed(1) + ' GB';
    return (bytes / 1048576).toFixed(bytes < 1048576 * 100 ? 1 : 0) + ' MB';
  }

  function duration(seconds) {
    if (!isNumber(seconds)) return '–';
    const s = Math.floor(seconds);
    const d = Math.floor(s / 86400);
    const h = Math.floor((s % 86400) / 3600);
    const m = Math.floor((s % 3600) / 60);
    const two = (n) => String(n).padStart(2, '0');
    if (d) return d + ' d ' + h + ' h';
    if (h) return h + ' h ' + two(m) + ' min';
    if (m) return m + ' min ' + two(s % 60) + ' s';
    return s + ' s';
  }

  function clock(date) {
    return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  function size(width, height) {
    return isNumber(width) && isNumber(height) ? width + ' × ' + height : '–';
  }

  function sourceName(id) {
    return SOURCE_NAMES[id] || id || '–';
  }

  function codecName(id) {
    return CODEC_NAMES[id] || (id ? String(id).toUpperCase() : '–');
  }

  function isSavedOrigin(origin) {
    return /admin page/i.test(origin || '');
  }

  // ---------------------------------------------------------------- talking to the server

  /**
   * The absolute URL of an API path. A page opened as http://user:password@host/admin resolves relative URLs
   * with the credentials in them, and fetch refuses those; the browser sends the login by itself anyway.
   */
  function endpoint(path) {
    const url = new URL(path, document.baseURI);
    url.username = '';
    url.password = '';
    return url.href;
  }

  /** One request to the server; resolves to {status, body} and rejects only when the server cannot be reached. */
  async function call(method, url, body, timeoutMs) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs || 15000);
    try {
      const options = { method, credentials: 'same-origin', cache: 'no-store', signal: controller.signal, headers: {} };
      if (body !== undefined) {
        options.headers['Content-Type'] = 'application/json';
        options.body = JSON.stringify(body);
      }
      options.headers.Accept = 'application/json';
      const response = await fetch(endpoint(url), options);
      let parsed = null;
      const text = await response.text();
      try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = null; }
      return { status: response.status, body: parsed };
    } finally {
      clearTimeout(timer);
    }
  }

  function showBanner(text, options) {
    const banner = $('banner');
    $('banner-text').textContent = text;
    banner.classList.toggle('warn', !!(options && options.warn));
    $('banner-reload').hidden = !(options && options.reload);
    banner.hidden = false;
  }

  function hideBanner() {
    $('banner').hidden = true;
  }

  $('banner-reload').addEventListener('click', () => location.reload());

  /** What a 401 or 403 means to the person at the page, or null for any other answer. */
  function accessProblem(status) {
    if (status === 401) {
      return 'You are not logged in, or your login was not accepted (401). Reload the page and log in as an admin.';
    }
    if (status === 403) {
      return 'The server refused this request (403 forbidden). Changes must come from this page on the same '
        + 'address as the server, by a user with the camstream-admin role.';
    }
    return null;
  }

  // ---------------------------------------------------------------- the form

  const inputs = {
    source: $('source'),
    width: $('width'),
    height: $('height'),
    fps: $('fps'),
    bitrate: $('bitrate'),
    jpegQuality: $('jpegQuality'),
    keyframeInterval: $('keyframeInterval'),
    hflip: $('hflip'),
    vflip: $('vflip'),
  };

  function rotationInputs() {
    return Array.from(document.querySelectorAll('input[name="rotation"]'));
  }

  /** Where focus goes for a field, for error links and after a refused change. */
  function focusTarget(name) {
    if (name === 'rotation') {
      const radios = rotationInputs();
      return radios.find((r) => r.checked) || radios[0];
    }
    return inputs[name] || null;
  }

  function numberIn(input) {
    if (input.validity.badInput || input.value.trim() === '') return NaN;
    return Number(input.value);
  }

  /** The form's value of each field, in the server's units, or NaN where a number field holds no number. */
  const readers = {
    source: () => inputs.source.value,
    width: () => numberIn(inputs.width),
    height: () => numberIn(inputs.height),
    fps: () => numberIn(inputs.fps),
    // Shown in kbit/s because that is how people think of it; the server speaks bits per second.
    bitrate: () => { const k = numberIn(inputs.bitrate); return isNaN(k) ? NaN : Math.round(k * 1000); },
    jpegQuality: () => Number(inputs.jpegQuality.value),
    keyframeInterval: () => numberIn(inputs.keyframeInterval),
    rotation: () => { const r = rotationInputs().find((x) => x.checked); return r ? Number(r.value) : NaN; },
    hflip: () => inputs.hflip.checked,
    vflip: () => inputs.vflip.checked,
  };

  /** Fields the server reports; anything else in the form stays hidden. */
  function editable() {
    const values = (config && config.values) || {};
    return Object.keys(readers).filter((name) => name in values);
  }

  function same(a, b) {
    if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) < 1e-9;
    return a === b;
  }

  /** The fields whose form value differs from the loaded one: only these are sent. */
  function changes() {
    const result = {};
    for (const name of editable()) {
      const value = readers[name]();
      if (!same(value, config.values[name])) result[name] = value;
    }
    return result;
  }

  function container(name) {
    return document.querySelector('[data-field~="' + name + '"]');
  }

  function errorElement(name) {
    return $(name + '-error');
  }

  /** Shows a problem next to a field: 'server' for the server's verdict, 'advice' for the page's own check. */
  function setError(name, text, kind) {
    const element = errorElement(name);
    if (!element) return;
    element.textContent = text || '';
    element.hidden = !text;
    element.dataset.kind = text ? kind : '';
    element.classList.toggle('advice', kind === 'advice');
    const input = focusTarget(name);
    if (name === 'rotation') {
      rotationInputs().forEach((r) => r.setAttribute('aria-invalid', String(!!text && kind === 'server')));
    } else if (input) {
      if (text) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
    const box = container(name);
    if (box) {
      const anyServerError = Array.from(box.querySelectorAll('.error')).some((e) => !e.hidden && e.dataset.kind === 'server');
      box.classList.toggle('invalid', anyServerError);
    }
  }

  function clearServerErrors() {
    document.querySelectorAll('.error').forEach((element) => {
      if (element.dataset.kind === 'server') setError(element.id.replace(/-error$/, ''), '', '');
    });
    summary.hidden = true;
  }

  function range(spec) {
    return spec && isNumber(spec.min) && isNumber(spec.max) ? spec : null;
  }

  /**
   * The page's own checks, from the limits the server sent. They only advise: the server is the authority
   * (its limits depend on the source and codec together), so Apply always asks it and shows its answer.
   */
  function advice(name) {
    if (!config) return '';
    const allowed = config.allowed || {};
    const limits = config.limits || {};
    const value = readers[name]();
    const check = (spec, unit, scale) => {
      const r = range(spec);
      if (isNaN(value)) return 'Enter a number.';
      if (!r) return '';
      const s = scale || 1;
      if (value < r.min || value > r.max) {
        return 'Must be from ' + integerFormat.format(r.min / s) + ' to ' + integerFormat.format(r.max / s) + (unit ? ' ' + unit : '') + '.';
      }
      return '';
    };
    switch (name) {
      case 'width':
      case 'height': {
        const base = check(allowed[name]);
        if (base) return base;
        if (!Number.isInteger(value)) return 'Must be a whole number.';
        if (value % 2 !== 0) return 'Must be even: video encoders need even sizes.';
        const max = name === 'width' ? limits.maxWidth : limits.maxHeight;
        if (isNumber(max) && value > max) return 'At most ' + max + (limits.why ? ' for ' + limits.why : '') + '.';
        return '';
      }
      case 'fps': return check(allowed.fps);
      case 'bitrate': return check(allowed.bitrate, 'kbit/s', 1000);
      case 'keyframeInterval': {
        const base = check(allowed.keyframeInterval);
        return base || (Number.isInteger(value) ? '' : 'Must be a whole number.');
      }
      default: return '';
    }
  }

  function refreshAdvice(name) {
    const element = errorElement(name);
    if (!element || element.dataset.kind === 'server') return;
    setError(name, advice(name), 'advice');
  }

  /** Marks changed fields, labels the Apply button and keeps the hints in step with the form. */
  function refreshDirty() {
    if (!config) return;
    const changed = changes();
    const names = Object.keys(changed);
    document.querySelectorAll('[data-field]').forEach((box) => {
      const own = box.dataset.field.split(' ');
      box.classList.toggle('changed', own.some((n) => n in changed));
    });
    applyButton.textContent = names.length ? 'Apply ' + names.length + (names.length === 1 ? ' change' : ' changes') : 'Apply';
    // Stays focusable with nothing to apply (a click says so); it only stands out once there is something to send.
    applyButton.classList.toggle('primary', names.length > 0);
    applyButton.disabled = !config;
    revertButton.disabled = busy || !names.length;
    syncPresets();
    updateHints();
  }

  function syncPresets() {
    const width = readers.width();
    const height = readers.height();
    let matched = false;
    document.querySelectorAll('input[name="preset"]').forEach((radio) => {
      const hit = radio.value !== 'custom' && Number(radio.dataset.width) === width && Number(radio.dataset.height) === height;
      radio.checked = hit;
      matched = matched || hit;
    });
    const custom = document.querySelector('input[name="preset"][value="custom"]');
    if (custom && !matched) custom.checked = true;
  }

  function updateHints() {
    const limits = (config && config.limits) || {};
    const allowed = (config && config.allowed) || {};
    const w = range(allowed.width);
    const h = range(allowed.height);
    const maxWidth = Math.min(w ? w.max : Infinity, isNumber(limits.maxWidth) ? limits.maxWidth : Infinity);
    const maxHeight = Math.min(h ? h.max : Infinity, isNumber(limits.maxHeight) ? limits.maxHeight : Infinity);
    let hint = 'Even numbers';
    if (w && h) hint += ', from ' + w.min + ' × ' + h.min;
    if (isFinite(maxWidth) && isFinite(maxHeight)) {
      hint += ' up to ' + maxWidth + ' × ' + maxHeight + (limits.why ? ' for ' + limits.why : '');
    }
    $('size-hint').textContent = hint + '.';

    const bits = readers.bitrate();
    $('bitrate-hint').textContent = isNaN(bits) ? '' : bitsPerSecond(bits) + '. More is sharper and uses more network.';

    const fps = readers.fps();
    let interval = readers.keyframeInterval();
    // Unset, the interval follows the frame rate ("auto": one a second), so a new rate brings a new interval.
    const automatic = config && config.origins && config.origins.keyframeInterval === 'default'
      && same(interval, config.values.keyframeInterval);
    if (automatic && isNumber(fps) && fps > 0) interval = Math.max(1, Math.round(fps));
    $('keyframeInterval-hint').textContent = isNumber(fps) && fps > 0 && isNumber(interval) && interval > 0
      ? (automatic ? 'Automatic: one keyframe a second (' + interval + ' frames at ' + fps + ' fps) until you set a number. '
        : 'A keyframe every ' + (interval / fps).toFixed(interval / fps < 10 ? 1 : 0) + ' s at ' + fps + ' fps. ')
        + 'Shorter recovers faster from lost frames; longer saves bandwidth.'
      : '';
    $('jpegQuality-value').textContent = inputs.jpegQuality.value;
  }

  function setRange(input, spec, scale) {
    const r = range(spec);
    const s = scale || 1;
    if (r) {
      input.min = String(r.min / s);
      input.max = String(r.max / s);
    }
    if (spec && isNumber(spec.step)) input.step = String(spec.step / s);
  }

  function chip(name, value, text, id) {
    const label = document.createElement('label');
    label.className = 'chip';
    const radio = document.createElement('input');
    radio.type = 'radio';
    radio.name = name;
    radio.value = value;
    if (id) radio.id = id;
    const span = document.createElement('span');
    span.textContent = text;
    label.append(radio, span);
    return { label, radio };
  }

  /** Builds the choices that come from the server: sources, size presets, rotations. */
  function buildChoices(allowed) {
    const select = inputs.source;
    const current = config.values.source;
    const sources = Array.isArray(allowed.source) ? allowed.source.slice() : [];
    if (current && !sources.includes(current)) sources.push(current);
    select.replaceChildren(...sources.map((id) => new Option(sourceName(id), id)));

    const presets = $('presets');
    presets.replaceChildren();
    for (const preset of Array.isArray(allowed.presets) ? allowed.presets : []) {
      const { label, radio } = chip('preset', preset.label || preset.width + 'x' + preset.height,
        (preset.label || preset.width + 'x' + preset.height).replace('x', '×'));
      radio.dataset.width = preset.width;
      radio.dataset.height = preset.height;
      radio.addEventListener('change', () => {
        inputs.width.value = preset.width;
        inputs.height.value = preset.height;
        onEdit('width');
        onEdit('height');
      });
      presets.append(label);
    }
    const custom = chip('preset', 'custom', 'Custom', 'preset-custom');
    // A pointer click on Custom means "let me type": go to the width. Arrow keys only pass through, so stay.
    custom.radio.addEventListener('click', (event) => { if (event.detail > 0) inputs.width.focus(); });
    presets.append(custom.label);

    const rotations = $('rotations');
    rotations.replaceChildren();
    const angles = Array.isArray(allowed.rotation) ? allowed.rotation : [0, 180];
    for (const angle of angles) {
      const { label, radio } = chip('rotation', String(angle), angle === 0 ? 'Upright (0°)' : 'Rotated ' + angle + '°',
        'rotation-' + angle);
      radio.addEventListener('change', () => onEdit('rotation'));
      rotations.append(label);
    }

    setRange(inputs.width, allowed.width);
    setRange(inputs.height, allowed.height);
    setRange(inputs.fps, allowed.fps);
    setRange(inputs.bitrate, allowed.bitrate, 1000);
    setRange(inputs.jpegQuality, allowed.jpegQuality);
    setRange(inputs.keyframeInterval, allowed.keyframeInterval);
    inputs.bitrate.step = 'any';
    inputs.fps.step = 'any';
  }

  /** "command-line flag --width" and "command-line flag --height" read as "command-line flag --width, --height". */
  function sharedOrigin(list) {
    const split = list.map((o) => { const at = o.lastIndexOf(' '); return at > 0 ? [o.slice(0, at), o.slice(at + 1)] : null; });
    if (split.some((s) => !s) || new Set(split.map((s) => s[0])).size !== 1) return '';
    return split[0][0] + ' ' + split.map((s) => s[1]).join(', ');
  }

  function showOrigins(origins) {
    // The server names origins in plain words ("default", "command-line flag --fps"), so they are shown as they are.
    const single = (name) => {
      const element = $(name + '-origin');
      if (!element) return;
      element.textContent = origins[name] || '';
      element.classList.toggle('saved', isSavedOrigin(origins[name]));
    };
    ['source', 'fps', 'bitrate', 'jpegQuality', 'keyframeInterval'].forEach(single);

    // A group shows one origin when its parts agree, otherwise each part's.
    const grouped = (id, names) => {
      const present = names.filter((n) => origins[n]);
      const distinct = new Set(present.map((n) => origins[n]));
      const element = $(id);
      if (!present.length) element.textContent = '';
      else if (distinct.size === 1) element.textContent = origins[present[0]];
      else element.textContent = sharedOrigin(present.map((n) => origins[n]))
        || present.map((n) => LABELS[n].toLowerCase() + ': ' + origins[n]).join(' · ');
      element.classList.toggle('saved', present.some((n) => isSavedOrigin(origins[n])));
    };
    grouped('size-origin', ['width', 'height']);
    grouped('orientation-origin', ['rotation', 'hflip', 'vflip']);

    // The origin also sits on each control, where a pointer user finds it without reading the small print.
    for (const name of Object.keys(readers)) {
      const target = name === 'rotation' ? $('rotations') : inputs[name];
      if (target && origins[name]) target.title = LABELS[name] + ' comes from: ' + origins[name];
    }
  }

  /** Puts a document from api/config into the form. */
  function load(doc) {
    config = doc;
    const values = doc.values || {};
    const allowed = doc.allowed || {};
    // Rebuilding the chips would take focus from one; the choices rarely change, so keep them when they do not.
    const choices = JSON.stringify([allowed, values.source]);
    if (choices !== load.choices) {
      buildChoices(allowed);
      load.choices = choices;
    }

    inputs.source.value = values.source;
    inputs.width.value = values.width;
    inputs.height.value = values.height;
    inputs.fps.value = values.fps;
    inputs.bitrate.value = isNumber(values.bitrate) ? values.bitrate / 1000 : '';
    inputs.jpegQuality.value = values.jpegQuality;
    inputs.keyframeInterval.value = values.keyframeInterval;
    inputs.hflip.checked = !!values.hflip;
    inputs.vflip.checked = !!values.vflip;
    rotationInputs().forEach((r) => { r.checked = Number(r.value) === values.rotation; });

    // A field the server does not offer is not shown at all, rather than shown and ignored.
    document.querySelectorAll('[data-field]').forEach((box) => {
      box.hidden = !box.dataset.field.split(' ').some((n) => n in values);
    });
    $('hflip').closest('.check').hidden = !('hflip' in values);
    $('vflip').closest('.check').hidden = !('vflip' in values);
    $('rotations').hidden = !('rotation' in values);

    showOrigins(doc.origins || {});
    for (const name of Object.keys(readers)) {
      const element = errorElement(name);
      if (element) setError(name, '', '');
      refreshAdvice(name);
    }
    summary.hidden = true;
    const saved = doc.saved !== false;
    resetButton.disabled = busy || !saved;
    $('saved-note').textContent = saved
      ? 'Some settings are saved from this page' + (doc.savedIn ? ', in ' + doc.savedIn : '')
        + '. They override the configuration until you reset them.'
      : 'Nothing is saved from this page: the camera uses the configured values.';
    fields.disabled = busy;
    refreshDirty();
  }

  function onEdit(name) {
    const element = errorElement(name);
    // The value the server refused has changed, so its verdict no longer applies to it.
    if (element && element.dataset.kind === 'server') setError(name, '', '');
    refreshAdvice(name);
    if (name === 'fps') refreshAdvice('keyframeInterval');
    if (summary.hidden === false && !document.querySelector('.error[data-kind="server"]:not([hidden])')) summary.hidden = true;
    refreshDirty();
  }

  for (const [name, input] of Object.entries(inputs)) {
    input.addEventListener('input', () => onEdit(name));
    input.addEventListener('change', () => onEdit(name));
  }

  function say(text, kind) {
    message.textContent = text;
    message.className = 'message' + (kind ? ' ' + kind : '');
  }

  let restoreFocus = null;

  /** While a request runs the form is locked; focus goes back where it was if locking the form took it away. */
  function setBusy(on) {
    busy = on;
    if (on) restoreFocus = document.activeElement;
    fields.disabled = on || !config;
    applyButton.setAttribute('aria-disabled', String(on));
    resetButton.disabled = on || !config || config.saved === false;
    $('reset-yes').disabled = on;
    if (!on && restoreFocus && (document.activeElement === document.body || !document.activeElement)
        && restoreFocus.isConnected && !restoreFocus.disabled) {
      restoreFocus.focus();
    }
    refreshDirty();
  }

  async function loadConfig() {
    say('Loading settings…', 'busy');
    let answer;
    try {
      answer = await call('GET', 'api/config');
    } catch (e) {
      say('Cannot reach the server to load the settings. Trying again…', 'bad');
      setTimeout(loadConfig, 3000);
      return;
    }
    const problem = accessProblem(answer.status);
    if (problem) {
      showBanner(problem, { reload: answer.status === 401 });
      say('The settings cannot be shown: ' + (answer.status === 401 ? 'not logged in.' : 'access refused.'), 'bad');
      return;
    }
    if (answer.status !== 200 || !answer.body || !answer.body.values) {
      say('The server answered ' + answer.status + ' for the settings'
        + (answer.body && answer.body.error ? ': ' + answer.body.error : '.') + ' Trying again…', 'bad');
      setTimeout(loadConfig, 5000);
      return;
    }
    load(answer.body);
    say('');
  }

  /** Shows why the server did not apply a change. Nothing changed on the server in any of these cases. */
  function refused(answer, what) {
    const body = answer.body || {};
    const problem = accessProblem(answer.status);
    if (problem) {
      showBanner(problem, { reload: answer.status === 401 });
      say('Not ' + what + ': ' + (answer.status === 401 ? 'not logged in (401).' : 'refused (403).'), 'bad');
      return;
    }
    const error = body.error || ('the server answered ' + answer.status);
    const field = body.field && errorElement(body.field) ? body.field : null;
    const list = $('summary-list');
    list.replaceChildren();
    if (answer.status === 400 && field) {
      setError(field, error, 'server');
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = '#' + (focusTarget(field) ? focusTarget(field).id : field);
      link.textContent = LABELS[field] || field;
      link.addEventListener('click', (event) => {
        event.preventDefault();
        focusField(field);
      });
      item.append(link, ': ' + (body.reason || error));
      list.append(item);
      $('summary-text').textContent = 'Nothing was changed. The server refused this value:';
      summary.hidden = false;
      say('Not ' + what + ': the server refused ' + (LABELS[field] || field).toLowerCase() + '.', 'bad');
      focusField(field);
    } else {
      $('summary-text').textContent = 'Nothing was changed. ' + error.charAt(0).toUpperCase() + error.slice(1)
        + (answer.status === 415 ? ' (the page sent an unexpected content type)' : '');
      summary.hidden = false;
      say('Not ' + what + ' (' + answer.status + ').', 'bad');
    }
  }

  function focusField(name) {
    const target = focusTarget(name);
    if (!target) return;
    target.focus({ preventScroll: true });
    (container(name) || target).scrollIntoView({ block: 'center', behavior: 'smooth' });
  }

  async function apply(event) {
    event.preventDefault();
    if (busy || !config) return;
    hideResetConfirm();
    const changed = changes();
    const unreadable = Object.keys(changed).filter((name) => typeof changed[name] === 'number' && isNaN(changed[name]));
    if (unreadable.length) {
      unreadable.forEach((name) => setError(name, 'Enter a number.', 'advice'));
      say('Enter a number in ' + unreadable.map((n) => LABELS[n].toLowerCase()).join(' and ') + '.', 'bad');
      focusField(unreadable[0]);
      return;
    }
    if (!Object.keys(changed).length) {
      say('Nothing to apply: the form shows the settings the camera uses.');
      return;
    }
    clearServerErrors();
    setBusy(true);
    say('Applying… the camera restarts.', 'busy');
    let answer;
    try {
      answer = await call('PUT', 'api/config', changed);
    } catch (e) {
      setBusy(false);
      say('Cannot reach the server, so the change may not have been applied. The form reloads when the server is back.', 'bad');
      reloadWhenOnline = true;
      return;
    }
    setBusy(false);
    if (answer.status === 200 && answer.body && answer.body.values) {
      hideBanner();
      load(answer.body);
      watchRestart('Applied');
    } else {
      refused(answer, 'applied');
    }
  }

  /** After a change the camera restarts; the status poll reports when it is back with the new settings. */
  function watchRestart(done) {
    pending = {
      done,
      deadline: performance.now() + RESTART_WAIT_MS,
      width: config.values.width,
      height: config.values.height,
      // A poll answered before the change was made still shows the old camera.
      after: performance.now(),
    };
    say(done + '. Waiting for the camera to restart…', 'busy');
  }

  function checkRestart(status, answeredAt) {
    if (!pending || answeredAt < pending.after) return;
    const camera = status.camera || {};
    const now = performance.now();
    if (camera.state === 'running' && camera.width === pending.width && camera.height === pending.height
        && camera.measuredFps > 0) {
      say(pending.done + '. The camera is running at ' + size(camera.width, camera.height) + ', '
        + fixed(camera.measuredFps, 1) + ' fps.', 'ok');
      pending = null;
    } else if (camera.state === 'idle' && viewerTotal(status.viewers) === 0) {
      say(pending.done + '. The camera is idle because nobody is watching; it starts with these settings when someone does.', 'ok');
      pending = null;
    } else if (now > pending.deadline) {
      say(pending.done + ', but the camera has not come back after ' + RESTART_WAIT_MS / 1000
        + ' s. The last error and the camera log below may say why.', 'bad');
      pending = null;
    } else if (camera.lastError && (camera.state === 'restarting' || camera.state === 'closed')) {
      say(pending.done + '. The camera is ' + camera.state + ': ' + camera.lastError, 'busy');
    }
  }

  form.addEventListener('submit', apply);

  revertButton.addEventListener('click', () => {
    if (!config) return;
    load(config);
    say('Changes undone: the form shows the settings the camera uses.');
    applyButton.focus();
  });

  // ---------------------------------------------------------------- reset

  function hideResetConfirm() {
    resetConfirm.hidden = true;
    resetButton.setAttribute('aria-expanded', 'false');
  }

  resetButton.addEventListener('click', () => {
    const open = resetConfirm.hidden;
    resetConfirm.hidden = !open;
    resetButton.setAttribute('aria-expanded', String(open));
    // The least destructive choice takes focus, so that a second Enter does not reset by accident.
    if (open) $('reset-no').focus();
  });

  $('reset-no').addEventListener('click', () => {
    hideResetConfirm();
    resetButton.focus();
  });

  resetConfirm.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      hideResetConfirm();
      resetButton.focus();
    }
  });

  $('reset-yes').addEventListener('click', async () => {
    if (busy) return;
    hideResetConfirm();
    clearServerErrors();
    setBusy(true);
    say('Resetting… the camera restarts.', 'busy');
    let answer;
    try {
      answer = await call('DELETE', 'api/config');
    } catch (e) {
      setBusy(false);
      say('Cannot reach the server, so the reset may not have happened. The form reloads when the server is back.', 'bad');
      reloadWhenOnline = true;
      resetButton.focus();
      return;
    }
    setBusy(false);
    if (answer.status === 200) {
      hideBanner();
      if (answer.body && answer.body.values) load(answer.body);
      else await loadConfig();
      watchRestart('Reset to the configured values');
    } else {
      refused(answer, 'reset');
    }
    (resetButton.disabled ? applyButton : resetButton).focus();
  });

  // ---------------------------------------------------------------- live status

  function text(id, value) {
    const element = $(id);
    if (element.textContent !== value) element.textContent = value;
  }

  function showState(state, label) {
    const pill = $('camera-state');
    pill.dataset.state = state;
    text('camera-state', label);
  }

  function viewerTotal(viewers) {
    return Object.values(viewers || {}).reduce((sum, n) => sum + (isNumber(n) ? n : 0), 0);
  }

  function renderViewers(viewers) {
    const list = $('viewers');
    const names = Object.keys(FORMAT_NAMES).filter((f) => f in viewers)
      .concat(Object.keys(viewers).filter((f) => !(f in FORMAT_NAMES)));
    const items = names.map((format) => {
      const item = document.createElement('li');
      const n = viewers[format];
      item.className = n ? '' : 'zero';
      const b = document.createElement('b');
      b.textContent = count(n);
      item.append((FORMAT_NAMES[format] || format) + ' ', b);
      item.dataset.format = format;
      return item;
    });
    const signature = names.map((f) => f + viewers[f]).join();
    if (list.dataset.signature !== signature) {
      list.dataset.signature = signature;
      list.replaceChildren(...items);
    }
    text('viewers-total', count(viewerTotal(viewers)));
  }

  const log = $('camera-log');

  function renderLog(lines) {
    const content = Array.isArray(lines) && lines.length ? lines.join('\n') : '';
    const shown = content || 'No messages from the camera process.';
    if (log.textContent === shown) return;
    // Follow new lines, unless the reader has scrolled up to read older ones.
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 24;
    log.textContent = shown;
    log.classList.toggle('empty', !content);
    if (atBottom) log.scrollTop = log.scrollHeight;
  }

  let lastBytes = null;

  function renderStatus(status, answeredAt) {
    const camera = status.camera || {};
    const h264 = camera.h264 || null;
    showState(camera.state || 'unknown', 'camera ' + (camera.state || 'unknown'));

    const stateText = (camera.state || '–') + (isNumber(camera.pid) && camera.state === 'running' ? ' · pid ' + camera.pid : '');
    text('st-camera', stateText);
    $('st-camera').dataset.state = camera.state || 'unknown';
    text('st-source', sourceName(camera.source) + ' · ' + codecName(camera.codec));
    text('st-size', size(camera.width, camera.height));
    text('measured-fps', isNumber(camera.measuredFps) ? fixed(camera.measuredFps, 1) + ' fps' : '–');
    text('configured-fps', isNumber(camera.configuredFps) ? '(' + fixed(camera.configuredFps, camera.configuredFps % 1 ? 2 : 0) + ' set)' : '');

    const configured = config && config.values && isNumber(config.values.bitrate) ? '(' + bitsPerSecond(config.values.bitrate) + ' set)' : '';
    if (h264 && isNumber(h264.measuredBitrate)) text('st-bitrate', bitsPerSecond(h264.measuredBitrate));
    else text('st-bitrate', h264 ? 'not measured' : 'no H.264 stream');
    text('configured-bitrate', h264 ? configured : '');

    // What goes out to viewers, from the byte counter: the figure that matters on a Pi on Wi-Fi.
    if (lastBytes && isNumber(status.bytesSent) && answeredAt > lastBytes.at && status.bytesSent >= lastBytes.bytes) {
      const rate = (status.bytesSent - lastBytes.bytes) * 8 / ((answeredAt - lastBytes.at) / 1000);
      text('st-sending', bitsPerSecond(rate));
    }
    lastBytes = isNumber(status.bytesSent) ? { bytes: status.bytesSent, at: answeredAt } : null;

    text('st-restarts', count(camera.restarts));
    const transcoder = status.transcoder;
    if (transcoder && transcoder.state) {
      text('st-transcoder', transcoder.state
        + (transcoder.from && transcoder.to ? ' · ' + codecName(transcoder.from) + ' → ' + codecName(transcoder.to) : ''));
    } else {
      text('st-transcoder', 'none');
    }
    text('st-frames', count(status.framesSent));
    text('st-dropped', isNumber(status.framesDropped) ? '(' + count(status.framesDropped) + ' dropped)' : '');
    text('st-uptime', duration(status.uptimeSeconds));

    const jvm = status.jvm || {};
    text('st-heap', megabytes(jvm.heapUsedBytes) + ' of ' + megabytes(jvm.heapMaxBytes));
    text('st-threads', count(jvm.threads));
    const bar = $('st-heap-bar');
    const share = isNumber(jvm.heapUsedBytes) && jvm.heapMaxBytes > 0 ? jvm.heapUsedBytes / jvm.heapMaxBytes : 0;
    bar.style.width = (share * 100).toFixed(1) + '%';
    bar.classList.toggle('high', share > 0.85);

    const error = camera.lastError || (transcoder && transcoder.lastError ? 'transcoder: ' + transcoder.lastError : '');
    text('st-error', error || 'none');
    $('st-error').classList.toggle('has-error', !!error);

    renderViewers(status.viewers || {});
    renderLog(camera.recentLog);
  }

  function markOnline() {
    if (online === false) {
      hideBanner();
      if (reloadWhenOnline && !busy) {
        reloadWhenOnline = false;
        loadConfig();
      }
    }
    online = true;
    failingSince = 0;
    text('poll-state', '');
  }

  function markOffline(why) {
    if (online !== false) failingSince = Date.now();
    online = false;
    showState('offline', 'server unreachable');
    text('poll-state', lastStatusAt ? 'last update ' + clock(new Date(lastStatusAt)) : '');
    showBanner('Cannot reach the camstream server (' + why + ') since ' + clock(new Date(failingSince))
      + '. The page keeps trying every second.', { warn: true });
  }

  async function poll() {
    const started = performance.now();
    try {
      const answer = await call('GET', 'api/status', undefined, 4000);
      const answeredAt = performance.now();
      const problem = accessProblem(answer.status);
      if (problem) {
        showState('error', 'status ' + answer.status);
        showBanner(problem, { reload: answer.status === 401 });
        online = true;
      } else if (answer.status !== 200 || !answer.body) {
        markOffline('status answered ' + answer.status);
        addSample(null, answeredAt);
      } else {
        markOnline();
        lastStatusAt = Date.now();
        renderStatus(answer.body, answeredAt);
        addSample(answer.body, answeredAt);
        checkRestart(answer.body, started);
      }
    } catch (e) {
      markOffline(e && e.name === 'AbortError' ? 'no answer in 4 s' : 'no connection');
    }
    drawCharts();
    setTimeout(poll, Math.max(0, POLL_MS - (performance.now() - started)));
  }

  // ---------------------------------------------------------------- charts

  function addSample(status, at) {
    if (!status) return;
    const camera = status.camera || {};
    const h264 = camera.h264;
    samples.push({
      t: at,
      fps: isNumber(camera.measuredFps) ? camera.measuredFps : null,
      fpsSet: camera.state === 'running' && isNumber(camera.configuredFps) ? camera.configuredFps : null,
      bitrate: h264 && isNumber(h264.measuredBitrate) ? h264.measuredBitrate : null,
      bitrateSet: h264 && config && config.values && isNumber(config.values.bitrate) ? config.values.bitrate : null,
      viewers: status.viewers ? viewerTotal(status.viewers) : null,
    });
    if (samples.length > MAX_SAMPLES) samples.splice(0, samples.length - MAX_SAMPLES);
  }

  /** The smallest "round" number at or above v: 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten. */
  function niceCeil(v) {
    if (!(v > 0)) return 1;
    const power = Math.pow(10, Math.floor(Math.log10(v)));
    for (const step of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
      if (step * power >= v - 1e-9) return step * power;
    }
    return 10 * power;
  }

  function palette() {
    const style = getComputedStyle(document.documentElement);
    const css = (name) => style.getPropertyValue(name).trim();
    return { line: css('--accent'), fill: css('--chart-fill'), grid: css('--chart-grid'), text: css('--muted'), fg: css('--fg') };
  }

  class Chart {
    constructor(id, options) {
      this.canvas = $(id);
      this.now = $(id + '-now');
      this.range = $(id + '-range');
      this.key = options.key;
      this.refKey = options.refKey;
      this.format = options.format;
      this.axis = options.axis || options.format;
      this.short = options.short || options.format;
      this.unit = options.unit ? ' ' + options.unit : '';
      this.minTop = options.minTop || 1;
      this.empty = options.empty;
    }

    draw(all, now, colors) {
      const canvas = this.canvas;
      const width = canvas.clientWidth;
      const height = canvas.clientHeight;
      if (!width || !height) return;
      // Back the canvas with device pixels, so lines and labels stay sharp on high-DPI screens.
      const dpr = window.devicePixelRatio || 1;
      const pixelWidth = Math.round(width * dpr);
      const pixelHeight = Math.round(height * dpr);
      if (canvas.width !== pixelWidth || canvas.height !== pixelHeight) {
        canvas.width = pixelWidth;
        canvas.height = pixelHeight;
      }
      const g = canvas.getContext('2d');
      g.setTransform(dpr, 0, 0, dpr, 0, 0);
      g.clearRect(0, 0, width, height);

      const from = now - WINDOW_MS;
      const shown = all.filter((s) => s.t >= from);
      const values = shown.map((s) => s[this.key]).filter(isNumber);
      const refs = this.refKey ? shown.map((s) => s[this.refKey]).filter(isNumber) : [];
      const top = niceCeil(Math.max(this.minTop, ...values.map((v) => v * 1.1), ...refs.map((v) => v * 1.05)));

      const plot = { left: 0.5, right: width - 0.5, top: 7, bottom: height - 17 };
      const x = (t) => plot.left + (plot.right - plot.left) * (t - from) / WINDOW_MS;
      const y = (v) => plot.bottom - (plot.bottom - plot.top) * v / top;
      const crisp = (v) => (Math.round(v * dpr) + 0.5) / dpr;

      g.font = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
      g.lineWidth = 1;
      g.strokeStyle = colors.grid;
      g.beginPath();
      for (const v of [0, top / 2, top]) {
        g.moveTo(plot.left, crisp(y(v)));
        g.lineTo(plot.right, crisp(y(v)));
      }
      g.stroke();

      // Scale labels sit just inside the plot at the left; the time axis runs below it.
      g.fillStyle = colors.text;
      g.textBaseline = 'top';
      g.textAlign = 'left';
      g.fillText(this.axis(top), plot.left + 3, y(top) + 2);
      g.textBaseline = 'bottom';
      g.fillText('0', plot.left + 3, y(0) - 1);
      g.textBaseline = 'alphabetic';
      g.fillText('5 min ago', plot.left, height - 3);
      g.textAlign = 'right';
      g.fillText('now', plot.right, height - 3);

      if (this.refKey) {
        g.save();
        g.setLineDash([4, 3]);
        g.strokeStyle = colors.text;
        this.path(g, shown, this.refKey, x, y, false);
        g.restore();
      }

      let points = 0;
      if (values.length) {
        g.fillStyle = colors.fill;
        this.path(g, shown, this.key, x, y, true);
        g.strokeStyle = colors.line;
        g.lineWidth = 1.75;
        g.lineJoin = 'round';
        points = this.path(g, shown, this.key, x, y, false);
        const last = shown[shown.length - 1];
        if (last && isNumber(last[this.key])) {
          g.fillStyle = colors.line;
          g.beginPath();
          g.arc(x(last.t), y(last[this.key]), 2.75, 0, Math.PI * 2);
          g.fill();
        }
      } else {
        g.fillStyle = colors.text;
        g.textAlign = 'center';
        g.textBaseline = 'middle';
        g.fillText(shown.length ? this.empty : 'waiting for data…', width / 2, (plot.top + plot.bottom) / 2);
      }
      canvas.dataset.points = String(points);

      const last = shown.length ? shown[shown.length - 1][this.key] : null;
      this.now.textContent = isNumber(last) ? this.format(last) : '–';
      const range = values.length
        ? 'min ' + this.short(Math.min(...values)) + ' · max ' + this.short(Math.max(...values)) + this.unit : '';
      const reference = this.refKey && refs.length ? this.short(refs[refs.length - 1]) : null;
      const signature = range + '|' + reference;
      if (this.range.dataset.signature !== signature) {
        this.range.dataset.signature = signature;
        this.range.replaceChildren(range);
        if (reference !== null) {
          // A key for the dashed line: the configured value the measured one should sit on.
          const dash = document.createElement('span');
          dash.className = 'dash';
          this.range.append(range ? ' · ' : '', dash, 'set ' + reference);
        }
      }
    }

    /** Strokes (or fills down to zero) each run of samples without gaps; returns the points drawn. */
    path(g, shown, key, x, y, fill) {
      let points = 0;
      let run = [];
      const flush = () => {
        if (run.length) {
          g.beginPath();
          g.moveTo(x(run[0].t), y(run[0][key]));
          for (const s of run.slice(1)) g.lineTo(x(s.t), y(s[key]));
          if (run.length === 1) g.lineTo(x(run[0].t) + 1, y(run[0][key]));
          if (fill) {
            g.lineTo(x(run[run.length - 1].t), y(0));
            g.lineTo(x(run[0].t), y(0));
            g.closePath();
            g.fill();
          } else {
            g.stroke();
          }
          points += run.length;
        }
        run = [];
      };
      let previous = null;
      for (const s of shown) {
        if (!isNumber(s[key]) || (previous && s.t - previous.t > GAP_MS)) flush();
        if (isNumber(s[key])) run.push(s);
        previous = s;
      }
      flush();
      return points;
    }
  }

  const fpsText = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1)) + ' fps';
  const charts = [
    new Chart('chart-fps', {
      key: 'fps', refKey: 'fpsSet', minTop: 1,
      format: (v) => v.toFixed(1) + ' fps', axis: fpsText, short: (v) => v.toFixed(1), unit: 'fps',
      empty: 'no frame rate reported',
    }),
    new Chart('chart-bitrate', {
      key: 'bitrate', refKey: 'bitrateSet', minTop: 100000,
      format: bitsPerSecond, short: (v) => (v / 1e6).toFixed(2), unit: 'Mbit/s',
      empty: 'no H.264 bitrate reported',
    }),
    new Chart('chart-viewers', {
      key: 'viewers', minTop: 2,
      format: (v) => count(v), empty: 'no viewer counts',
    }),
  ];

  function drawCharts() {
    const colors = palette();
    const now = performance.now();
    charts.forEach((chart) => chart.draw(samples, now, colors));
  }

  // Redraw at once when the layout, the screen's pixel density or the colour scheme changes.
  if (window.ResizeObserver) new ResizeObserver(() => drawCharts()).observe($('chart-fps').closest('.charts'));
  window.addEventListener('resize', drawCharts);
  if (window.matchMedia) {
    const dark = window.matchMedia('(prefers-color-scheme: dark)');
    if (dark.addEventListener) dark.addEventListener('change', drawCharts);
  }

  // ---------------------------------------------------------------- picture preview

  // Off by default: the preview makes this page a viewer, which keeps the camera running.
  const previewButton = $('preview-toggle');
  let preview = null;

  function setPreview(on) {
    const Players = window.CamstreamPlayers;
    if (on && !preview && Players) {
      preview = new Players.ImagePlayer($('preview-img'), { onNotice() {}, onCameraState() {} }, 'jpeg');
      preview.start();
    } else if (!on && preview) {
      preview.stop();
      preview = null;
    }
    $('preview').hidden = !on;
    previewButton.setAttribute('aria-pressed', String(on));
    previewButton.textContent = on ? 'Hide picture' : 'Show picture';
  }

  if (!window.CamstreamPlayers) previewButton.hidden = true;
  previewButton.addEventListener('click', () => setPreview(previewButton.getAttribute('aria-pressed') !== 'true'));
  document.addEventListener('visibilitychange', () => {
    if (!preview) return;
    if (document.hidden) preview.stop();
    else preview.start();
  });

  // ---------------------------------------------------------------- start

  updateHints();
  drawCharts();
  loadConfig();
  poll();
})();
