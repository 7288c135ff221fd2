'use strict';
// An AudioWorklet for sound.js's sync measurement: posts the context time of each beep's first loud sample,
// a beep being a sample above 0.3 after a tenth of a second below it.
class BeepProbe extends AudioWorkletProcessor {
  constructor() {
    super();
    this.quiet = 0;
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      if (Math.abs(channel[i]) > 0.3) {
        if (this.quiet > sampleRate / 10) this.port.postMessage(currentTime + i / sampleRate);
        this.quiet = 0;
      } else {
        this.quiet++;
      }
    }
    return true;
  }
}
registerProcessor('camstream-beep-probe', BeepProbe);
