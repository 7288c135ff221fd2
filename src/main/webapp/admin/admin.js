'use strict';
// The admin page: lists the cameras, adds, renames and removes them through api/config/cameras, edits the chosen
// camera's settings through api/config?camera=<name> and shows its cam/<name>/api/status live, with small charts
// of the last five minutes. No library and no build step, so it works on a LAN without internet.
(function () {
  const $ = (id) => document.getElementById(id);

  const POLL_MS = 1000;
  const WINDOW_MS = 5 * 60 * 1000;
  // The server's history holds 300 (five minutes at one a second); the page's own polls come on top.
  const MAX_SAMPLES = 600;
  const CHECK_DELAY_MS = 250;
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
    hflip: 'Mirror', vflip: 'Flip', camera: 'Camera number', device: 'Webcam', input: 'Input', audio: 'Sound',
    maxViewers: 'Viewers at most',
  };
  const PIXEL_FORMATS = { mjpeg: 'MJPEG', h264: 'H.264', yuyv422: 'YUYV', nv12: 'NV12', yuv420p: 'YUV 4:2:0' };

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

  // The camera this page shows: the URL's ?camera=<name>, else the server's first one once api/config names it.
  let selected = new URLSearchParams(location.search).get('camera') || null;
  // Every switch to another camera starts a new epoch: the answers and timers of an older one are dropped, so
  // that nothing of the previous camera keeps running or lands in the new one's form, status or charts.
  let epoch = 0;
  let pollTimer = null;
  let loadTimer = null;
  // The camera being renamed or removed from this page: its URLs answer 404 before the change's own answer
  // comes, which then shows the camera to go on with; until then a 404 of its is no news.
  let leaving = null;

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

  /** "?camera=garden" for the API paths that take the camera as a parameter; nothing before one is known. */
  function cameraQuery(name) {
    return name ? '?camera=' + encodeURIComponent(name) : '';
  }

  /** "cam/garden/", under which a camera's own endpoints are; the root (the first camera) before one is known. */
  function cameraBase(name) {
    return name ? 'cam/' + encodeURIComponent(name) + '/' : '';
  }

  /** A camera's viewer page as a path on this server, with the context path the WAR may be deployed under. */
  function pagePath(name) {
    return new URL(cameraBase(name), document.baseURI).pathname;
  }

  /** The camera whose settings the form holds, else the one selected. */
  function currentName() {
    return (config && config.camera) || selected;
  }

  /** Who uses a device, in words, when it is another camera than this one; '' otherwise. */
  function usedElsewhere(usedBy) {
    return usedBy && usedBy !== currentName() ? 'in use by ' + usedBy : '';
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
    camera: $('camera'),
    device: $('device'),
    input: $('input'),
    audio: $('audio'),
    maxViewers: $('maxViewers'),
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

  /** A number field's number, or '' when it holds none: sent as it is, so that the server words the refusal. */
  function numberIn(input) {
    if (input.validity.badInput || input.value.trim() === '') return '';
    return Number(input.value);
  }

  /** The form's value of each field, in the server's units, or '' where a number field holds no number. */
  const readers = {
    source: () => inputs.source.value,
    width: () => numberIn(inputs.width),
    height: () => numberIn(inputs.height),
    fps: () => numberIn(inputs.fps),
    // Shown in kbit/s because that is how people think of it; the server speaks bits per second.
    bitrate: () => { const k = numberIn(inputs.bitrate); return k === '' ? '' : Math.round(k * 1000); },
    jpegQuality: () => Number(inputs.jpegQuality.value),
    keyframeInterval: () => numberIn(inputs.keyframeInterval),
    rotation: () => { const r = rotationInputs().find((x) => x.checked); return r ? Number(r.value) : ''; },
    hflip: () => inputs.hflip.checked,
    vflip: () => inputs.vflip.checked,
    camera: () => numberIn(inputs.camera),
    device: () => inputs.device.value,
    input: () => inputs.input.value.trim(),
    audio: () => inputs.audio.value,
    maxViewers: () => numberIn(inputs.maxViewers),
  };

  /** The source a field belongs to, from the server's allowed.sourceFields, or null for every source's fields. */
  function sourceOf(name) {
    const own = (config && config.allowed && config.allowed.sourceFields) || {};
    return Object.keys(own).find((source) => Array.isArray(own[source]) && own[source].includes(name)) || null;
  }

  /** Fields the server reports, and of a source's own only those of the source chosen in the form. */
  function editable() {
    const values = (config && config.values) || {};
    return Object.keys(readers).filter((name) => name in values
      && (!sourceOf(name) || sourceOf(name) === inputs.source.value));
  }

  /** What the form showed for a field when it was loaded: the input with its password masked. */
  function loaded(name) {
    if (name === 'input' && config.masked && typeof config.masked.input === 'string') return config.masked.input;
    return config.values[name];
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
      if (!same(value, loaded(name))) result[name] = value;
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
    form.querySelectorAll('.error').forEach((element) => {
      if (element.dataset.kind === 'server') setError(element.id.replace(/-error$/, ''), '', '');
    });
    summary.hidden = true;
  }

  function range(spec) {
    return spec && isNumber(spec.min) && isNumber(spec.max) ? spec : null;
  }

  // ---------------------------------------------------------------- the server's verdict while typing

  // The page has no rules of its own: it asks the server (api/config/check, which changes nothing) and shows
  // the server's words, the same words Apply would get. Only the latest question's answer counts.
  let checkTimer = null;
  let checkSequence = 0;

  function scheduleCheck() {
    clearTimeout(checkTimer);
    checkSequence++; // a question in flight asks about the value before this edit
    checkTimer = setTimeout(runCheck, CHECK_DELAY_MS);
  }

  function cancelCheck() {
    clearTimeout(checkTimer);
    checkSequence++;
  }

  async function runCheck() {
    if (!config) return;
    const changed = changes();
    const sequence = ++checkSequence;
    if (!Object.keys(changed).length) {
      showAdvice({});
      return;
    }
    let answer;
    try {
      answer = await call('POST', 'api/config/check' + cameraQuery(currentName()), changed, 5000);
    } catch (e) {
      return; // the status poll reports an unreachable server
    }
    if (sequence !== checkSequence || busy) return;
    const advised = {};
    if (answer.status === 400 && answer.body) {
      const problems = Array.isArray(answer.body.errors) ? answer.body.errors : [answer.body];
      for (const problem of problems) {
        if (problem.field && errorElement(problem.field) && !(problem.field in advised)) advised[problem.field] = problem.error;
      }
    }
    if (answer.status === 200 || answer.status === 400) showAdvice(advised);
  }

  /** Puts the server's verdict next to each field, and takes it from the others; a refusal from Apply stays. */
  function showAdvice(advised) {
    form.querySelectorAll('.error').forEach((element) => {
      if (element.dataset.kind === 'server') return;
      const name = element.id.replace(/-error$/, '');
      setError(name, advised[name] || '', 'advice');
    });
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
    syncDeviceSizes();
    syncCsi();
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

  /** The sound choices: none, the test sound, every capture device the server found, and the other kinds. */
  function buildAudio(allowed) {
    const names = { none: 'Off', test: 'Test tone (beeps with the test pattern)', 'alsa:default': 'ALSA default device',
      pulse: 'PulseAudio or PipeWire', input: "The ffmpeg input's own sound" };
    const options = [];
    const seen = new Set();
    const add = (value, text) => { if (!seen.has(value)) { seen.add(value); options.push(new Option(text, value)); } };
    const kinds = Array.isArray(allowed.audio) ? allowed.audio : ['none'];
    add('none', names.none);
    for (const device of Array.isArray(config.audioDevices) ? config.audioDevices : []) {
      add(device.setting, device.name + ' (' + device.setting + ')');
    }
    kinds.forEach((kind) => add(kind, names[kind] || kind));
    const current = config.values.audio;
    if (current) add(current, current);
    inputs.audio.replaceChildren(...options);
  }

  /** Builds the choices that come from the server: sources, size presets, rotations. */
  function buildChoices(allowed) {
    const select = inputs.source;
    const current = config.values.source;
    const sources = Array.isArray(allowed.source) ? allowed.source.slice() : [];
    if (current && !sources.includes(current)) sources.push(current);
    select.replaceChildren(...sources.map((id) => new Option(sourceName(id), id)));

    buildDevices();
    buildAudio(allowed);

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
    setRange(inputs.camera, allowed.camera);
    setRange(inputs.maxViewers, allowed.maxViewers);
    inputs.bitrate.step = 'any';
    inputs.fps.step = 'any';
  }

  // ---------------------------------------------------------------- the webcam picker

  function webcams() {
    return config && Array.isArray(config.devices) ? config.devices : [];
  }

  function formatName(format) {
    return PIXEL_FORMATS[format.format] || String(format.format).toUpperCase();
  }

  /** The webcams the server found, and the configured device even when it was not found. */
  function buildDevices() {
    const select = inputs.device;
    const current = config.values.device;
    const found = webcams();
    // A webcam another camera uses is marked, not left out: the server refuses it, and the page shows why.
    const options = found.map((d) => {
      const elsewhere = usedElsewhere(d.usedBy);
      const option = new Option(d.path + (d.name ? ' · ' + d.name : '') + (elsewhere ? ' — ' + elsewhere : ''), d.path);
      option.dataset.usedBy = d.usedBy || '';
      return option;
    });
    if (current && !found.some((d) => d.path === current)) options.push(new Option(current + ' (not found)', current));
    select.replaceChildren(...options);
    $('device-hint').textContent = found.length
      ? (found.length === 1 ? 'One webcam found on the server.' : found.length + ' webcams found on the server.')
      : 'No webcam found on the server. Plug one in and reload this page.';
  }

  /** The formats of the chosen webcam, then the sizes of the chosen format; a size fills in the picture size. */
  function renderDeviceFormats(keepFormat) {
    const device = webcams().find((d) => d.path === inputs.device.value);
    const formats = device && Array.isArray(device.formats) ? device.formats : [];
    $('device-formats-box').hidden = !formats.length;
    $('device-sizes-box').hidden = !formats.length;
    const box = $('device-formats');
    const previous = keepFormat && box.querySelector('input:checked');
    // The format the person picked, else the one camstream uses if it has the form's size, else one that has it.
    const size = readers.width() + 'x' + readers.height();
    const hasSize = (f) => Array.isArray(f.sizes) && f.sizes.includes(size);
    const used = formats.find((f) => f.format === device.used);
    const chosen = (previous && formats.find((f) => f.format === previous.value))
      || (used && hasSize(used) ? used : null) || formats.find(hasSize) || used || formats[0];
    box.replaceChildren();
    for (const format of formats) {
      const used = device.used === format.format;
      const { label, radio } = chip('device-format', format.format,
        formatName(format) + (format.description && format.description !== formatName(format) ? ' · ' + format.description : '')
          + (used ? ' (used)' : ''), 'device-format-' + format.format);
      radio.checked = format === chosen;
      radio.addEventListener('change', () => renderDeviceFormats(true));
      box.append(label);
    }
    const sizes = $('device-sizes');
    sizes.replaceChildren();
    $('device-sizes-label').textContent = chosen ? 'Sizes in ' + formatName(chosen) : 'Sizes';
    for (const size of chosen && Array.isArray(chosen.sizes) ? chosen.sizes : []) {
      const match = /^(\d+)x(\d+)$/.exec(size);
      if (!match) continue;
      const { label, radio } = chip('device-size', size, size.replace('x', '×'), 'device-size-' + size);
      radio.dataset.width = match[1];
      radio.dataset.height = match[2];
      radio.addEventListener('change', () => {
        inputs.width.value = match[1];
        inputs.height.value = match[2];
        onEdit('width');
        onEdit('height');
      });
      sizes.append(label);
    }
    if (device && usedElsewhere(device.usedBy)) {
      $('device-hint').textContent = 'This webcam is ' + usedElsewhere(device.usedBy) + '. A webcam opens for one'
        + ' camera at a time, so the server refuses it for this one.';
    } else if (device) {
      $('device-hint').textContent = (device.used
        ? 'camstream asks this webcam for ' + (PIXEL_FORMATS[device.used] || device.used) + '.'
        : 'camstream takes this webcam\'s raw pictures.') + ' ' + webcams().length + ' found on the server.';
    } else if (config) {
      buildDevicesHintOnly();
    }
    syncDeviceSizes();
  }

  function buildDevicesHintOnly() {
    const found = webcams();
    $('device-hint').textContent = found.length
      ? 'This device was not found on the server; ' + found.length + ' other' + (found.length === 1 ? ' is.' : 's are.')
      : 'No webcam found on the server. Plug one in and reload this page.';
  }

  function syncDeviceSizes() {
    const width = readers.width();
    const height = readers.height();
    document.querySelectorAll('input[name="device-size"]').forEach((radio) => {
      radio.checked = Number(radio.dataset.width) === width && Number(radio.dataset.height) === height;
    });
  }

  // ---------------------------------------------------------------- the Raspberry Pi cameras

  function csiCameras() {
    return config && Array.isArray(config.csiCameras) ? config.csiCameras : [];
  }

  function csiText(csi) {
    return csi.index + ' · ' + (csi.sensor || 'camera')
      + (isNumber(csi.width) && isNumber(csi.height) ? ' · ' + csi.width + '×' + csi.height : '');
  }

  /** The cameras rpicam-hello lists, as chips that fill in the camera number; one another camera uses is marked. */
  function renderCsi() {
    const list = csiCameras();
    $('csi-box').hidden = !list.length;
    const box = $('csi-cameras');
    const signature = JSON.stringify([list, currentName()]);
    if (box.dataset.signature !== signature) {
      box.dataset.signature = signature;
      box.replaceChildren();
      for (const csi of list) {
        const elsewhere = usedElsewhere(csi.usedBy);
        const { label, radio } = chip('csi-camera', String(csi.index), csiText(csi) + (elsewhere ? ' · ' + elsewhere : ''),
          'csi-camera-' + csi.index);
        label.classList.toggle('taken', !!elsewhere);
        radio.addEventListener('change', () => {
          inputs.camera.value = csi.index;
          onEdit('camera');
        });
        box.append(label);
      }
    }
    syncCsi();
  }

  function syncCsi() {
    const number = readers.camera();
    document.querySelectorAll('input[name="csi-camera"]').forEach((radio) => {
      radio.checked = Number(radio.value) === number;
    });
    const list = csiCameras();
    const chosen = list.find((c) => c.index === number);
    let hint = 'Which camera of the Raspberry Pi: 0 is the first.';
    if (chosen && usedElsewhere(chosen.usedBy)) {
      hint = 'Camera ' + number + ' is ' + usedElsewhere(chosen.usedBy) + '. A camera opens for one of camstream\'s'
        + ' cameras at a time, so the server refuses it for this one.';
    } else if (config && !list.length) {
      hint += ' rpicam-hello lists no camera on the server.';
    } else if (config && isNumber(number) && !chosen) {
      hint += ' rpicam-hello lists no camera ' + number + ' on the server.';
    }
    text('camera-hint', hint);
  }

  /** Every webcam and Raspberry Pi camera on the server, and which camera uses it. */
  function renderOwners() {
    const items = [];
    for (const d of webcams()) items.push({ kind: 'webcam', what: 'Webcam ' + d.path + (d.name ? ' · ' + d.name : ''), by: d.usedBy });
    for (const c of csiCameras()) items.push({ kind: 'csi', what: 'Raspberry Pi camera ' + csiText(c), by: c.usedBy });
    const list = $('device-owners');
    const signature = JSON.stringify([items, currentName()]);
    if (list.dataset.signature === signature) return;
    list.dataset.signature = signature;
    if (!items.length) {
      const item = document.createElement('li');
      item.className = 'none';
      item.textContent = 'No webcam or Raspberry Pi camera found on the server.';
      list.replaceChildren(item);
      return;
    }
    list.replaceChildren(...items.map((entry) => {
      const item = document.createElement('li');
      item.dataset.kind = entry.kind;
      item.dataset.usedBy = entry.by || '';
      const who = document.createElement('span');
      who.className = entry.by ? 'owner' : 'owner free';
      who.textContent = entry.by ? 'in use by ' + entry.by + (entry.by === currentName() ? ' (this camera)' : '') : 'free';
      item.append(entry.what + ' — ', who);
      return item;
    }));
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
    ['source', 'fps', 'bitrate', 'jpegQuality', 'keyframeInterval', 'camera', 'device', 'input', 'maxViewers']
      .forEach(single);

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
      // The origin is a place (a flag, a file), never a value, so it holds no secret.
      if (target && origins[name]) target.title = LABELS[name] + ' comes from: ' + origins[name];
    }
  }

  /** Puts a document from api/config into the form. */
  /** The sound process: its state, its level as a bar (-60 to 0 dBFS), and its errors, as the camera's. */
  function showAudio(audio) {
    const bar = $('st-audio-bar');
    if (!audio || audio.state === 'off') {
      text('st-audio', 'off');
      text('st-audio-error', 'none');
      bar.style.width = '0';
      return;
    }
    const level = isNumber(audio.level) ? fixed(audio.level, 0) + ' dBFS' : 'no sound coming';
    text('st-audio', audio.state + ' · ' + level + (isNumber(audio.restarts) && audio.restarts ? ' · '
      + count(audio.restarts) + ' restart' + (audio.restarts === 1 ? '' : 's') : ''));
    bar.style.width = isNumber(audio.level) ? Math.max(0, Math.min(100, (audio.level + 60) / 60 * 100)) + '%' : '0';
    const error = audio.lastError ? audio.lastError + (audio.retryInMs !== null && audio.retryInMs !== undefined
      ? ' — retrying in ' + Math.ceil(audio.retryInMs / 1000) + ' s' : '')
      : audio.previousError ? audio.previousError.message + ' (recovered)' : 'none';
    text('st-audio-error', error);
    $('st-audio-error').classList.toggle('current', !!audio.lastError);
  }

  /**
   * The camera's recording: off, writing which file, or stopped with the reason (a full disk, a failed write),
   * which shows as a warning, since the recording waits for room and no viewer notices.
   */
  function showRecording(recording) {
    const stopped = !!recording && recording.state === 'stopped';
    let line = 'off';
    if (recording && recording.state === 'recording') {
      line = 'recording' + (recording.file ? ' · ' + recording.file : '')
        + (isNumber(recording.bytesWritten) ? ' · ' + megabytes(recording.bytesWritten) + ' written' : '');
    } else if (stopped) {
      line = 'Recording stopped: ' + (recording.lastError || 'a write failed') + '. It goes on once the disk has room.';
    } else if (recording && recording.state && recording.state !== 'off') {
      line = recording.state;
    }
    text('st-recording', line);
    $('st-recording').classList.toggle('current', stopped);
  }

  function load(doc) {
    config = doc;
    if (!selected && doc.camera) selected = doc.camera; // the server's first camera, until one is chosen
    const values = doc.values || {};
    const allowed = doc.allowed || {};
    // Rebuilding the chips would take focus from one; the choices rarely change, so keep them when they do not.
    const choices = JSON.stringify([doc.camera, allowed, values.source, values.device, doc.devices, values.audio,
      doc.audioDevices]);
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
    inputs.camera.value = isNumber(values.camera) ? values.camera : '';
    inputs.maxViewers.value = isNumber(values.maxViewers) ? values.maxViewers : '';
    if ('device' in values) inputs.device.value = values.device;
    if ('audio' in values) inputs.audio.value = values.audio;
    // The password of an input URL is never put into the page, not even into this field: what is shown is
    // what the server masked, and *** sent back keeps the password.
    inputs.input.value = typeof loaded('input') === 'string' ? loaded('input') : '';

    showFields();
    renderDeviceFormats();
    renderCsi();
    renderOwners();
    $('hflip').closest('.check').hidden = !('hflip' in values);
    $('vflip').closest('.check').hidden = !('vflip' in values);
    $('rotations').hidden = !('rotation' in values);

    showOrigins(doc.origins || {});
    for (const name of Object.keys(readers)) {
      if (errorElement(name)) setError(name, '', '');
    }
    cancelCheck();
    summary.hidden = true;
    const saved = doc.saved !== false;
    resetButton.disabled = busy || !saved;
    $('saved-note').textContent = saved
      ? 'Some settings are saved from this page' + (doc.savedIn ? ', in ' + doc.savedIn : '')
        + '. They override the configuration until you reset them.'
      : 'Nothing is saved from this page: the camera uses the configured values.';
    fields.disabled = busy;
    refreshDirty();
    if (Array.isArray(doc.cameras)) setNames(doc.cameras);
    showCamera();
    announce();
  }

  /**
   * A field the server does not offer is not shown at all, rather than shown and ignored; of the sources' own
   * fields, only those of the source chosen in the form.
   */
  function showFields() {
    const values = (config && config.values) || {};
    const shown = new Set(editable());
    document.querySelectorAll('[data-field]').forEach((box) => {
      box.hidden = !box.dataset.field.split(' ').some((n) => n in values && shown.has(n));
    });
  }

  function onEdit(name) {
    const element = errorElement(name);
    // The value the server refused or warned about has changed, so its verdict no longer applies to it; the
    // check below brings the verdict on the new value.
    if (element && !element.hidden) setError(name, '', '');
    if (name === 'source') showFields();
    if (name === 'device') renderDeviceFormats();
    scheduleCheck();
    if (summary.hidden === false && !form.querySelector('.error[data-kind="server"]:not([hidden])')) summary.hidden = true;
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
    const mine = epoch;
    const name = selected;
    clearTimeout(loadTimer);
    say('Loading settings…', 'busy');
    let answer;
    try {
      answer = await call('GET', 'api/config' + cameraQuery(name));
    } catch (e) {
      if (mine !== epoch) return;
      say('Cannot reach the server to load the settings. Trying again…', 'bad');
      loadTimer = setTimeout(loadConfig, 3000);
      return;
    }
    if (mine !== epoch) return; // another camera was chosen meanwhile
    if (answer.status === 404 && name) {
      cameraMissing(name);
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
      loadTimer = setTimeout(loadConfig, 5000);
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
    // One verdict per field, the first, as the check shows it while typing.
    const problems = (Array.isArray(body.errors) ? body.errors : [body])
      .filter((p, i, all) => p && p.field && errorElement(p.field) && all.findIndex((q) => q && q.field === p.field) === i);
    const list = $('summary-list');
    list.replaceChildren();
    if (answer.status === 400 && problems.length) {
      for (const problem of problems) {
        // The server's own message, word for word, next to the field it names.
        setError(problem.field, problem.error, 'server');
        const item = document.createElement('li');
        const link = document.createElement('a');
        link.href = '#' + (focusTarget(problem.field) ? focusTarget(problem.field).id : problem.field);
        link.textContent = LABELS[problem.field] || problem.field;
        link.addEventListener('click', (event) => {
          event.preventDefault();
          focusField(problem.field);
        });
        item.append(link, ': ' + (problem.reason || problem.error));
        list.append(item);
      }
      const names = problems.map((p) => (LABELS[p.field] || p.field).toLowerCase());
      $('summary-text').textContent = problems.length === 1 ? 'Nothing was changed. The server refused this value:'
        : 'Nothing was changed. The server refused these values:';
      summary.hidden = false;
      say('Not ' + what + ': the server refused ' + names.join(' and ') + '.', 'bad');
      focusField(problems[0].field);
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
    if (!Object.keys(changed).length) {
      say('Nothing to apply: the form shows the settings the camera uses.');
      return;
    }
    clearServerErrors();
    cancelCheck();
    showAdvice({});
    setBusy(true);
    say('Applying… the camera restarts.', 'busy');
    const mine = epoch;
    let answer;
    try {
      answer = await call('PUT', 'api/config' + cameraQuery(currentName()), changed);
    } catch (e) {
      setBusy(false);
      if (mine !== epoch) return;
      say('Cannot reach the server, so the change may not have been applied. The form reloads when the server is back.', 'bad');
      reloadWhenOnline = true;
      return;
    }
    setBusy(false);
    if (mine !== epoch) return; // the page shows another camera now
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
      const doc = answer.body && answer.body.values ? answer.body : null;
      camerasChanged(doc);
      if (doc && doc.camera === currentName()) {
        load(doc);
      } else if (doc && Array.isArray(doc.cameras) && !doc.cameras.includes(currentName())) {
        // A camera added or renamed on this page is gone with the reset: show the first one.
        const gone = currentName();
        switchTo(doc.camera, doc, 'replace');
        sayCameras('Camera ' + gone + ' was added or renamed on this page, so the reset removed it. Showing '
          + doc.camera + '.', 'ok');
      } else {
        await loadConfig();
      }
      if (config) watchRestart('Reset to the configured values');
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

  /** A server time (ISO 8601) as a time of day on this screen, with the date when it is not today. */
  function when(iso) {
    const date = iso ? new Date(iso) : null;
    if (!date || isNaN(date.getTime())) return '';
    const today = new Date().toDateString() === date.toDateString();
    return (today ? '' : date.toLocaleDateString() + ' ') + clock(date);
  }

  /** "in 27 s" from the server's retry time; the server's clock and this one may differ by a little. */
  function inSeconds(iso) {
    const at = iso ? Date.parse(iso) : NaN;
    if (isNaN(at)) return '';
    const s = Math.max(0, Math.round((at - Date.now()) / 1000));
    return s > 0 ? 'in ' + s + ' s' : 'now';
  }

  /**
   * What a camera or transcoder is going through, in words: its current trouble with when it happened and
   * when it retries, and a past trouble with when it recovered. Empty when there is nothing to say.
   */
  function troubles(prefix, part) {
    const items = [];
    if (!part) return items;
    if (part.lastError) {
      // An idle process has no trouble now: the error is how its last run ended, shown as history.
      const current = part.state !== 'idle';
      let line = prefix + part.lastError + (part.lastErrorAt ? ' — ' + when(part.lastErrorAt) : '');
      if (current && part.state === 'restarting' && part.retryAt) {
        line += '; next try ' + when(part.retryAt) + ' (' + inSeconds(part.retryAt) + ')';
      } else if (!current) {
        line += '; the camera stopped because nobody is watching';
      }
      items.push({ kind: current ? 'current' : 'past', text: line });
    }
    const previous = part.previousError;
    if (previous && previous.message) {
      items.push({
        kind: 'recovered',
        text: prefix + previous.message + (previous.at ? ' — ' + when(previous.at) : '')
          + (previous.recoveredAt ? ', recovered ' + when(previous.recoveredAt) : ', recovered since'),
      });
    }
    return items;
  }

  function renderErrors(camera, transcoder) {
    const items = troubles('', camera).concat(transcoder && transcoder.state ? troubles('transcoder: ', transcoder) : []);
    const box = $('st-error');
    const kind = items.some((i) => i.kind === 'current') ? 'current' : items.length ? items[0].kind : 'none';
    const signature = items.map((i) => i.kind + i.text).join('\n');
    box.dataset.kind = kind;
    box.classList.toggle('has-error', kind === 'current');
    if (box.dataset.signature === signature) return;
    box.dataset.signature = signature;
    if (!items.length) {
      box.replaceChildren('none');
      return;
    }
    box.replaceChildren(...items.map((item) => {
      const line = document.createElement('span');
      line.className = 'trouble ' + item.kind;
      line.dataset.kind = item.kind;
      line.textContent = item.text;
      return line;
    }));
  }

  const log = $('camera-log');

  /** What the camera is doing, for the log panel, when its own output does not say: state, error, next try. */
  function logState(camera) {
    const state = camera.state || 'unknown';
    const error = camera.lastError ? camera.lastError + (camera.lastErrorAt ? ' (' + when(camera.lastErrorAt) + ')' : '') : '';
    switch (state) {
      case 'restarting':
        return 'Camera restarting after: ' + (error || 'its process ended') + '.'
          + (camera.retryAt ? ' Next try ' + when(camera.retryAt) + ', ' + inSeconds(camera.retryAt) + '.' : '')
          + (isNumber(camera.restarts) ? ' Restarts so far: ' + camera.restarts + '.' : '');
      case 'starting':
        return error ? 'Camera starting again; the last try ended: ' + error + '.' : '';
      case 'idle':
        return error ? 'Camera idle (nobody is watching). Its last run ended: ' + error + '.' : '';
      case 'closed':
        return 'The camera is shut down with the server.';
      default:
        return '';
    }
  }

  function renderLog(camera) {
    const lines = Array.isArray(camera.recentLog) ? camera.recentLog : [];
    const content = lines.join('\n');
    const stateLine = logState(camera);
    const banner = $('camera-log-state');
    text('camera-log-state', stateLine);
    banner.hidden = !stateLine;
    banner.dataset.state = camera.state || 'unknown';
    let shown = content;
    if (!content) {
      // Never "no messages" alone while the camera is failing: say what is happening instead.
      // The line above the log says what is happening; the box only says that the process said nothing.
      if (stateLine) shown = 'The camera process printed nothing.';
      else if (camera.state === 'idle') shown = 'No camera process runs while nobody is watching.';
      else if (camera.state === 'starting') shown = 'The camera process is starting and has printed nothing yet.';
      else if (camera.state === 'running') shown = 'The camera process is running and has printed nothing.';
      else shown = 'No messages from the camera process.';
    }
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
    showAudio(status.audio);
    showRecording(status.recording);
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

    renderErrors(camera, transcoder);
    renderViewers(status.viewers || {});
    renderLog(camera);

    const limits = status.limits || {};
    text('viewers-limit', isNumber(limits.cameraMaxViewers) ? 'of at most ' + count(limits.cameraMaxViewers) : '');
    text('maxViewers-hint', 'People watching this camera at the same time; more are turned away.'
      + (isNumber(limits.maxViewers) ? ' The server takes at most ' + count(limits.maxViewers)
        + ' for all cameras together.' : ''));
    noteState(selected, camera.state, status.viewers ? viewerTotal(status.viewers) : null);
  }

  function markOnline() {
    if (online === false) {
      hideBanner();
      loadHistory(); // the server kept sampling while this page could not reach it
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
    const mine = epoch;
    const name = selected;
    const started = performance.now();
    try {
      const answer = await call('GET', cameraBase(name) + 'api/status', undefined, 4000);
      if (mine !== epoch) return; // a newer loop polls the camera shown now
      const answeredAt = performance.now();
      const problem = accessProblem(answer.status);
      if (answer.status === 404 && name && name === leaving) {
        // renamed or removed from this page: the change's answer switches to the camera to show
      } else if (answer.status === 404 && name) {
        cameraMissing(name);
        return;
      } else if (problem) {
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
      if (mine !== epoch) return;
      markOffline(e && e.name === 'AbortError' ? 'no answer in 4 s' : 'no connection');
    }
    drawCharts();
    pollTimer = setTimeout(poll, Math.max(0, POLL_MS - (performance.now() - started)));
  }

  // ---------------------------------------------------------------- charts

  function numberOrNull(value) {
    return isNumber(value) ? value : null;
  }

  /**
   * The last five minutes from the server's own samples, so that the charts are full at once after a reload.
   * Each sample is placed by its age on the server's clock, which needs no agreement between the two clocks.
   */
  async function loadHistory() {
    const mine = epoch;
    let answer;
    try {
      answer = await call('GET', cameraBase(selected) + 'api/status/history', undefined, 5000);
    } catch (e) {
      return; // the status poll reports an unreachable server
    }
    if (mine !== epoch) return; // the history of a camera no longer shown
    const body = answer.body;
    if (answer.status !== 200 || !body || !Array.isArray(body.samples) || !isNumber(body.serverTime)) return;
    const now = performance.now();
    const restored = body.samples.filter((s) => isNumber(s.t)).map((s) => ({
      t: now - (body.serverTime - s.t),
      fps: numberOrNull(s.fps),
      fpsSet: numberOrNull(s.fpsSet),
      bitrate: numberOrNull(s.bitrate),
      bitrateSet: numberOrNull(s.bitrateSet),
      viewers: numberOrNull(s.viewers),
    }));
    const newest = restored.length ? restored[restored.length - 1].t : -Infinity;
    const own = samples.filter((s) => s.t > newest);
    samples.splice(0, samples.length, ...restored, ...own);
    if (samples.length > MAX_SAMPLES) samples.splice(0, samples.length - MAX_SAMPLES);
    drawCharts();
  }

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

  // Off by default: the preview makes this page a viewer, which keeps the camera running. Two stills a second of
  // the camera shown, from its own stream.jpg; a new camera, a new stream.
  const previewButton = $('preview-toggle');
  const previewImage = $('preview-img');
  let previewOn = false;
  let previewRetry = null;

  function previewStart() {
    clearTimeout(previewRetry);
    if (!previewOn || document.hidden) return;
    previewImage.src = endpoint(cameraBase(currentName()) + 'stream.jpg?fps=2&t=' + Date.now());
  }

  function previewStop() {
    clearTimeout(previewRetry);
    previewImage.removeAttribute('src');
  }

  previewImage.addEventListener('error', () => {
    if (!previewOn || !previewImage.getAttribute('src')) return;
    clearTimeout(previewRetry);
    previewRetry = setTimeout(previewStart, 2000);
  });

  function setPreview(on) {
    previewOn = on;
    if (on) previewStart();
    else previewStop();
    $('preview').hidden = !on;
    previewButton.setAttribute('aria-pressed', String(on));
    previewButton.textContent = on ? 'Hide picture' : 'Show picture';
  }

  previewButton.addEventListener('click', () => setPreview(!previewOn));
  document.addEventListener('visibilitychange', () => {
    if (!previewOn) return;
    if (document.hidden) previewStop();
    else previewStart();
  });

  // ---------------------------------------------------------------- the cameras

  const CAMERAS_POLL_MS = 2000;
  const cameraList = $('camera-list');
  let cameraNames = [];            // in the server's order
  const cameraInfo = new Map();    // name → its entry in api/cameras: state, source, size, viewers
  let camerasSeq = 0;              // api/cameras requests sent
  let camerasShown = 0;            // the newest request whose answer is shown
  let camerasFloor = 0;            // answers to requests sent before the last change are out of date
  let camerasTimer = null;

  function sayCameras(value, kind) {
    const element = $('cameras-message');
    element.textContent = value;
    element.className = 'message' + (kind ? ' ' + kind : '');
  }

  function setNames(names) {
    if (!Array.isArray(names)) return;
    cameraNames = names.filter((n) => typeof n === 'string');
    for (const name of Array.from(cameraInfo.keys())) {
      if (!cameraNames.includes(name)) cameraInfo.delete(name);
    }
    renderCameraList();
  }

  async function refreshCameras() {
    const sequence = ++camerasSeq;
    let answer;
    try {
      answer = await call('GET', 'api/cameras', undefined, 4000);
    } catch (e) {
      return; // the status poll reports an unreachable server
    }
    if (sequence < camerasFloor || sequence < camerasShown) return;
    if (answer.status !== 200 || !answer.body || !Array.isArray(answer.body.cameras)) return;
    camerasShown = sequence;
    cameraInfo.clear();
    for (const camera of answer.body.cameras) {
      if (camera && typeof camera.name === 'string') cameraInfo.set(camera.name, camera);
    }
    setNames(answer.body.cameras.map((c) => c && c.name));
  }

  async function pollCameras() {
    clearTimeout(camerasTimer);
    await refreshCameras();
    camerasTimer = setTimeout(pollCameras, CAMERAS_POLL_MS);
  }

  /** After a camera was added, renamed or removed: the names the server answered, then the states anew. */
  function camerasChanged(doc) {
    camerasFloor = camerasSeq + 1;
    if (doc && Array.isArray(doc.cameras)) setNames(doc.cameras);
    refreshCameras();
  }

  /** The state the status poll saw for the camera shown, which is fresher than the list's. */
  function noteState(name, state, viewers) {
    if (!name || !cameraNames.includes(name)) return;
    const info = Object.assign({}, cameraInfo.get(name) || { name }, { state });
    if (isNumber(viewers)) info.viewers = viewers;
    cameraInfo.set(name, info);
    const item = cameraList.querySelector('li[data-camera="' + name + '"]');
    if (item) updateCameraItem(item, name);
  }

  function cameraItem(name) {
    const item = document.createElement('li');
    item.className = 'camera-item';
    item.dataset.camera = name;
    const pick = document.createElement('a');
    pick.className = 'camera-pick';
    pick.href = 'admin' + cameraQuery(name);
    const label = document.createElement('span');
    label.className = 'camera-name';
    label.textContent = name;
    const pill = document.createElement('span');
    pill.className = 'pill';
    pick.append(label, ' ', pill);
    pick.addEventListener('click', (event) => {
      // A new tab or window opens the page for that camera as any link does; a plain click switches in place.
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      pickCamera(name);
    });
    const view = document.createElement('a');
    view.className = 'camera-view';
    view.href = cameraBase(name);
    const whose = document.createElement('span');
    whose.className = 'visually-hidden';
    whose.textContent = ' of ' + name;
    view.append('Viewer page', whose);
    const meta = document.createElement('span');
    meta.className = 'camera-meta';
    item.append(pick, view, meta);
    return item;
  }

  function updateCameraItem(item, name) {
    const info = cameraInfo.get(name);
    const state = info && info.state ? String(info.state) : 'unknown';
    const isSelected = name === selected;
    item.classList.toggle('selected', isSelected);
    const pick = item.querySelector('.camera-pick');
    if (isSelected) pick.setAttribute('aria-current', 'true');
    else pick.removeAttribute('aria-current');
    const pill = item.querySelector('.pill');
    if (pill.dataset.state !== state) pill.dataset.state = state;
    const label = state === 'unknown' ? '…' : state;
    if (pill.textContent !== label) pill.textContent = label;
    const parts = [];
    if (info) {
      if (isNumber(info.width) && isNumber(info.height)) parts.push(size(info.width, info.height));
      if (info.source) parts.push(sourceName(info.source));
      if (isNumber(info.viewers)) parts.push(count(info.viewers) + (info.viewers === 1 ? ' viewer' : ' viewers'));
    }
    const meta = item.querySelector('.camera-meta');
    const metaText = parts.join(' · ');
    if (meta.textContent !== metaText) meta.textContent = metaText;
    meta.hidden = !metaText;
  }

  function renderCameraList() {
    const names = cameraNames.length ? cameraNames : (selected ? [selected] : []);
    text('cameras-count', names.length ? count(names.length) : '–');
    const existing = new Map(Array.from(cameraList.children).map((item) => [item.dataset.camera, item]));
    names.forEach((name, index) => {
      const item = existing.get(name) || cameraItem(name);
      existing.delete(name);
      if (cameraList.children[index] !== item) cameraList.insertBefore(item, cameraList.children[index] || null);
      updateCameraItem(item, name);
    });
    existing.forEach((item) => item.remove());
  }

  /** The headings, the title and the links name the camera shown. */
  function showCamera() {
    const name = currentName();
    document.title = name ? name + ' · camstream admin' : 'camstream admin';
    text('settings-title', name ? 'Settings of ' + name : 'Camera settings');
    text('status-title', name ? 'Live status of ' + name : 'Live status');
    text('log-title', name ? 'Camera log of ' + name : 'Camera log');
    $('charts').setAttribute('aria-label', name ? 'The last five minutes of ' + name : 'The last five minutes');
    const viewerLink = $('viewer-link');
    viewerLink.href = name ? cameraBase(name) : './';
    text('viewer-link', name ? 'Viewer page of ' + name : 'Viewer page');
    previewImage.alt = (name ? name + ': ' : '') + "the camera's picture, two stills a second";
    $('rename-toggle').disabled = !name;
    $('remove-toggle').disabled = !name;
    text('rename-toggle', name ? 'Rename ' + name + '…' : 'Rename…');
    text('remove-toggle', name ? 'Remove ' + name + '…' : 'Remove…');
    renderCameraList();
  }

  /** Tells the other scripts of the page (publish.js) which camera is shown, and its settings once loaded. */
  function announce() {
    document.dispatchEvent(new CustomEvent('camstream-admin:camera', { detail: { camera: currentName(), config } }));
  }

  /** The status panel, emptied for the next camera, so that nothing of the previous one stays on screen. */
  function clearStatus() {
    showState('unknown', 'connecting…');
    ['st-camera', 'st-source', 'st-size', 'measured-fps', 'st-bitrate', 'st-sending', 'st-restarts', 'st-transcoder',
      'st-audio', 'st-frames', 'st-uptime', 'st-heap', 'st-threads', 'viewers-total'].forEach((id) => text(id, '–'));
    ['configured-fps', 'configured-bitrate', 'st-dropped', 'viewers-limit'].forEach((id) => text(id, ''));
    $('st-camera').dataset.state = 'unknown';
    const viewers = $('viewers');
    viewers.dataset.signature = '';
    viewers.replaceChildren();
    const errors = $('st-error');
    errors.dataset.signature = '';
    errors.dataset.kind = '';
    errors.classList.remove('has-error');
    errors.replaceChildren('–');
    text('st-audio-error', '–');
    $('st-audio-error').classList.remove('current');
    $('st-audio-bar').style.width = '0';
    $('st-heap-bar').style.width = '0';
    log.textContent = '';
    $('camera-log-state').hidden = true;
  }

  function pickCamera(name) {
    if (name === selected) {
      $('settings-title').scrollIntoView({ block: 'start', behavior: 'smooth' });
      return;
    }
    const dropped = config && Object.keys(changes()).length ? config.camera : null;
    switchTo(name, null, 'push');
    sayCameras(dropped ? 'The changes to ' + dropped + ' that were not applied are dropped.' : '');
  }

  /**
   * Shows another camera: stops everything of the one shown (its status poll, its check, its restart watch, its
   * charts, its preview), then loads the new one's settings (or takes doc, when an answer brought them), history
   * and status. how: 'push' adds the camera's URL to the browser's history, 'replace' replaces the current one.
   */
  function switchTo(name, doc, how) {
    selected = name || null;
    epoch++;
    clearTimeout(pollTimer);
    clearTimeout(loadTimer);
    cancelCheck();
    pending = null;
    reloadWhenOnline = false;
    lastBytes = null;
    samples.length = 0;
    config = null;
    load.choices = null;
    fields.disabled = true;
    applyButton.disabled = true;
    revertButton.disabled = true;
    resetButton.disabled = true;
    hideResetConfirm();
    closeCameraForms();
    clearServerErrors();
    showAdvice({});
    clearStatus();
    if (how === 'push' || how === 'replace') {
      const url = 'admin' + cameraQuery(selected);
      if (how === 'push') history.pushState({ camera: selected }, '', url);
      else history.replaceState({ camera: selected }, '', url);
    }
    showCamera();
    announce();
    if (doc && doc.values) {
      load(doc);
      say('');
    } else {
      loadConfig();
    }
    loadHistory();
    poll();
    drawCharts();
    if (previewOn) previewStart();
  }

  /** The camera shown is not on the server (any more): removed or renamed elsewhere, or a stale link. */
  function cameraMissing(name) {
    if (name !== selected || name === leaving) return;
    sayCameras('There is no camera ' + name + ' on the server: it was removed or renamed, or the link is out of'
      + ' date. Showing the first camera.', 'bad');
    camerasChanged(null);
    switchTo(null, null, 'replace');
  }

  window.addEventListener('popstate', () => {
    const name = new URLSearchParams(location.search).get('camera') || null;
    if (name === selected || (!name && selected === cameraNames[0])) return;
    switchTo(name, null, 'none');
  });

  // ---------------------------------------------------------------- adding, renaming, removing

  /** Shows the server's verdict on a camera change next to the fields it names (prefix + field); returns the rest. */
  function showCameraProblems(answer, prefix) {
    const body = answer.body || {};
    const problems = (Array.isArray(body.errors) && body.errors.length ? body.errors : [body]).filter(Boolean);
    const shown = [];
    const other = [];
    for (const problem of problems) {
      const words = problem.error || problem.reason || '';
      const field = problem.field ? prefix + problem.field : null;
      if (field && $(field + '-error') && $(field)) {
        if (!shown.includes(field)) {
          shown.push(field);
          setCameraError(field, words);
        }
      } else if (words && !other.includes(words)) {
        other.push(words);
      }
    }
    if (!shown.length && !other.length) other.push('the server answered ' + answer.status);
    return { shown, other };
  }

  function setCameraError(id, words) {
    const element = $(id + '-error');
    element.textContent = words || '';
    element.hidden = !words;
    const input = $(id);
    if (input) {
      if (words) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
      const box = input.closest('.field');
      if (box) box.classList.toggle('invalid', !!words);
    }
  }

  function clearCameraErrors(ids) {
    ids.forEach((id) => setCameraError(id, ''));
  }

  /** What a refusal of a camera change means, in a sentence: access, or the server's own words. */
  function refusalText(answer, what, problems) {
    const access = accessProblem(answer.status);
    if (access) {
      showBanner(access, { reload: answer.status === 401 });
      return 'Not ' + what + ': ' + (answer.status === 401 ? 'not logged in (401).' : 'refused (403).');
    }
    if (problems.other.length) return 'Not ' + what + ': ' + problems.other.join(' ');
    return 'Not ' + what + ': the server refused ' + problems.shown.map((id) => {
      const label = document.querySelector('label[for="' + id + '"]');
      return label ? label.textContent.toLowerCase() : id;
    }).join(' and ') + '.';
  }

  function closeCameraForms() {
    openAdd(false);
    openRename(false);
    openRemove(false);
  }

  // Adding: a name, a source and the source's own field; the rest starts from the defaults.
  const addForm = $('add-camera');
  const addToggle = $('add-toggle');
  const ADD_FIELDS = ['new-name', 'new-source', 'new-input', 'new-device', 'new-camera'];
  let cameraBusy = false;

  function sayAdd(value, kind) {
    const element = $('add-message');
    element.textContent = value;
    element.className = 'message' + (kind ? ' ' + kind : '');
  }

  function nameRuleHint(prefix) {
    const rule = config && config.nameRule;
    return prefix + (rule ? ' A name ' + rule + '.' : '');
  }

  function buildAddForm() {
    const allowed = (config && config.allowed) || {};
    const source = $('new-source');
    const chosen = source.value;
    const sources = Array.isArray(allowed.source) && allowed.source.length ? allowed.source : Object.keys(SOURCE_NAMES);
    source.replaceChildren(...sources.map((id) => new Option(sourceName(id), id)));
    source.value = sources.includes(chosen) ? chosen : sources[0];
    text('new-name-hint', nameRuleHint('Its pages and streams are under '
      + pagePath('NAME').replace(/NAME\/$/, '<name>/') + '.'));

    const device = $('new-device');
    const pickedDevice = device.value;
    const found = webcams();
    const deviceOptions = found.map((d) => {
      const option = new Option(d.path + (d.name ? ' · ' + d.name : '') + (d.usedBy ? ' — in use by ' + d.usedBy : ''), d.path);
      option.dataset.usedBy = d.usedBy || '';
      return option;
    });
    if (!deviceOptions.length) deviceOptions.push(new Option('/dev/video0 (not found on the server)', '/dev/video0'));
    device.replaceChildren(...deviceOptions);
    const freeDevice = found.find((d) => !d.usedBy);
    device.value = found.some((d) => d.path === pickedDevice) ? pickedDevice : freeDevice ? freeDevice.path : device.options[0].value;

    const csi = $('new-camera');
    const pickedCsi = csi.value;
    const listed = csiCameras();
    const csiOptions = listed.map((c) => {
      const option = new Option(csiText(c) + (c.usedBy ? ' — in use by ' + c.usedBy : ''), String(c.index));
      option.dataset.usedBy = c.usedBy || '';
      return option;
    });
    if (!csiOptions.length) csiOptions.push(new Option('0 (rpicam-hello lists no camera)', '0'));
    csi.replaceChildren(...csiOptions);
    const freeCsi = listed.find((c) => !c.usedBy);
    csi.value = listed.some((c) => String(c.index) === pickedCsi) ? pickedCsi
      : freeCsi ? String(freeCsi.index) : csi.options[0].value;
    showAddSource();
  }

  /** Only the chosen source's own field, and what the server knows of the device picked. */
  function showAddSource() {
    const source = $('new-source').value;
    addForm.querySelectorAll('[data-new-source]').forEach((box) => { box.hidden = box.dataset.newSource !== source; });
    const device = $('new-device').selectedOptions[0];
    const found = webcams().length;
    text('new-device-hint', device && device.dataset.usedBy
      ? 'In use by ' + device.dataset.usedBy + ': a webcam opens for one camera at a time, so the server refuses it'
        + ' for a second one.'
      : found ? (found === 1 ? 'One webcam found on the server.' : found + ' webcams found on the server.')
        : 'No webcam found on the server; the camera tries /dev/video0.');
    const csi = $('new-camera').selectedOptions[0];
    text('new-camera-hint', csi && csi.dataset.usedBy
      ? 'In use by ' + csi.dataset.usedBy + ': a Raspberry Pi camera opens for one camera at a time, so the server'
        + ' refuses it for a second one.'
      : csiCameras().length ? 'As rpicam-hello lists them on the server.' : '');
  }

  function openAdd(open) {
    if (open) {
      openRename(false);
      openRemove(false);
      buildAddForm();
    }
    addForm.hidden = !open;
    addToggle.setAttribute('aria-expanded', String(open));
    if (!open) {
      clearCameraErrors(ADD_FIELDS);
      sayAdd('');
    }
  }

  addToggle.addEventListener('click', () => {
    const open = addForm.hidden;
    openAdd(open);
    if (open) $('new-name').focus();
  });
  $('add-cancel').addEventListener('click', () => {
    openAdd(false);
    addToggle.focus();
  });
  addForm.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      openAdd(false);
      addToggle.focus();
    }
  });
  $('new-source').addEventListener('change', () => {
    setCameraError('new-source', '');
    showAddSource();
  });
  ['new-device', 'new-camera'].forEach((id) => $(id).addEventListener('change', () => {
    setCameraError(id, '');
    showAddSource();
  }));
  ['new-name', 'new-input'].forEach((id) => $(id).addEventListener('input', () => setCameraError(id, '')));

  addForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (cameraBusy) return;
    clearCameraErrors(ADD_FIELDS);
    // Sent as typed: the server's rules, in its words, decide.
    const body = { name: $('new-name').value, source: $('new-source').value };
    if (body.source === 'ffmpeg') body.input = $('new-input').value.trim();
    if (body.source === 'v4l2') body.device = $('new-device').value;
    if (body.source === 'rpicam') body.camera = Number($('new-camera').value);
    cameraBusy = true;
    $('add-submit').setAttribute('aria-disabled', 'true');
    sayAdd('Adding the camera…', 'busy');
    let answer;
    try {
      answer = await call('POST', 'api/config/cameras', body);
    } catch (e) {
      sayAdd('Cannot reach the server, so the camera may not have been added.', 'bad');
      camerasChanged(null);
      return;
    } finally {
      cameraBusy = false;
      $('add-submit').removeAttribute('aria-disabled');
    }
    if (answer.status === 200 && answer.body && answer.body.values) {
      const doc = answer.body;
      $('new-name').value = '';
      $('new-input').value = '';
      openAdd(false);
      camerasChanged(doc);
      switchTo(doc.camera, doc, 'push');
      sayCameras('Added camera ' + doc.camera + ': ' + sourceName(doc.values.source) + '. Its viewer page is '
        + pagePath(doc.camera) + '.', 'ok');
      addToggle.focus();
    } else {
      const problems = showCameraProblems(answer, 'new-');
      sayAdd(refusalText(answer, 'added', problems), 'bad');
      const first = problems.shown[0];
      if (first) $(first).focus();
    }
  });

  // Renaming the camera shown: its URLs change and its viewers get a clear end.
  const renameForm = $('rename-camera');
  const renameToggle = $('rename-toggle');

  function openRename(open) {
    const name = currentName();
    if (open) {
      openAdd(false);
      openRemove(false);
      $('rename-name').value = name || '';
      text('rename-label', 'New name for ' + name);
      text('rename-hint', nameRuleHint('Its addresses change from ' + pagePath(name) + ' to '
        + pagePath('NEW').replace(/NEW\/$/, '<new name>/') + ', and whoever watches it now sees the stream end.'));
    }
    renameForm.hidden = !open;
    renameToggle.setAttribute('aria-expanded', String(open));
    if (!open) setCameraError('rename-name', '');
  }

  renameToggle.addEventListener('click', () => {
    const open = renameForm.hidden;
    openRename(open);
    if (open) {
      $('rename-name').focus();
      $('rename-name').select();
    }
  });
  $('rename-cancel').addEventListener('click', () => {
    openRename(false);
    renameToggle.focus();
  });
  renameForm.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      openRename(false);
      renameToggle.focus();
    }
  });
  $('rename-name').addEventListener('input', () => setCameraError('rename-name', ''));

  renameForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const from = currentName();
    if (cameraBusy || !from) return;
    setCameraError('rename-name', '');
    cameraBusy = true;
    $('rename-submit').setAttribute('aria-disabled', 'true');
    sayCameras('Renaming ' + from + '…', 'busy');
    leaving = from;
    let answer;
    try {
      answer = await call('PUT', 'api/config/cameras/' + encodeURIComponent(from), { name: $('rename-name').value });
    } catch (e) {
      sayCameras('Cannot reach the server, so the camera may not have been renamed.', 'bad');
      camerasChanged(null);
      return;
    } finally {
      leaving = null;
      cameraBusy = false;
      $('rename-submit').removeAttribute('aria-disabled');
    }
    if (answer.status === 200 && answer.body && answer.body.values) {
      const doc = answer.body;
      openRename(false);
      camerasChanged(doc);
      switchTo(doc.camera, doc, 'replace');
      sayCameras('Renamed ' + from + ' to ' + doc.camera + '. Its viewer page is now ' + pagePath(doc.camera) + '.', 'ok');
      renameToggle.focus();
    } else if (answer.status === 404) {
      cameraMissing(from);
    } else {
      const problems = showCameraProblems(answer, 'rename-');
      sayCameras(refusalText(answer, 'renamed', problems), 'bad');
      if (problems.other.length) setCameraError('rename-name', problems.other.join(' '));
      $('rename-name').focus();
    }
  });

  // Removing the camera shown, once asked, naming it.
  const removeConfirm = $('remove-confirm');
  const removeToggle = $('remove-toggle');

  function openRemove(open) {
    const name = currentName();
    if (open) {
      openAdd(false);
      openRename(false);
      text('remove-question', 'Remove camera ' + name + '? Its settings are forgotten, and whoever watches it sees'
        + ' the stream end. The other cameras go on.');
      text('remove-yes', 'Remove ' + name);
    }
    removeConfirm.hidden = !open;
    removeToggle.setAttribute('aria-expanded', String(open));
    if (!open) {
      $('remove-error').hidden = true;
      $('remove-error').textContent = '';
    }
  }

  removeToggle.addEventListener('click', () => {
    const open = removeConfirm.hidden;
    openRemove(open);
    // The least destructive choice takes focus, so that a second Enter does not remove by accident.
    if (open) $('remove-no').focus();
  });
  $('remove-no').addEventListener('click', () => {
    openRemove(false);
    removeToggle.focus();
  });
  removeConfirm.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      openRemove(false);
      removeToggle.focus();
    }
  });

  $('remove-yes').addEventListener('click', async () => {
    const name = currentName();
    if (cameraBusy || !name) return;
    cameraBusy = true;
    $('remove-yes').setAttribute('aria-disabled', 'true');
    $('remove-error').hidden = true;
    sayCameras('Removing ' + name + '…', 'busy');
    leaving = name;
    let answer;
    try {
      answer = await call('DELETE', 'api/config/cameras/' + encodeURIComponent(name));
    } catch (e) {
      sayCameras('Cannot reach the server, so the camera may not have been removed.', 'bad');
      camerasChanged(null);
      return;
    } finally {
      leaving = null;
      cameraBusy = false;
      $('remove-yes').removeAttribute('aria-disabled');
    }
    if (answer.status === 200 && answer.body && answer.body.values) {
      const doc = answer.body;
      openRemove(false);
      camerasChanged(doc);
      switchTo(doc.camera, doc, 'replace');
      sayCameras('Removed camera ' + name + '. Showing ' + doc.camera + '.', 'ok');
      removeToggle.focus();
    } else if (answer.status === 404) {
      openRemove(false);
      cameraMissing(name);
    } else {
      const problems = showCameraProblems(answer, 'remove-');
      const words = problems.other.concat(problems.shown.map((id) => $(id + '-error').textContent)).join(' ');
      $('remove-error').textContent = words;
      $('remove-error').hidden = false;
      sayCameras(refusalText(answer, 'removed', problems), 'bad');
      $('remove-no').focus();
    }
  });

  // ---------------------------------------------------------------- start

  updateHints();
  drawCharts();
  showCamera();
  loadConfig();
  loadHistory();
  poll();
  pollCameras();
})();
