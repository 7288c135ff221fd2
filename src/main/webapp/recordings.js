'use strict';
// The recordings page: one camera's recorded spans and gaps for one day (today in the browser's zone, or ?day=
// YYYY-MM-DD) on a 24 h bar with hour ticks, which zooms to 6 h, 1 h and 10 min; a click or tap on the bar plays
// from that moment, in a <video> with native controls (scrubbing), with the previous and next span, and a download
// of a chosen clip. Every time shown is in the browser's zone. api/recordings is polled every 10 s, so that a span
// being recorded grows, and the camera's status too, for its recorder's state (a warning when it stopped).
//
// The same file is served at the root (the first camera's) and at cam/<name>/recordings.html. The API is at the
// context root, never under cam/<name>/: ROOT is the part of the path before /cam/, or the page's directory.
//
// For tests: window.camstreamRecordings = {spans(), playing(), state()}.
(function () {
  const $ = (id) => document.getElementById(id);
  const HOUR = 3600000;
  // How often api/recordings is asked again: 10 s. A test of what the next poll brings (recording turned off and on
  // again) sets window.camstreamRecordingsPollMs before this script runs, so that it need not wait 10 s for each.
  const POLL_MS = Number(window.camstreamRecordingsPollMs) > 0 ? Number(window.camstreamRecordingsPollMs) : 10000;
  const MAX_CLIP_SECONDS = 10800; // what cam/<name>/recordings/get serves at most
  const TOUCH_SLOP_PX = 14; // a tap this close to a span is on it
  const routed = /^(.*\/)cam\/([^/]+)\/[^/]*$/.exec(location.pathname);
  const ROOT = routed ? routed[1] : location.pathname.replace(/[^/]*$/, '');

  const bar = $('bar');
  const track = $('track');
  const ticks = $('ticks');
  const video = $('video');
  const dayInput = $('day');
  const clipFrom = $('clip-from');
  const clipTo = $('clip-to');
  const download = $('download');
  const zoomButtons = Array.from(document.querySelectorAll('[data-zoom]'));

  let camera = routed ? decodeURIComponent(routed[2]) : null;
  let cameras = [];
  let day = initialDay(); // local midnight, a Date
  let dayFrom = day.getTime();
  let dayTo = nextDay(day).getTime();
  let spans = []; // [{start, end (ms), data (as the API gave it)}]
  let gaps = [];
  let record = null; // the camera's record setting, from api/recordings
  let recording = null; // the camera's status.recording
  let reachable = null;
  let error = null; // what stops the page: an unknown camera, an unreachable server
  let loaded = false;
  let playing = null; // {start, end, requested, clipStart, url, seconds}
  let cursor = null; // the slider's time, ms
  let cursorActive = false; // moved by keys since the last play: the slider shows it rather than the playhead
  let viewMs = dayTo - dayFrom;
  let viewStart = dayFrom;
  let clipEdited = false;
  let loadGeneration = 0;
  let playGeneration = 0;
  let shownState = 'loading';
  let warningText = null;

  // ------------------------------------------------------------------ times

  const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const tickFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
  const hourFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric' });
  const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
  const fullFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

  /** An ISO 8601 time from the server (Instant.toString: up to nine decimals) as ms. */
  function parseTime(text) {
    if (!text) return NaN;
    return Date.parse(String(text).replace(/(\.\d{3})\d+/, '$1'));
  }

  function iso(ms) { return new Date(ms).toISOString(); }
  function pad(n) { return String(n).padStart(2, '0'); }
  function dateValue(date) { return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate()); }
  function localValue(ms) {
    const d = new Date(ms);
    return dateValue(d) + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }
  function midnight(date) { return new Date(date.getFullYear(), date.getMonth(), date.getDate()); }
  function nextDay(date) { return new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1); }
  function previousDay(date) { return new Date(date.getFullYear(), date.getMonth(), date.getDate() - 1); }
  function parseDay(text) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || '');
    if (!m) return null;
    const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    return isNaN(d.getTime()) ? null : d;
  }
  function initialDay() { return parseDay(new URLSearchParams(location.search).get('day')) || midnight(new Date()); }
  function isToday() { return dateValue(day) === dateValue(new Date()); }

  function clock(ms) { return timeFormat.format(new Date(ms)); }
  /** A time on the shown day as its clock time; on another day with its date. */
  function when(ms) { return ms >= dayFrom && ms < dayTo ? clock(ms) : fullFormat.format(new Date(ms)); }

  function duration(seconds) {
    const s = Math.max(0, Math.round(seconds));
    if (s < 60) return s + ' s';
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    if (h === 0) return m + ' min' + (s % 60 ? ' ' + (s % 60) + ' s' : '');
    return h + ' h' + (m ? ' ' + m + ' min' : '');
  }

  // ------------------------------------------------------------------ URLs

  function cameraBase(name) { return ROOT + 'cam/' + encodeURIComponent(name) + '/'; }
  function pageUrl(name) { return cameraBase(name) + 'recordings.html?day=' + dateValue(day); }
  function clipUrl(startMs, seconds) {
    return cameraBase(camera) + 'recordings/get?start=' + encodeURIComponent(iso(startMs))
      + '&duration=' + seconds.toFixed(1).replace(/\.0$/, '');
  }

  async function getJson(url) {
    const response = await fetch(url, { cache: 'no-store' });
    let body = null;
    try { body = await response.json(); } catch (e) { /* not JSON */ }
    return { status: response.status, ok: response.ok, body: body || {} };
  }

  // ------------------------------------------------------------------ what the server says

  async function loadCameras() {
    try {
      const answer = await getJson(ROOT + 'api/cameras');
      if (!answer.ok) return;
      cameras = (answer.body.cameras || []).map((c) => c.name);
      if (!camera) {
        const first = (answer.body.cameras || []).find((c) => c.first) || (answer.body.cameras || [])[0];
        if (!first) {
          error = 'The server has no camera.';
          render();
          return;
        }
        camera = first.name;
      }
      renderSwitcher();
    } catch (e) {
      // the status poll says when the server is gone
    }
  }

  async function loadDay() {
    if (!camera) return;
    const generation = ++loadGeneration;
    const from = dayFrom;
    try {
      const answer = await getJson(ROOT + 'api/recordings?camera=' + encodeURIComponent(camera)
        + '&from=' + encodeURIComponent(iso(dayFrom)) + '&to=' + encodeURIComponent(iso(dayTo)));
      if (generation !== loadGeneration || from !== dayFrom) return; // a newer day was asked for
      if (answer.status === 404) {
        error = 'There is no camera \u201c' + camera + '\u201d on this server.';
        spans = [];
        gaps = [];
      } else if (!answer.ok) {
        error = answer.body.error || 'The server answered ' + answer.status + '.';
      } else {
        error = null;
        record = answer.body.record || null;
        spans = (answer.body.spans || []).map((s) => ({ start: parseTime(s.start), end: parseTime(s.end), data: s }))
          .filter((s) => isFinite(s.start) && isFinite(s.end) && s.end > s.start)
          .sort((a, b) => a.start - b.start);
        gaps = (answer.body.gaps || []).map((g) => ({ start: parseTime(g.start), end: parseTime(g.end) }))
          .filter((g) => isFinite(g.start) && isFinite(g.end));
      }
      reachable = true;
      loaded = true;
      if (playing) {
        // The span that plays may have grown.
        const now = playingSpan();
        if (now) { playing.start = now.start; playing.end = now.end; playing.open = !!now.data.recording; }
      }
      fillClipDefaults(false);
    } catch (e) {
      if (generation === loadGeneration) reachable = false;
    }
    render();
  }

  async function loadStatus() {
    if (!camera) return;
    try {
      const answer = await getJson(cameraBase(camera) + 'api/status');
      if (answer.status === 404) {
        recording = null;
      } else if (answer.ok) {
        recording = answer.body.recording || null;
        reachable = true;
      }
    } catch (e) {
      reachable = false;
    }
    render();
  }

  async function refresh() {
    if (!camera) await loadCameras();
    else loadCameras();
    await Promise.all([loadDay(), loadStatus()]);
  }

  // ------------------------------------------------------------------ the day and the view

  function setDay(date) {
    day = midnight(date);
    dayFrom = day.getTime();
    dayTo = nextDay(day).getTime();
    spans = [];
    gaps = [];
    loaded = false;
    cursor = null;
    viewMs = dayLength();
    viewStart = dayFrom;
    clipEdited = false;
    const url = new URL(location.href);
    if (isToday()) url.searchParams.delete('day');
    else url.searchParams.set('day', dateValue(day));
    history.replaceState(null, '', url);
    renderSwitcher();
    render();
    loadDay();
  }

  function dayLength() { return dayTo - dayFrom; }

  /** The view window of viewMs, centred on a time, inside the day. */
  function centreOn(ms) {
    viewMs = Math.min(viewMs, dayLength());
    viewStart = Math.max(dayFrom, Math.min(dayTo - viewMs, ms - viewMs / 2));
  }

  function focusTime() {
    if (playing) return position();
    if (cursor !== null) return cursor;
    if (spans.length) return spans[spans.length - 1].end;
    return isToday() ? Date.now() : dayFrom + dayLength() / 2;
  }

  function setZoom(seconds) {
    // The whole day is 23 or 25 h on the days the clocks change.
    viewMs = seconds * 1000 >= 24 * HOUR ? dayLength() : Math.min(seconds * 1000, dayLength());
    centreOn(focusTime());
    render();
  }

  function pan(direction) {
    viewStart = Math.max(dayFrom, Math.min(dayTo - viewMs, viewStart + direction * viewMs / 2));
    render();
  }

  // ------------------------------------------------------------------ spans

  function spanAt(ms) { return spans.find((s) => s.start <= ms && ms < s.end) || null; }
  // A span's times are placed anew at every answer (by the monotonic clock and the wall clock as it is then), so
  // the same span may start a millisecond or so apart from one answer to the next.
  const SAME_MS = 1500;
  function spanNear(start) { return spans.find((s) => Math.abs(s.start - start) < SAME_MS) || null; }
  function isPlaying(span) { return !!playing && Math.abs(span.start - playing.start) < SAME_MS; }
  function playingSpan() { return playing ? spanNear(playing.start) : null; }
  function spanIndex(span) { return span ? spans.findIndex((s) => s.start === span.start) : -1; }

  /** The span a click at clientX is on, and the moment to play from; or the time clicked when nothing is near. */
  function hit(clientX) {
    const rect = bar.getBoundingClientRect();
    const fraction = Math.max(0, Math.min(1, (clientX - rect.left) / rect.width));
    const ms = viewStart + fraction * viewMs;
    const inside = spanAt(ms);
    if (inside) return { span: inside, at: ms };
    const perPixel = viewMs / rect.width;
    let best = null;
    let bestPx = Infinity;
    for (const s of spans) {
      const px = (ms < s.start ? s.start - ms : ms - s.end) / perPixel;
      if (px < bestPx) { bestPx = px; best = s; }
    }
    if (best && bestPx <= TOUCH_SLOP_PX) {
      // A span a few pixels wide is played from its start; a wider one from its edge nearest the tap.
      const narrow = (best.end - best.start) / perPixel < 8;
      const at = narrow || ms < best.start ? best.start : Math.max(best.start, best.end - 2000);
      return { span: best, at: at };
    }
    return { span: null, at: ms };
  }

  function playAt(ms) {
    const span = spanAt(ms);
    if (span) play(span, ms);
    else message('Nothing was recorded at ' + when(ms) + '.', true);
  }

  bar.addEventListener('click', (event) => {
    const target = hit(event.clientX);
    cursor = target.at;
    if (target.span) play(target.span, target.at);
    else message('Nothing was recorded at ' + when(target.at) + '.', true);
    render();
  });

  // The moment under the mouse, before a click.
  const hover = document.createElement('div');
  hover.className = 'hover';
  hover.hidden = true;
  hover.setAttribute('aria-hidden', 'true');
  bar.appendChild(hover);
  bar.addEventListener('pointermove', (event) => {
    if (event.pointerType !== 'mouse') return;
    const rect = bar.getBoundingClientRect();
    const fraction = Math.max(0, Math.min(1, (event.clientX - rect.left) / rect.width));
    hover.hidden = false;
    hover.style.left = (fraction * 100) + '%';
    hover.textContent = tickFormat.format(new Date(viewStart + fraction * viewMs));
    hover.classList.toggle('flip', fraction > 0.85);
  });
  bar.addEventListener('pointerleave', () => { hover.hidden = true; });

  bar.addEventListener('keydown', (event) => {
    const step = viewMs / 48;
    let next = cursorActive && cursor !== null ? cursor : playing ? position() : cursor === null ? focusTime() : cursor;
    switch (event.key) {
      case 'ArrowLeft': case 'ArrowDown': next -= step; break;
      case 'ArrowRight': case 'ArrowUp': next += step; break;
      case 'PageDown': next -= viewMs / 8; break;
      case 'PageUp': next += viewMs / 8; break;
      case 'Home': next = dayFrom; break;
      case 'End': next = dayTo - 1000; break;
      case 'Enter': case ' ':
        event.preventDefault();
        playAt(next);
        return;
      default: return;
    }
    event.preventDefault();
    cursor = Math.max(dayFrom, Math.min(dayTo - 1000, Math.round(next / 1000) * 1000));
    cursorActive = true;
    if (cursor < viewStart || cursor >= viewStart + viewMs) centreOn(cursor);
    render();
  });

  // ------------------------------------------------------------------ the player

  let messageTimer = null;
  /** What the player says over its picture; a passing word over a clip that plays goes after a few seconds. */
  function message(text, passing) {
    const p = $('player-message');
    p.textContent = text;
    p.hidden = !text;
    clearTimeout(messageTimer);
    if (passing && playing) messageTimer = setTimeout(() => { if (p.textContent === text) message(''); }, 4000);
  }

  function position() {
    if (!playing) return null;
    return playing.clipStart + (video.currentTime || 0) * 1000;
  }

  /** Plays the span from a moment: a clip from there to the span's end (at most 3 h), seeked to the moment. */
  async function play(span, at) {
    const generation = ++playGeneration;
    cursorActive = false;
    const start = Math.max(span.start, Math.min(at, span.end - 500));
    const seconds = Math.min(MAX_CLIP_SECONDS, Math.max(1, Math.ceil((span.end - start) / 100) / 10));
    const url = clipUrl(start, seconds);
    message('Loading ' + when(start) + '…');
    let clipStart = start;
    try {
      const head = await fetch(url, { method: 'HEAD', cache: 'no-store' });
      if (generation !== playGeneration) return;
      if (!head.ok) {
        message(head.status === 404 ? 'Nothing was recorded at ' + when(start) + '.'
          : 'The clip cannot be had: the server answered ' + head.status + '.');
        return;
      }
      const said = parseTime(head.headers.get('X-Camstream-Clip-Start'));
      if (isFinite(said) && said <= start) clipStart = said;
    } catch (e) {
      if (generation === playGeneration) message('The server cannot be reached.');
      return;
    }
    const newSpan = !playing || Math.abs(playing.start - span.start) >= SAME_MS;
    playing = { start: span.start, end: span.end, open: !!span.data.recording, requested: start, clipStart: clipStart,
      url: url, seconds: seconds };
    if (newSpan) { clipEdited = false; }
    fillClipDefaults(newSpan);
    const offset = (start - clipStart) / 1000;
    video.hidden = false;
    video.addEventListener('loadedmetadata', function seek() {
      video.removeEventListener('loadedmetadata', seek);
      if (generation === playGeneration && offset > 0.05) video.currentTime = offset;
    });
    video.src = url;
    message('');
    const started = video.play();
    if (started && started.catch) {
      started.catch((e) => {
        if (generation !== playGeneration || e.name !== 'NotAllowedError') return;
        // No sound without a gesture of the user's: muted, it may play.
        video.muted = true;
        video.play().catch(() => message('Press play to start.'));
      });
    }
    if (viewMs < dayLength() && (start < viewStart || start >= viewStart + viewMs)) centreOn(start);
    render();
    // On a phone the player is under the timeline: brought into sight when none of it shows.
    const screen = $('screen').getBoundingClientRect();
    if (screen.top >= window.innerHeight || screen.bottom <= 0) $('screen').scrollIntoView({ block: 'nearest' });
  }

  video.addEventListener('timeupdate', renderPlayhead);
  video.addEventListener('seeked', renderPlayhead);
  video.addEventListener('error', () => {
    if (playing && video.error) message('The clip cannot be played (' + (video.error.message || 'error ' + video.error.code) + ').');
  });
  video.addEventListener('ended', () => {
    if (!playing) return;
    // Go on where the clip ended if the span is longer: it was being recorded, or longer than a clip may be.
    const end = playing.clipStart + video.duration * 1000;
    const span = playingSpan();
    if (span && span.end > end + 1000) play(span, end);
  });

  function step(direction) {
    const index = spanIndex(playingSpan());
    let target = null;
    if (index >= 0) target = spans[index + direction] || null;
    else if (spans.length) target = direction > 0 ? spans[0] : spans[spans.length - 1];
    if (target) {
      cursor = target.start;
      play(target, target.start);
    }
  }
  $('prev-span').addEventListener('click', () => step(-1));
  $('next-span').addEventListener('click', () => step(1));

  // ------------------------------------------------------------------ the clip to download

  function fillClipDefaults(force) {
    if (clipEdited && !force) return;
    const span = playing ? (playingSpan() || playing) : spans[spans.length - 1];
    if (!span) return;
    clipFrom.value = localValue(Math.floor(span.start / 1000) * 1000);
    clipTo.value = localValue(Math.ceil(Math.min(span.end, span.start + MAX_CLIP_SECONDS * 1000) / 1000) * 1000);
    renderClip();
  }

  function chosenClip() {
    const from = new Date(clipFrom.value).getTime();
    const to = new Date(clipTo.value).getTime();
    if (!isFinite(from) || !isFinite(to)) return { error: 'Choose when the clip starts and ends.' };
    const seconds = (to - from) / 1000;
    if (seconds <= 0) return { error: 'The clip must end after it starts.' };
    if (seconds > MAX_CLIP_SECONDS) return { error: 'A clip is at most 3 hours long.' };
    return { from: from, seconds: seconds };
  }

  function renderClip() {
    const clip = chosenClip();
    if (clip.error || !camera) {
      download.removeAttribute('href');
      download.setAttribute('aria-disabled', 'true');
      $('clip-note').textContent = clip.error || '';
    } else {
      download.href = clipUrl(clip.from, clip.seconds) + '&download=1';
      download.removeAttribute('aria-disabled');
      $('clip-note').textContent = duration(clip.seconds) + ' from ' + when(clip.from);
    }
  }

  [clipFrom, clipTo].forEach((input) => input.addEventListener('input', () => { clipEdited = true; renderClip(); }));

  // ------------------------------------------------------------------ drawing

  function pct(ms) { return ((ms - viewStart) / viewMs * 100) + '%'; }
  function widthPct(a, b) { return ((b - a) / viewMs * 100) + '%'; }

  function piece(className, a, b) {
    const from = Math.max(a, viewStart);
    const to = Math.min(b, viewStart + viewMs);
    if (to <= from) return null;
    const el = document.createElement('div');
    el.className = className;
    el.style.left = pct(from);
    el.style.width = widthPct(from, to);
    track.appendChild(el);
    return el;
  }

  function renderTrack() {
    track.textContent = '';
    const now = Date.now();
    const pastEnd = Math.min(now, dayTo);
    for (const g of gaps) {
      if (g.start < pastEnd) piece('gap', g.start, Math.min(g.end, pastEnd));
    }
    if (now < dayTo) piece('future', Math.max(now, dayFrom), dayTo);
    for (const s of spans) {
      const el = piece('span' + (s.data.recording ? ' open' : '') + (isPlaying(s) ? ' current' : ''),
        s.start, s.end);
      if (el) el.dataset.start = s.data.start;
    }
    const cursorEl = document.createElement('div');
    cursorEl.className = 'cursor';
    cursorEl.id = 'cursor';
    track.appendChild(cursorEl);
    const head = document.createElement('div');
    head.className = 'playhead';
    head.id = 'playhead';
    track.appendChild(head);
    renderPlayhead();
  }

  function renderPlayhead() {
    const head = $('playhead');
    const cursorEl = $('cursor');
    const at = position();
    if (head) {
      const visible = at !== null && at >= viewStart && at <= viewStart + viewMs;
      head.hidden = !visible;
      if (visible) head.style.left = pct(at);
    }
    if (cursorEl) {
      const visible = cursor !== null && cursor >= viewStart && cursor <= viewStart + viewMs && (cursorActive || !playing);
      cursorEl.hidden = !visible;
      if (visible) cursorEl.style.left = pct(cursor);
    }
    const onCursor = cursor !== null && (cursorActive || !playing);
    const value = onCursor ? cursor : at !== null ? at : focusTime();
    const seconds = Math.round((Math.max(dayFrom, Math.min(dayTo, value)) - dayFrom) / 1000);
    bar.setAttribute('aria-valuemax', String(Math.round(dayLength() / 1000)));
    bar.setAttribute('aria-valuenow', String(seconds));
    bar.setAttribute('aria-valuetext', clock(value) + (spanAt(value) ? ', recorded' : ', not recorded')
      + (playing && !onCursor ? ', playing' : ''));
    if (playing) {
      const span = playingSpan() || playing;
      $('now-playing').textContent = 'Playing ' + when(at) + ' \u00b7 span ' + when(span.start) + ' \u2013 '
        + when(span.end) + (span.data && span.data.recording ? ' (still recording)' : '');
    } else {
      $('now-playing').textContent = '';
    }
  }

  function renderTicks() {
    ticks.textContent = '';
    const narrow = bar.getBoundingClientRect().width < 600;
    // [tick step, label step], in minutes, for each zoom.
    const steps = viewMs > 6 * HOUR ? [60, narrow ? 360 : 180]
      : viewMs > HOUR ? [30, narrow ? 120 : 60]
        : viewMs > HOUR / 6 ? [5, narrow ? 20 : 10] : [1, narrow ? 5 : 2];
    const tickMs = steps[0] * 60000;
    const end = viewStart + viewMs;
    // Ticks at whole local hours and minutes from the day's midnight.
    let t = dayFrom + Math.ceil((viewStart - dayFrom) / tickMs) * tickMs;
    for (; t <= end; t += tickMs) {
      const local = new Date(t);
      const minutes = local.getHours() * 60 + local.getMinutes();
      const labelled = minutes % steps[1] === 0;
      const mark = document.createElement('span');
      mark.className = 'tick' + (labelled ? ' major' : '');
      mark.style.left = pct(t);
      ticks.appendChild(mark);
      const fraction = (t - viewStart) / viewMs;
      if (labelled && fraction < 0.97) {
        const label = document.createElement('span');
        label.className = 'tick-label' + (fraction < 0.04 ? ' start' : '');
        label.style.left = pct(t);
        // Whole hours as short as the language has them (3 PM, 15), other ticks with their minutes.
        label.textContent = steps[1] % 60 === 0 ? hourFormat.format(local) : tickFormat.format(local);
        ticks.appendChild(label);
      }
    }
    // Labels that would overlap (a narrow bar, long words for the hours) are left out.
    let lastRight = -Infinity;
    for (const label of ticks.querySelectorAll('.tick-label')) {
      const r = label.getBoundingClientRect();
      if (r.width && r.left < lastRight + 8) label.hidden = true;
      else lastRight = r.right;
    }
  }

  function renderList() {
    const list = $('spans');
    const existing = Array.from(list.children);
    const wanted = [];
    spans.forEach((s, i) => {
      // The button of the same span is kept, so that the focus stays on it from one poll to the next.
      let li = existing.find((e) => Math.abs(Number(e.dataset.ms) - s.start) < SAME_MS && !wanted.includes(e));
      if (!li) {
        li = document.createElement('li');

        const button = document.createElement('button');
        button.type = 'button';
        button.innerHTML = '<span class="span-time"></span> <span class="span-length"></span>';
        button.addEventListener('click', () => {
          const span = spanNear(Number(li.dataset.ms));
          if (span) { cursor = span.start; play(span, span.start); }
        });
        li.appendChild(button);
      }
      li.dataset.ms = String(s.start);
      li.dataset.start = s.data.start;
      const button = li.firstChild;
      button.querySelector('.span-time').textContent = when(s.start) + ' \u2013 ' + when(s.end);
      button.querySelector('.span-length').textContent = duration((s.end - s.start) / 1000)
        + (s.data.recording ? ', recording' : '') + (s.data.sizes && s.data.sizes.length ? ', ' + s.data.sizes.join(', ') : '');
      button.setAttribute('aria-label', 'Play span ' + (i + 1) + ': ' + button.textContent);
      const current = isPlaying(s);
      if (current) button.setAttribute('aria-current', 'true'); else button.removeAttribute('aria-current');
      button.classList.toggle('open', !!s.data.recording);
      wanted.push(li);
    });
    wanted.forEach((li, i) => { if (list.children[i] !== li) list.insertBefore(li, list.children[i] || null); });
    while (list.children.length > wanted.length) list.removeChild(list.lastChild);
    $('spans-empty').hidden = !loaded || spans.length > 0;
    $('spans-empty').textContent = isToday() ? 'Nothing was recorded today yet.' : 'Nothing was recorded on this day.';
  }

  function renderState() {
    const state = $('record-state');
    const warning = $('warning');
    const note = $('note');
    warningText = null;
    let noteText = null;
    if (error) {
      shownState = 'error';
      setText(state, 'not available');
      state.className = 'state error';
      warningText = [error, ''];
    } else if (reachable === false) {
      shownState = 'unreachable';
      setText(state, 'server unreachable');
      state.className = 'state error';
      warningText = ['The server cannot be reached', 'What is shown may be out of date; the page tries again every 10 s.'];
    } else if (recording && recording.state === 'stopped') {
      shownState = 'stopped';
      setText(state, 'recording stopped');
      state.className = 'state error';
      warningText = ['Recording has stopped' + (recording.lastErrorAt ? ' (' + when(parseTime(recording.lastErrorAt)) + ')' : ''),
        (recording.lastError ? recording.lastError.charAt(0).toUpperCase() + recording.lastError.slice(1) + '. ' : '')
        + 'The camera goes on recording by itself once the disk has room.'];
    } else if (recording && recording.state === 'recording') {
      shownState = 'recording';
      setText(state, 'recording');
      state.className = 'state running';
    } else if (recording || record) {
      shownState = 'off';
      setText(state, 'not recording');
      state.className = 'state';
      const setting = (recording && recording.setting) || record || 'off';
      noteText = setting === 'off'
        ? 'This camera is not set to record (record is off). What it recorded before is still here.'
        : 'This camera is set to record (' + setting + ') but is not recording now.';
    } else {
      shownState = 'loading';
    }
    warning.hidden = !warningText;
    if (warningText) {
      // Set only when it changes: an alert is said again at every change of its words.
      setText($('warning-title'), warningText[0]);
      setText($('warning-detail'), warningText[1]);
      $('warning-detail').hidden = !warningText[1];
    }
    note.hidden = !noteText;
    if (noteText) setText($('note-text'), noteText);
  }

  function setText(element, text) { if (element.textContent !== text) element.textContent = text; }

  function renderSwitcher() {
    const list = $('switcher-list');
    list.textContent = '';
    for (const name of cameras) {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = pageUrl(name);
      a.textContent = name;
      if (name === camera) a.setAttribute('aria-current', 'page');
      li.appendChild(a);
      list.appendChild(li);
    }
    $('switcher').hidden = cameras.length < 2;
  }

  function render() {
    if (camera) {
      $('camera-name').textContent = camera;
      document.title = 'Recordings \u00b7 ' + camera + ' \u00b7 camstream';
      $('live-link').href = cameraBase(camera);
      $('admin-link').href = ROOT + 'admin?camera=' + encodeURIComponent(camera);
    }
    $('day-label').textContent = dayFormat.format(day);
    dayInput.value = dateValue(day);
    dayInput.max = dateValue(new Date());
    $('next-day').disabled = isToday() || day.getTime() > Date.now();
    $('today').disabled = isToday();
    viewMs = Math.min(viewMs, dayLength());
    viewStart = Math.max(dayFrom, Math.min(dayTo - viewMs, viewStart));
    zoomButtons.forEach((b) => {
      const ms = Number(b.dataset.zoom) * 1000;
      b.setAttribute('aria-pressed', String(ms >= 24 * HOUR ? viewMs >= dayLength() : viewMs === ms));
    });
    $('earlier').disabled = viewStart <= dayFrom;
    $('later').disabled = viewStart + viewMs >= dayTo;
    $('view-label').textContent = viewMs >= dayLength() ? '' : tickFormat.format(new Date(viewStart)) + ' \u2013 '
      + tickFormat.format(new Date(viewStart + viewMs));
    renderTrack();
    renderTicks();
    renderList();
    renderState();
    const index = spanIndex(playingSpan());
    $('prev-span').disabled = index >= 0 ? index === 0 : spans.length === 0;
    $('next-span').disabled = index >= 0 ? index === spans.length - 1 : spans.length === 0;
    const total = spans.reduce((sum, s) => sum + (s.end - s.start) / 1000, 0);
    $('day-summary').textContent = !loaded ? 'Loading\u2026' : spans.length === 0 ? 'Nothing recorded.'
      : spans.length + (spans.length === 1 ? ' span, ' : ' spans, ') + duration(total) + ' recorded'
        + (spans.some((s) => s.data.recording) ? ', recording now' : '') + '.';
    renderClip();
  }

  // ------------------------------------------------------------------ controls

  $('prev-day').addEventListener('click', () => setDay(previousDay(day)));
  $('next-day').addEventListener('click', () => setDay(nextDay(day)));
  $('today').addEventListener('click', () => setDay(new Date()));
  dayInput.addEventListener('change', () => {
    const chosen = parseDay(dayInput.value);
    if (chosen && chosen.getTime() !== day.getTime()) setDay(chosen);
  });
  zoomButtons.forEach((b) => b.addEventListener('click', () => setZoom(Number(b.dataset.zoom))));
  $('earlier').addEventListener('click', () => pan(-1));
  $('later').addEventListener('click', () => pan(1));
  window.addEventListener('resize', renderTicks);

  window.camstreamRecordings = {
    spans: () => spans.map((s) => Object.assign({}, s.data)),
    playing: () => {
      if (!playing) return null;
      const span = playingSpan() || playing;
      return {
        url: playing.url, requested: iso(playing.requested), clipStart: iso(playing.clipStart),
        // The span as api/recordings gave it last.
        spanStart: span.data ? span.data.start : iso(span.start), spanEnd: span.data ? span.data.end : iso(span.end),
        position: iso(position()),
        currentTime: video.currentTime, duration: video.duration, paused: video.paused,
      };
    },
    state: () => ({
      camera: camera, cameras: cameras.slice(), root: ROOT, day: dateValue(day), from: iso(dayFrom), to: iso(dayTo),
      loaded: loaded, record: record, recording: recording, shown: shownState,
      warning: warningText ? warningText.filter(Boolean).join(' ') : null, error: error,
      view: { start: iso(viewStart), end: iso(viewStart + viewMs) },
      cursor: cursor === null ? null : iso(cursor),
    }),
  };

  render();
  refresh();
  setInterval(() => { if (!document.hidden) refresh(); }, POLL_MS);
  // The future part of today's bar shrinks, and the playhead follows between polls.
  setInterval(() => { if (!document.hidden && isToday()) renderTrack(); }, 30000);
})();
