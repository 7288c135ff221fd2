'use strict';
// What the viewer page says over the picture, decided from what it knows: whether the browser can play the
// mode, whether the server answers, what the camera is doing, and whether fresh pictures arrive.
// A pure function, so that every state has one designed message. The single-camera page and each tile of the
// grid of every camera (grid.js) say the same thing in the same words.
(function (global) {
  /** The camera's last error in words a person watching a bird box understands; null when there is none. */
  function plainReason(error) {
    if (!error) return null;
    const e = String(error);
    const rules = [
      [/killed by signal|was killed/i, 'The camera program stopped unexpectedly.'],
      [/busy|in use|resource temporarily unavailable|pipeline handler in use/i, 'Another program is using the camera.'],
      [/connection refused|no route|network is unreachable|timed out|timeout|name or service not known|could not resolve|host/i,
        'The camera\u2019s network address does not answer.'],
      [/401|403|unauthori[sz]ed|forbidden|authenticat/i, 'The camera refused the user name or password.'],
      [/does not exist|no such file|not found|cannot read/i, 'The camera\u2019s input cannot be found.'],
      [/no webcam|no camera|no cameras available|not connected/i, 'No camera is connected.'],
      [/cannot run|not installed/i, 'A program camstream needs is not installed.'],
      [/stopped answering|no pictures|stalled|silent/i, 'The camera stopped sending pictures.'],
      [/invalid data|corrupt|decode|bitstream/i, 'The camera sends pictures that cannot be read.'],
    ];
    for (const [pattern, words] of rules) {
      if (pattern.test(e)) return words;
    }
    return 'The camera stopped with an error.';
  }

  function seconds(ms) {
    return Math.max(1, Math.ceil(ms / 1000));
  }

  /**
   * The message for a state, or null while pictures play. facts:
   *   removed     the server no longer has this camera (its api/status answers 404, or its WebSocket closed
   *               with 4404)
   *   supported   the browser can play the chosen mode
   *   modeName    its name, such as "MSE"
   *   reachable   false after the server stopped answering
   *   camera      {state, lastError, retryInMs, at} from the server (at: when the page learned it, in ms)
   *   playing     fresh pictures are arriving
   *   now         the page's clock, in ms
   */
  function describe(facts) {
    if (facts.removed || (facts.camera && facts.camera.state === 'removed')) {
      return {
        kind: 'removed',
        title: 'This camera was removed',
        detail: 'It is no longer on this server.',
        retry: '',
      };
    }
    if (!facts.supported) {
      return {
        kind: 'unsupported',
        title: 'This browser cannot play ' + facts.modeName,
        detail: 'Choose MJPEG: it works in every browser.',
        retry: '',
      };
    }
    if (facts.reachable === false) {
      return {
        kind: 'unreachable',
        title: 'The server does not answer',
        detail: 'camstream or the network between you is down.',
        retry: 'Trying again…',
      };
    }
    const camera = facts.camera;
    const state = camera ? camera.state : null;
    const troubled = camera && (state === 'restarting' || (camera.lastError && state !== 'running'));
    if (troubled) {
      let retry = 'Trying again…';
      if (camera.retryInMs !== null && camera.retryInMs !== undefined) {
        const left = camera.retryInMs - (facts.now - camera.at);
        retry = left > 500 ? 'Retrying in ' + seconds(left) + ' s' : 'Retrying now…';
      }
      return {
        kind: 'offline',
        title: 'Camera offline',
        detail: plainReason(camera.lastError) || 'The camera stopped.',
        technical: camera.lastError || '',
        retry: retry,
      };
    }
    if (facts.playing) return null;
    if (state === 'starting' || state === 'idle' || state === 'stopping') {
      return { kind: 'starting', title: 'Camera starting…', detail: '', retry: '' };
    }
    return { kind: 'connecting', title: 'Connecting…', detail: '', retry: '' };
  }

  global.CamstreamViewState = { describe, plainReason };
})(window);
