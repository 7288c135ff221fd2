'use strict';
// The timelapse page: one camera's timelapse sessions, newest first, each with its newest still, its times, its
// stills and interval, its state (running, or ended and why), what it missed and its last error, and its render
// (queued, with its place; rendering, with a progress bar; done, with the video and a download). A session is
// started here with an interval, stopped, rendered at a frame rate, its render cancelled, and deleted after a
// confirmation. api/timelapse/<camera> is polled every 2 s while something runs or renders and every 10 s
// otherwise, never while the tab is hidden, and a request that hangs is given up so that the next is made.
//
// The changes need the admin login: the browser asks for it at the first change (the server answers 401 with
// the challenge, as the admin page's requests do), and a change refused without it says so next to its button.
//
// The same file is served at the root (the first camera's) and at cam/<name>/timelapse.html. The API is at the
// context root, never under cam/<name>/: ROOT is the part of the path before /cam/, or the page's directory.
//
// For tests: window.camstreamTimelapse = {sessions(), state(), refresh()}.
(function () {
  const $ = (id) => document.getElementById(id);
  const FAST_POLL_MS = 2000; // while a session runs or a render waits or runs
  const SLOW_POLL_MS = 10000;
  const POLL_TIMEOUT_MS = 8000;
  const ACTION_TIMEOUT_MS = 20000; // a deletion waits up to 10 s for the server's files thread
  const MIN_INTERVAL = 0.5;
  const MAX_INTERVAL = 86400;
  const MIN_FPS = 1;
  const MAX_FPS = 60;
  const routed = /^(.*\/)cam\/([^/]+)\/[^/]*$/.exec(location.pathname);
  const ROOT = routed ? routed[1] : location.pathname.replace(/[^/]*$/, '');

  const list = $('sessions');
  const template = $('session-template');
  const intervalInput = $('interval');
  const startNote = $('start-note');

  let camera = routed ? decodeURIComponent(routed[2]) : null;
  let doc = null; // the last answer of api/timelapse/<camera>
  let reachable = null;
  let failedPolls = 0;
  let error = null; // what stops the page: an unknown camera, a server with no camera
  let intervalTouched = false;
  let polls = 0;
  let timer = null;
  let polling = null;
  let rowCount = 0;
  const rows = new Map(); // session id -> Row

  // ------------------------------------------------------------------ words

  const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
  const dayOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

  /** An ISO 8601 time from the server (Instant.toString: up to nine decimals) as ms. */
  function parseTime(text) {
    if (!text) return NaN;
    return Date.parse(String(text).replace(/(\.\d{3})\d+/, '$1'));
  }

  function sameDay(a, b) { return dayOnly.format(new Date(a)) === dayOnly.format(new Date(b)); }

  /** A time as its date and clock time, or only its clock time on the day of {@code near}. */
  function when(text, near) {
    const ms = parseTime(text);
    if (!isFinite(ms)) return '\u2013';
    return near !== undefined && isFinite(near) && sameDay(ms, near) ? timeOnly.format(new Date(ms))
      : dateTime.format(new Date(ms));
  }

  function seconds(value) {
    const s = Number(value);
    if (!isFinite(s)) return '\u2013';
    if (s < 60) return (Math.round(s * 100) / 100) + ' s';
    const whole = Math.round(s);
    const h = Math.floor(whole / 3600);
    const m = Math.floor((whole % 3600) / 60);
    const rest = whole % 60;
    if (h === 0) return m + ' min' + (rest ? ' ' + rest + ' s' : '');
    return h + ' h' + (m ? ' ' + m + ' min' : '') + (rest ? ' ' + rest + ' s' : '');
  }

  function bytes(n) {
    const v = Number(n) || 0;
    if (v < 1024 * 1024) return Math.max(0, Math.round(v / 1024)) + ' kB';
    if (v < 1024 * 1024 * 1024) return (v / (1024 * 1024)).toFixed(1) + ' MB';
    return (v / (1024 * 1024 * 1024)).toFixed(2) + ' GB';
  }

  function count(n, one, many) { return n + ' ' + (n === 1 ? one : many); }

  function ordinal(n) {
    if (n === 1) return 'next in line';
    const tens = n % 100;
    const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] || 'th');
    return n + suffix + ' in line';
  }

  /** The server's words as a sentence: its first letter up, a full stop at the end. */
  function sentence(text) {
    const t = String(text || '').trim();
    if (!t) return '';
    return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
  }

  // ------------------------------------------------------------------ URLs and requests

  /**
   * The absolute URL of a path on this server, without the credentials a page opened as http://user:pw@host/…
   * would put in it: fetch refuses those, and browsers load no picture or video from them. The browser sends the
   * login by itself anyway.
   */
  function endpoint(path) {
    const url = new URL(path, document.baseURI);
    url.username = '';
    url.password = '';
    return url.href;
  }

  function cameraBase(name) { return ROOT + 'cam/' + encodeURIComponent(name) + '/'; }
  function api(rest) { return ROOT + 'api/timelapse/' + encodeURIComponent(camera) + (rest || ''); }
  function sessionApi(id, rest) { return api('/' + encodeURIComponent(id) + (rest || '')); }

  /**
   * One request, given up after timeoutMs; resolves to {status, ok, body} and rejects only when the server gives
   * no answer in time.
   */
  async function call(method, url, timeoutMs) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      // The race ends a request that hangs even where a browser would wait on for its body.
      const response = await Promise.race([
        fetch(endpoint(url), { method: method, credentials: 'same-origin', cache: 'no-store', signal: abort.signal,
          headers: { Accept: 'application/json' } }),
        new Promise((resolve, reject) => abort.signal.addEventListener('abort', () => reject(new Error('timed out')))),
      ]);
      let body = null;
      const text = await Promise.race([
        response.text(),
        new Promise((resolve, reject) => abort.signal.addEventListener('abort', () => reject(new Error('timed out')))),
      ]);
      try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
      return { status: response.status, ok: response.ok, body: body || {} };
    } finally {
      clearTimeout(timer);
    }
  }

  // ------------------------------------------------------------------ what the server says

  async function findCamera() {
    const answer = await call('GET', ROOT + 'api/cameras', POLL_TIMEOUT_MS);
    if (!answer.ok) throw new Error('api/cameras answered ' + answer.status);
    const cameras = answer.body.cameras || [];
    const first = cameras.find((c) => c.first) || cameras[0];
    if (!first) {
      error = 'The server has no camera.';
      return;
    }
    camera = first.name;
  }

  async function load() {
    polls++;
    try {
      if (!camera) await findCamera();
      if (!camera) return;
      const answer = await call('GET', api(), POLL_TIMEOUT_MS);
      if (answer.status === 404) {
        error = 'There is no camera \u201c' + camera + '\u201d on this server.';
        doc = null;
      } else if (!answer.ok) {
        error = sentence(answer.body.error) || 'The server answered ' + answer.status + '.';
      } else {
        error = null;
        doc = answer.body;
      }
      reachable = true;
      failedPolls = 0;
    } catch (e) {
      // One lost answer is a hiccup; two in a row is a server that is gone.
      if (++failedPolls >= 2) reachable = false;
    }
  }

  /** Something that changes by itself soon: a session that runs, a render that waits or runs. */
  function busy() {
    if (!doc) return false;
    return (doc.sessions || []).some((s) => s.running || (s.render && (s.render.state === 'queued'
      || s.render.state === 'rendering')));
  }

  function schedule() {
    clearTimeout(timer);
    timer = null;
    if (document.hidden) return; // looked at again when the tab is shown
    timer = setTimeout(refresh, busy() ? FAST_POLL_MS : SLOW_POLL_MS);
  }

  /** Looks again now, unless a look is under way; the next look is scheduled once this one has ended. */
  function refresh() {
    if (polling) return polling;
    clearTimeout(timer);
    timer = null;
    polling = load().then(render, render).finally(() => {
      polling = null;
      schedule();
    });
    return polling;
  }

  document.addEventListener('visibilitychange', () => {
    if (document.hidden) {
      clearTimeout(timer);
      timer = null;
    } else {
      refresh();
    }
  });

  // ------------------------------------------------------------------ changes

  /** What an action is called in a sentence: "Starting a session needs the admin login." */
  const ACTIONS = {
    start: 'Starting a session',
    stop: 'Stopping a session',
    render: 'Rendering a video',
    cancel: 'Cancelling a render',
    delete: 'Deleting a session',
  };

  /**
   * Shows a note: plain text, and for a missing login a link to the admin page, where the browser asks for the
   * login (and then remembers it for this page too).
   */
  function say(note, text, kind, loginLink) {
    note.textContent = text;
    if (kind) note.dataset.kind = kind; else delete note.dataset.kind;
    if (loginLink) {
      note.appendChild(document.createTextNode(' '));
      const a = document.createElement('a');
      a.href = endpoint(ROOT + 'admin');
      a.className = 'inline-target';
      a.textContent = 'Log in on the admin page';
      note.appendChild(a);
    }
  }

  /**
   * Sends a change and says what came of it in {@code note}: the server's own words for a refusal, a plain
   * sentence for a missing login. Resolves to the answer, or null when there was none.
   */
  async function act(action, method, url, note) {
    say(note, '', null);
    let answer;
    try {
      answer = await call(method, url, ACTION_TIMEOUT_MS);
    } catch (e) {
      say(note, 'The server did not answer. ' + ACTIONS[action] + ' may not have happened; the list below shows '
        + 'what the server has.', 'bad');
      refresh();
      return null;
    }
    if (answer.status === 401) {
      say(note, ACTIONS[action] + ' needs the admin login.', 'bad', true);
    } else if (answer.status === 403) {
      say(note, ACTIONS[action] + ' needs the admin login. '
        + (answer.body.error ? 'The server refused: ' + sentence(answer.body.error) : 'The server refused it (403).'),
      'bad');
    } else if (!answer.ok) {
      say(note, sentence(answer.body.error) || 'The server answered ' + answer.status + '.', 'bad');
    }
    refresh();
    return answer;
  }

  /** A button that does nothing while its request is under way, without losing the focus as disabled would. */
  function guarded(button, run) {
    return async (event) => {
      if (event) event.preventDefault();
      if (button.getAttribute('aria-disabled') === 'true') return;
      button.setAttribute('aria-disabled', 'true');
      try {
        await run();
      } finally {
        button.removeAttribute('aria-disabled');
      }
    };
  }

  function readInterval() {
    const text = intervalInput.value.trim().replace(',', '.');
    const value = Number(text);
    if (!text || !isFinite(value) || value < MIN_INTERVAL || value > MAX_INTERVAL) return null;
    return value;
  }

  $('start-form').addEventListener('submit', guarded($('start'), async () => {
    if (!camera) return;
    const interval = readInterval();
    if (interval === null) {
      intervalInput.setAttribute('aria-invalid', 'true');
      say(startNote, 'The interval is a number of seconds from 0.5 to 86400 (a day).', 'bad');
      intervalInput.focus();
      return;
    }
    intervalInput.removeAttribute('aria-invalid');
    const answer = await act('start', 'POST', api('/start?interval=' + encodeURIComponent(String(interval))),
      startNote);
    if (answer && answer.status === 201) {
      say(startNote, 'Started: a still every ' + seconds(answer.body.interval) + '.', 'good');
    } else if (answer && answer.status === 200) {
      say(startNote, 'A session was running already (started ' + when(answer.body.start, Date.now())
        + '): stop it to start another.', 'bad');
    }
  }));
  intervalInput.addEventListener('input', () => {
    intervalTouched = true;
    if (readInterval() !== null) intervalInput.removeAttribute('aria-invalid');
  });

  // ------------------------------------------------------------------ a session

  class Row {
    constructor(session) {
      const n = ++rowCount;
      this.id = session.id;
      this.li = template.content.firstElementChild.cloneNode(true);
      this.li.dataset.session = session.id;
      const q = (selector) => this.li.querySelector(selector);
      this.preview = q('.preview');
      this.img = q('.preview img');
      this.noStill = q('.no-still');
      this.title = q('.session-title');
      this.title.id = 'session-' + n + '-title';
      this.state = q('.session-state');
      this.start = q('.f-start');
      this.end = q('.f-end');
      this.stills = q('.f-stills');
      this.interval = q('.f-interval');
      this.missedRow = q('.f-missed-row');
      this.missed = q('.f-missed');
      this.size = q('.f-size');
      this.lastError = q('.last-error');
      this.stopButton = q('.stop');
      this.renderForm = q('.render-form');
      this.fps = q('.fps');
      this.fps.id = 'session-' + n + '-fps';
      q('.fps-label').htmlFor = this.fps.id;
      this.renderButton = q('.render-button');
      this.deleteButton = q('.delete');
      this.confirm = q('.confirm');
      this.confirmText = q('.confirm-text');
      this.confirmText.id = 'session-' + n + '-confirm';
      this.confirm.setAttribute('aria-labelledby', this.confirmText.id);
      this.confirmDelete = q('.confirm-delete');
      this.keep = q('.keep');
      this.note = q('.action-note');
      this.renderBox = q('.render');
      this.renderStatus = q('.render-status');
      this.progressBox = q('.render-progress');
      this.progress = q('progress');
      this.progress.id = 'session-' + n + '-progress';
      this.renderStatus.id = 'session-' + n + '-render-status';
      this.progress.setAttribute('aria-labelledby', this.renderStatus.id);
      this.cancelButton = q('.cancel');
      // Each row's buttons say which session they are for: "Render, Dec 7, 2026, 10:15:30".
      for (const button of this.li.querySelectorAll('button')) button.setAttribute('aria-describedby', this.title.id);
      this.result = q('.result');
      this.video = q('video');
      this.download = q('.download');
      this.videoKey = null;
      this.session = session;

      this.stopButton.addEventListener('click', guarded(this.stopButton, async () => {
        const answer = await act('stop', 'POST', api('/stop'), this.note);
        if (answer && answer.ok) say(this.note, 'Stopped.', 'good');
      }));
      this.renderForm.addEventListener('submit', guarded(this.renderButton, async () => {
        const text = this.fps.value.trim();
        const fps = Number(text);
        if (!/^\d+$/.test(text) || fps < MIN_FPS || fps > MAX_FPS) {
          this.fps.setAttribute('aria-invalid', 'true');
          say(this.note, 'The frame rate is a whole number from 1 to 60.', 'bad');
          this.fps.focus();
          return;
        }
        this.fps.removeAttribute('aria-invalid');
        const answer = await act('render', 'POST', sessionApi(this.id, '/render?fps=' + fps), this.note);
        if (answer && answer.ok) {
          this.update(answer.body);
          this.cancelButton.focus(); // where the Render button was: it is hidden while the render waits or runs
        }
      }));
      this.fps.addEventListener('input', () => {
        const text = this.fps.value.trim();
        if (/^\d+$/.test(text) && Number(text) >= MIN_FPS && Number(text) <= MAX_FPS) {
          this.fps.removeAttribute('aria-invalid');
        }
      });
      this.cancelButton.addEventListener('click', guarded(this.cancelButton, async () => {
        const answer = await act('cancel', 'DELETE', sessionApi(this.id, '/render'), this.note);
        if (answer && answer.ok) {
          this.update(answer.body);
          say(this.note, 'The render was cancelled.', 'good');
          if (!this.renderButton.closest('[hidden]')) this.renderButton.focus();
        }
      }));
      this.deleteButton.addEventListener('click', () => {
        this.confirm.hidden = false;
        this.deleteButton.hidden = true;
        this.keep.focus();
      });
      this.keep.addEventListener('click', () => {
        this.confirm.hidden = true;
        this.deleteButton.hidden = false;
        this.deleteButton.focus();
      });
      this.confirmDelete.addEventListener('click', guarded(this.confirmDelete, async () => {
        const answer = await act('delete', 'DELETE', sessionApi(this.id), this.note);
        if (answer && answer.ok) {
          const heading = $('sessions-heading');
          say($('list-note'), 'The session of ' + when(this.session.start) + ' was deleted.', 'good');
          this.dispose();
          heading.focus(); // the focus was in the row that went
        }
      }));
      this.update(session);
    }

    dispose() {
      rows.delete(this.id);
      this.video.removeAttribute('src');
      this.video.load();
      this.li.remove();
    }

    /** What the API says of the session now; the elements are kept, so the focus and the video stay. */
    update(s) {
      this.session = s;
      const r = s.render || { state: 'none' };
      const startMs = parseTime(s.start);
      this.title.textContent = (s.continuous ? 'Continuous, ' + dayOnly.format(new Date(startMs)) : when(s.start));
      if (s.running) {
        this.state.textContent = '\u25cf Running: a still every ' + seconds(s.interval)
          + (s.continuous ? ', all day while the camera\u2019s timelapse-interval is set' : '');
        this.state.className = 'session-state running';
      } else {
        // "stopped through the API" reads "Ended: stopped through the API"; "ended when …" stands by itself.
        const why = String(s.endedBy || '');
        this.state.textContent = !why ? 'Ended' : /^ended\b/i.test(why) ? sentence(why).replace(/\.$/, '')
          : 'Ended: ' + why;
        this.state.className = 'session-state ended';
      }
      this.li.classList.toggle('running', !!s.running);
      this.start.textContent = when(s.start);
      this.end.textContent = s.running ? 'still running' : when(s.end, startMs);
      this.stills.textContent = String(s.stills) + (s.lastStillAt ? ' (newest ' + when(s.lastStillAt, Date.now()) + ')' : '');
      this.interval.textContent = seconds(s.interval);
      this.missedRow.hidden = !s.missed;
      this.missed.textContent = String(s.missed || 0);
      this.size.textContent = bytes(s.bytes);
      this.lastError.hidden = !s.lastError;
      this.lastError.textContent = s.lastError ? 'Last error' + (s.lastErrorAt ? ' (' + when(s.lastErrorAt, Date.now())
        + ')' : '') + ': ' + sentence(s.lastError) : '';

      // The newest still: a URL of its own for each, so that the browser may keep the older ones.
      const stillUrl = s.stills > 0 && s.lastStill ? endpoint(String(s.still).replace('{n}', String(s.lastStill)))
        : s.preview ? endpoint(s.preview) : null;
      if (stillUrl) {
        if (this.img.getAttribute('src') !== stillUrl) this.img.src = stillUrl;
        this.img.alt = 'Newest still of the session of ' + when(s.start) + ' (number ' + s.lastStill + ')';
        this.img.hidden = false;
        this.noStill.hidden = true;
        this.preview.href = stillUrl;
      } else {
        this.img.hidden = true;
        this.img.removeAttribute('src');
        this.noStill.hidden = false;
        this.preview.removeAttribute('href');
      }

      const waiting = r.state === 'queued' || r.state === 'rendering';
      this.stopButton.hidden = !(s.running && !s.continuous);
      this.renderForm.hidden = waiting || !(s.stills > 0);
      this.renderButton.textContent = r.video ? 'Render again' : 'Render';
      const deletable = !s.running && !waiting;
      this.deleteButton.hidden = !deletable || !this.confirm.hidden;
      if (!deletable) this.confirm.hidden = true;
      this.confirmText.textContent = 'Delete this session, its ' + count(s.stills, 'still', 'stills')
        + (r.video ? ' and its video' : '') + '?';

      // The render.
      const pct = Math.round((Number(r.progress) || 0) * 100);
      let status = '';
      if (r.state === 'queued') {
        status = 'Render queued: ' + ordinal(r.queuePosition || 1) + ', at ' + r.fps + ' fps.';
      } else if (r.state === 'rendering') {
        status = 'Rendering: ' + pct + ' %' + (r.frames ? ' of ' + count(r.frames, 'frame', 'frames') : '')
          + ', at ' + r.fps + ' fps.';
      } else if (r.state === 'done' && r.video) {
        status = 'Rendered: ' + (r.frames ? count(r.frames, 'frame', 'frames') + ' at ' + r.fps + ' fps, ' : '')
          + bytes(r.bytes) + (r.at ? ', ' + when(r.at, Date.now()) : '') + '.';
      } else if (r.state === 'failed') {
        status = 'The render failed: ' + sentence(r.error || 'ffmpeg did not say why')
          + (r.video ? ' The video below is the one rendered before.' : '');
      } else if (r.state === 'cancelled') {
        status = 'The render was cancelled.' + (r.video ? ' The video below is the one rendered before.' : '');
      }
      if (this.renderStatus.textContent !== status) this.renderStatus.textContent = status;
      this.renderBox.dataset.state = r.state;
      this.progressBox.hidden = !waiting;
      this.progress.value = r.state === 'rendering' ? pct : 0;
      this.progress.setAttribute('aria-valuetext', r.state === 'queued' ? 'queued' : pct + ' %');

      this.result.hidden = !r.video || waiting;
      if (r.video) {
        // A new render is a new URL, so that neither the player nor the cache shows the old one.
        const key = r.video + '|' + (r.at || '') + '|' + (r.bytes || 0);
        if (key !== this.videoKey) {
          this.videoKey = key;
          const version = encodeURIComponent(String(r.at || r.bytes || ''));
          this.video.src = endpoint(r.video) + '?v=' + version;
          this.video.setAttribute('aria-label', 'Timelapse video of the session of ' + when(s.start));
          if (s.stills > 0 && s.firstStill) {
            this.video.poster = endpoint(String(s.still).replace('{n}', String(s.firstStill)));
          }
          this.download.href = endpoint(r.video) + '?download=1&v=' + version;
        }
      } else if (this.videoKey !== null) {
        this.videoKey = null;
        this.video.removeAttribute('src');
        this.video.load();
        this.download.removeAttribute('href');
      }
    }
  }

  // ------------------------------------------------------------------ drawing

  function commandLines() {
    const base = location.protocol + '//' + location.host + ROOT + 'api/timelapse/' + encodeURIComponent(camera || 'CAMERA');
    $('curl-start').textContent = 'curl -u admin:PASSWORD -X POST \'' + base + '/start?interval=10\'';
    $('curl-stop').textContent = 'curl -u admin:PASSWORD -X POST \'' + base + '/stop\'';
  }

  function renderWarning() {
    let title = null;
    let detail = '';
    if (error) {
      title = error;
    } else if (reachable === false) {
      title = 'The server cannot be reached';
      detail = 'What is shown may be out of date; the page tries again every few seconds.';
    }
    $('warning').hidden = !title;
    if (title) {
      $('warning-title').textContent = title;
      $('warning-detail').textContent = detail;
      $('warning-detail').hidden = !detail;
    }
  }

  function render() {
    if (camera) {
      $('camera-name').textContent = camera;
      document.title = 'Timelapse \u00b7 ' + camera + ' \u00b7 camstream';
      $('live-link').href = endpoint(cameraBase(camera));
    }
    commandLines();
    renderWarning();
    const sessions = doc ? doc.sessions || [] : [];
    if (doc && !intervalTouched && document.activeElement !== intervalInput) {
      intervalInput.value = String(doc.interval > 0 ? doc.interval : 10);
    }
    // A session started here or by a printer runs: one at a time per camera.
    const manual = sessions.find((s) => s.running && !s.continuous);
    $('start-running').hidden = !manual;
    $('start').disabled = !camera;

    const seen = new Set();
    let previous = null;
    for (const s of sessions) {
      seen.add(s.id);
      let row = rows.get(s.id);
      if (row) {
        row.update(s);
      } else {
        row = new Row(s);
        rows.set(s.id, row);
      }
      // Newest first, as the API lists them, moving only what is out of place.
      const after = previous ? previous.li.nextElementSibling : list.firstElementChild;
      if (after !== row.li) list.insertBefore(row.li, after);
      previous = row;
    }
    rows.forEach((row, id) => { if (!seen.has(id)) row.dispose(); });

    $('empty').hidden = !doc || sessions.length > 0;
    list.hidden = sessions.length === 0;
    const summary = $('summary');
    let text;
    let kind = '';
    if (error) { text = 'not available'; kind = 'error'; }
    else if (reachable === false) { text = 'server unreachable'; kind = 'error'; }
    else if (!doc) { text = 'loading\u2026'; }
    else {
      const running = sessions.filter((s) => s.running).length;
      text = count(sessions.length, 'session', 'sessions') + (running ? ', ' + running + ' running' : '');
      kind = running ? 'running' : '';
    }
    if (summary.textContent !== text) summary.textContent = text;
    summary.className = 'state ' + kind;
  }

  window.camstreamTimelapse = {
    sessions: () => (doc ? JSON.parse(JSON.stringify(doc.sessions || [])) : []),
    state: () => ({
      camera: camera, root: ROOT, loaded: !!doc, reachable: reachable, error: error, polls: polls,
      polling: !!timer || !!polling, nextPollMs: busy() ? FAST_POLL_MS : SLOW_POLL_MS, hidden: document.hidden,
    }),
    refresh: () => refresh(),
  };

  render();
  refresh();
})();
