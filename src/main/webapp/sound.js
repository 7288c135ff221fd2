'use strict';
// The viewer page's sound: a speaker button and a level meter for the video element of the MSE, MP4 and HLS
// modes. Browsers play sound only after a tap (autoplay policy), so the page starts muted; one tap unmutes.
// While muted the meter shows that sound arrives (the browser decodes it); unmuted, how loud it is, from an
// AnalyserNode. No library, no build step.
//
// window.CamstreamSound.attach(video, button, bar) returns {stats(), measureSync()}. stats() gives
// {available, muted, decodedBytes, level, avOffsetMs, avOffsets}; measureSync() starts measuring, on the
// audio=test source, how far apart the beep and the flash of the same moment reach the user (see the
// README's "Sound"): the flash's display time from requestVideoFrameCallback, the beep's output time from an
// AudioWorklet on the captured copy and the AudioContext's output timestamp, both on the page's performance
// clock. The copy's own buffering makes the sound read a little late, never early.
(function (global) {
  const POLL_MS = 200;

  function attach(video, button, bar) {
    let ctx = null;
    let analyser = null;
    let samples = null;
    let source = null;
    let sink = null;
    const listeners = []; // nodes that hear the copy once its audio track is there
    let lastBytes = 0;
    let arriving = false;
    let level = null;
    const flashes = []; // performance-clock ms at which a flash was shown
    const offsets = [];
    let measuring = false;

    function decodedBytes() {
      return typeof video.webkitAudioDecodedByteCount === 'number' ? video.webkitAudioDecodedByteCount : 0;
    }

    function available() {
      return decodedBytes() > 0 || !!(video.audioTracks && video.audioTracks.length) || !!video.mozHasAudio;
    }

    // Made on the first unmute, which is a tap: an AudioContext made earlier would stay suspended. The element
    // plays its sound itself, as the browser keeps it in sync with the pictures (its output latency
    // compensated); WebAudio hears a copy, from captureStream(), into a silent end. Routing the playback
    // through WebAudio instead would add the context's own output latency (30 to 50 ms) to the sound alone.
    function graph() {
      if (ctx) return ctx;
      const Context = global.AudioContext || global.webkitAudioContext;
      const capture = video.captureStream || video.mozCaptureStream;
      if (!Context || !capture) return null;
      ctx = new Context();
      analyser = ctx.createAnalyser();
      analyser.fftSize = 1024;
      samples = new Float32Array(analyser.fftSize);
      sink = ctx.createGain();
      sink.gain.value = 0;
      analyser.connect(sink);
      sink.connect(ctx.destination);
      const stream = capture.call(video);
      const listen = () => {
        if (source || !stream.getAudioTracks().length) return;
        source = ctx.createMediaStreamSource(stream);
        source.connect(analyser);
        listeners.forEach((node) => source.connect(node));
      };
      stream.addEventListener('addtrack', listen);
      listen();
      return ctx;
    }

    function label() {
      const muted = video.muted;
      button.setAttribute('aria-pressed', String(!muted));
      button.setAttribute('aria-label', muted ? 'Sound off: tap to unmute' : 'Sound on: tap to mute');
      button.title = button.getAttribute('aria-label');
      button.classList.toggle('muted', muted);
    }

    button.addEventListener('click', () => {
      if (video.muted) {
        const context = graph();
        if (context && context.state !== 'running') context.resume().catch(() => {});
        video.muted = false;
      } else {
        video.muted = true;
      }
      label();
    });

    function poll() {
      const bytes = decodedBytes();
      arriving = bytes > lastBytes;
      lastBytes = bytes;
      button.hidden = !available();
      if (!video.muted && analyser && ctx.state === 'running') {
        analyser.getFloatTimeDomainData(samples);
        let peak = 0;
        for (let i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i]));
        level = peak;
      } else {
        level = null;
      }
      // Unmuted: the peak, on a dB scale from -60 to 0. Muted: a dim bar while sound arrives.
      const height = level !== null ? Math.max(0, Math.min(1, 1 + 20 * Math.log10(Math.max(level, 1e-6)) / 60))
        : (arriving ? 0.25 : 0);
      bar.style.transform = 'scaleY(' + height.toFixed(3) + ')';
      bar.classList.toggle('arriving', level === null && arriving);
    }

    function onFrame(now, metadata) {
      if (!measuring) return;
      const w = 16;
      const h = 4;
      const canvas = onFrame.canvas || (onFrame.canvas = document.createElement('canvas'));
      canvas.width = w;
      canvas.height = h;
      const g = canvas.getContext('2d', { willReadFrequently: true });
      if (video.videoWidth) {
        g.drawImage(video, 0, 0, video.videoWidth, video.videoHeight / 4, 0, 0, w, h);
        const px = g.getImageData(0, 0, w, h).data;
        let sum = 0;
        for (let i = 0; i < px.length; i += 4) sum += px[i] * 0.299 + px[i + 1] * 0.587 + px[i + 2] * 0.114;
        const bright = sum / (w * h) > 200;
        if (bright && !onFrame.bright) {
          flashes.push(metadata.expectedDisplayTime);
          if (flashes.length > 20) flashes.shift();
          pair();
        }
        onFrame.bright = bright;
      }
      video.requestVideoFrameCallback(onFrame);
    }

    const beeps = [];
    function pair() {
      while (beeps.length && flashes.length) {
        const beep = beeps[0];
        let nearest = null;
        for (const f of flashes) if (nearest === null || Math.abs(f - beep) < Math.abs(nearest - beep)) nearest = f;
        if (Math.abs(nearest - beep) > 500) {
          // Not yet: the flash may still come; give up on beeps a second old.
          if (performance.now() - beep > 1000) { beeps.shift(); continue; }
          return;
        }
        offsets.push(Math.round((beep - nearest) * 10) / 10);
        if (offsets.length > 20) offsets.shift();
        beeps.shift();
      }
    }

    async function measureSync() {
      const context = graph();
      if (!context || !video.requestVideoFrameCallback || !context.audioWorklet) return false;
      await context.audioWorklet.addModule('sound-probe.js');
      const probe = new AudioWorkletNode(context, 'camstream-beep-probe');
      probe.port.onmessage = (event) => {
        // The context time of the beep's first loud sample, as the performance-clock time it is heard.
        const ts = context.getOutputTimestamp();
        beeps.push(ts.performanceTime + (event.data - ts.contextTime) * 1000);
        pair();
      };
      listeners.push(probe);
      if (source) source.connect(probe);
      probe.connect(sink);
      measuring = true;
      video.requestVideoFrameCallback(onFrame);
      return true;
    }

    function median(values) {
      if (!values.length) return null;
      const sorted = values.slice().sort((a, b) => a - b);
      return sorted[Math.floor(sorted.length / 2)];
    }

    label();
    setInterval(poll, POLL_MS);
    return {
      stats() {
        return {
          available: available(), muted: video.muted, decodedBytes: decodedBytes(), arriving: arriving, level: level,
          avOffsetMs: median(offsets), avOffsets: offsets.slice(),
        };
      },
      measureSync,
    };
  }

  global.CamstreamSound = { attach };
})(window);
