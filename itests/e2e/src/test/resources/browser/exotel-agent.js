// Helpers to drive the unmodified Exotel WebSDK (global exotelSDK, dist/exotelsdk.js) the way Exotel's integration
// guide does, from the test (see ExotelSdkIT). Loaded before the SDK: it keeps every RTCPeerConnection the page makes
// (the SDK's call and diagnostics connections) so the test can read getStats(); nothing of the SDK is changed.
(function () {
  'use strict';
  const pcs = [];
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = function (config, constraints) {
    const pc = new Native(config, constraints);
    pcs.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Native);

  const exotel = {
    /**
     * new exotelSDK.ExotelWebClient(), initWebrtc(sipAccountInfo, registerCb, callCb, sessionCb). Callbacks become
     * events: "reg" {state, phone}, "call" {event, phone, callId, callSid}, "session" {state}. The SDK's own log goes
     * to the logger callback instead of the console; SIP messages in it become "sip" events {dir: in|out, text}.
     * Returns initWebrtc's value.
     */
    init(info) {
      const client = new exotelSDK.ExotelWebClient();
      client.setEnableConsoleLogging(false);
      client.registerLoggerCallback((type, message) => {
        const m = String(message);
        const recv = m.indexOf('Received WebSocket text message:');
        const sent = m.indexOf('Sending WebSocket message:');
        if (recv >= 0 || sent >= 0) {
          const text = m.substring(m.indexOf(':', recv >= 0 ? recv : sent) + 1).trim();
          agent.emit('sip', {dir: recv >= 0 ? 'in' : 'out', text: text});
        } else if (type === 'error') {
          agent.emit('sdk.error', {text: m});
        }
      });
      const ok = client.initWebrtc(info,
        (state, phone) => agent.emit('reg', {state: String(state), phone: String(phone)}),
        (call, event, phone) => {
          let details = {};
          try { details = call && call.callDetails ? call.callDetails() : {}; } catch (e) { details = {}; }
          agent.emit('call', {event: String(event), phone: String(phone), callId: details.callId || null,
            callSid: details.callSid || null});
        },
        (state, phone) => agent.emit('session', {state: String(state), phone: String(phone)}));
      agent.objects.client = client;
      return ok;
    },

    /** checkClientStatus as a promise of its status string. */
    status() {
      return new Promise(resolve => agent.objects.client.checkClientStatus(s => resolve(String(s))));
    },

    /** The call's connection: the newest RTCPeerConnection with a remote description that is not closed. */
    callPc() {
      for (let i = pcs.length - 1; i >= 0; i--) {
        const pc = pcs[i];
        if (pc.remoteDescription && pc.connectionState !== 'closed' && pc.signalingState !== 'closed') return pc;
      }
      return null;
    },

    /** inbound-rtp / outbound-rtp audio of the call (as agent.audioStats does for JsSIP), or null. */
    async audioStats() {
      const pc = exotel.callPc();
      if (!pc) return null;
      const report = await pc.getStats();
      const out = {codecs: []};
      report.forEach(r => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') {
          out.in = {packetsReceived: r.packetsReceived, audioLevel: r.audioLevel === undefined ? null : r.audioLevel,
            totalAudioEnergy: r.totalAudioEnergy === undefined ? null : r.totalAudioEnergy};
        } else if (r.type === 'outbound-rtp' && r.kind === 'audio') {
          out.out = {packetsSent: r.packetsSent};
        } else if (r.type === 'codec') {
          out.codecs.push(r.mimeType);
        } else if (r.type === 'candidate-pair' && r.nominated) {
          out.pair = r.state;
        }
      });
      return out;
    },

    /** initDiagnostics: the report and key/value callbacks become "diag.report" / "diag.kv" events. */
    diagnostics() {
      agent.objects.client.initDiagnostics(
        report => agent.emit('diag.report', {report: typeof report === 'string' ? report : JSON.stringify(report)}),
        (key, value) => agent.emit('diag.kv', {key: String(key), value: typeof value === 'string' ? value
          : JSON.stringify(value)}));
    }
  };
  window.exotel = exotel;
})();
