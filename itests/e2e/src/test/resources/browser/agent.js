// The page as an agent of the test (see AgentServer and Page): it long-polls the test for commands, runs each as the
// body of an async function of `agent`, and posts the result; agent.emit(type, data) posts an event. The console,
// uncaught errors and unhandled rejections are posted as events of type "console".
(function () {
  'use strict';
  const PAGE = new URLSearchParams(location.search).get('page');
  const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;

  function post(path, body) {
    body.page = PAGE;
    return fetch(path, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)})
      .catch(() => undefined);
  }

  function text(args) {
    return Array.from(args).map(a => {
      if (typeof a === 'string') return a;
      if (a instanceof Error) return a.stack || String(a);
      try { return JSON.stringify(a); } catch (e) { return String(a); }
    }).join(' ');
  }

  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    const original = console[level].bind(console);
    console[level] = function () {
      original.apply(null, arguments);
      post('/agent/event', {type: 'console', data: {level: level, text: text(arguments)}});
    };
  }
  window.addEventListener('error', e => console.error('uncaught: ' + (e.error && e.error.stack || e.message)));
  window.addEventListener('unhandledrejection', e => console.error('unhandled rejection: ' + text([e.reason])));

  const agent = {
    page: PAGE,
    /** Named objects the scripts keep between commands (user agents, sessions). */
    objects: {},
    emit(type, data) {
      post('/agent/event', {type: type, data: data === undefined ? null : data});
    },
    sleep(ms) {
      return new Promise(resolve => setTimeout(resolve, ms));
    },

    /**
     * A JsSIP UA named `name`, events posted as "<name>.<event>": connected, disconnected, registered, unregistered,
     * registrationFailed (data: cause, status), newMessage (data: originator, from, body, contentType),
     * newRTCSession (originator, from). opts: url (ws:// or wss://), uri, password, and any other JsSIP UA
     * configuration (register defaults to false; call ua.register()).
     */
    jssip(name, opts) {
      const config = Object.assign({register: false, session_timers: false}, opts);
      config.sockets = [new JsSIP.WebSocketInterface(opts.url)];
      delete config.url;
      const ua = new JsSIP.UA(config);
      const e = (event, data) => agent.emit(name + '.' + event, data);
      ua.on('connected', () => e('connected'));
      ua.on('disconnected', d => e('disconnected', {error: !!(d && d.error), code: d && d.code, reason: d && d.reason}));
      ua.on('registered', d => e('registered', {status: d.response.status_code, contact: d.response.getHeader('Contact'),
        expires: d.response.getHeader('Expires')}));
      ua.on('unregistered', d => e('unregistered', {status: d && d.response ? d.response.status_code : null,
        cause: d && d.cause || null}));
      ua.on('registrationFailed', d => e('registrationFailed', {cause: d.cause,
        status: d.response ? d.response.status_code : null}));
      ua.on('newMessage', d => {
        const remote = d.originator === 'remote';
        e('newMessage', {originator: d.originator, from: remote ? String(d.request.from.uri) : null,
          body: remote ? d.request.body : null, contentType: remote ? d.request.getHeader('Content-Type') : null});
      });
      ua.on('newRTCSession', d => e('newRTCSession', {originator: d.originator,
        from: d.session.remote_identity ? String(d.session.remote_identity.uri) : null}));
      agent.objects[name] = ua;
      return ua;
    },

    /**
     * Keeps a JsSIP RTCSession as agent.objects.call and posts its events: call.progress, call.confirmed,
     * call.ended / call.failed (data: originator, cause), call.dtmf (originator, tone: DTMF by SIP INFO). The remote audio is played (a sink makes Chromium decode
     * it, so getStats() shows its level).
     */
    watch(session) {
      agent.objects.call = session;
      const play = pc => pc.addEventListener('track', e => {
        const a = new Audio();
        a.srcObject = new MediaStream([e.track]);
        a.play().catch(err => console.warn('remote audio: ' + err));
        agent.objects.audio = a;
      });
      if (session.connection) play(session.connection);
      session.on('peerconnection', d => play(d.peerconnection));
      session.on('progress', () => agent.emit('call.progress'));
      session.on('confirmed', () => agent.emit('call.confirmed'));
      session.on('ended', d => agent.emit('call.ended', {originator: d.originator, cause: d.cause}));
      session.on('failed', d => agent.emit('call.failed', {originator: d.originator, cause: d.cause}));
      session.on('newDTMF', d => agent.emit('call.dtmf', {originator: d.originator, tone: d.dtmf.tone}));
      session.on('hold', d => agent.emit('call.hold', {originator: d.originator}));
      session.on('unhold', d => agent.emit('call.unhold', {originator: d.originator}));
      agent.objects.peer = () => session.connection;
      return session;
    },

    /**
     * The SIP.js counterpart of watch(): keeps a SIP.js Session (Inviter or Invitation) as agent.objects.call and
     * posts call.confirmed (Established; the remote audio is then played), call.ended (Terminated; data: originator
     * 'local' after agent.sipjsHangup(), else 'remote') and call.info for every INFO (data: contentType, body;
     * answered 200).
     */
    sipjsWatch(session) {
      agent.objects.call = session;
      agent.objects.peer = () => session.sessionDescriptionHandler && session.sessionDescriptionHandler.peerConnection;
      session.delegate = {
        onInfo: info => {
          agent.emit('call.info', {contentType: info.request.getHeader('Content-Type') || null,
            body: info.request.body || ''});
          info.accept();
        }
      };
      session.stateChange.addListener(state => {
        if (state === SIP.SessionState.Established) {
          const a = new Audio();
          a.srcObject = session.sessionDescriptionHandler.remoteMediaStream;
          a.play().catch(err => console.warn('remote audio: ' + err));
          agent.objects.audio = a;
          agent.emit('call.confirmed');
        } else if (state === SIP.SessionState.Terminated) {
          agent.emit('call.ended', {originator: session.hungUpHere ? 'local' : 'remote'});
        }
      });
      return session;
    },

    /** SIP.js session description handler options: audio only. */
    sipjsMedia: {constraints: {audio: true, video: false}},

    /** A SIP.js call from UA `name` (see sipjs) to `target`, watched (sipjsWatch); resolves once the INVITE went. */
    async sipjsCall(name, target) {
      const inviter = new SIP.Inviter(agent.objects[name].ua, SIP.UserAgent.makeURI(target),
        {sessionDescriptionHandlerOptions: agent.sipjsMedia});
      agent.sipjsWatch(inviter);
      await inviter.invite();
      return 'inviting';
    },

    /** Ends the watched SIP.js call: BYE when established, CANCEL while inviting. */
    async sipjsHangup() {
      const s = agent.objects.call;
      s.hungUpHere = true;
      if (s.state === SIP.SessionState.Established) {
        await s.bye();
      } else if (s instanceof SIP.Inviter) {
        await s.cancel();
      } else {
        await s.reject();
      }
    },

    /**
     * Puts the watched SIP.js call on hold (re-INVITE a=sendonly, SIP.js's `hold` option) or takes it off; resolves
     * when the re-INVITE was accepted, rejects when it was refused.
     */
    sipjsHold(hold) {
      return new Promise((resolve, reject) => {
        agent.objects.call.invite({
          sessionDescriptionHandlerOptions: Object.assign({hold: hold}, agent.sipjsMedia),
          requestDelegate: {
            onAccept: () => resolve(hold ? 'held' : 'resumed'),
            onReject: r => reject(new Error('re-INVITE refused: ' + r.message.statusCode))
          }
        }).catch(reject);
      });
    },

    /** Sends a DTMF digit the way SIP.js does: INFO with an application/dtmf-relay body. */
    async sipjsDtmf(digit, durationMillis) {
      await agent.objects.call.info({requestOptions: {body: {contentDisposition: 'render',
        contentType: 'application/dtmf-relay', content: 'Signal=' + digit + '\r\nDuration=' + durationMillis}}});
    },

    /**
     * getStats() of the watched call: {in: inbound-rtp audio (packetsReceived, audioLevel, totalAudioEnergy),
     * out: outbound-rtp audio (packetsSent), remote: remote-inbound-rtp audio (packetsLost, roundTripTime, reports:
     * RTCP receiver reports with a round trip), codecs, pair: the nominated candidate pair's state}.
     */
    async audioStats() {
      const s = agent.objects.call;
      const pc = agent.objects.peer ? agent.objects.peer() : s && s.connection;
      if (!pc) return null;
      const report = await pc.getStats();
      const out = {codecs: []};
      report.forEach(r => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') {
          out.in = {packetsReceived: r.packetsReceived, audioLevel: r.audioLevel === undefined ? null : r.audioLevel,
            totalAudioEnergy: r.totalAudioEnergy === undefined ? null : r.totalAudioEnergy};
        } else if (r.type === 'outbound-rtp' && r.kind === 'audio') {
          out.out = {packetsSent: r.packetsSent};
        } else if (r.type === 'remote-inbound-rtp' && r.kind === 'audio') {
          out.remote = {packetsLost: r.packetsLost, roundTripTime: r.roundTripTime === undefined ? null : r.roundTripTime,
            reports: r.roundTripTimeMeasurements === undefined ? null : r.roundTripTimeMeasurements};
        } else if (r.type === 'codec') {
          out.codecs.push(r.mimeType);
        } else if (r.type === 'candidate-pair' && r.nominated) {
          out.pair = r.state;
        }
      });
      return out;
    },

    /**
     * Sends a MESSAGE from JsSIP UA `name`; resolves with the final status code, rejects with the failure cause.
     */
    message(name, target, body, contentType) {
      return new Promise((resolve, reject) => {
        agent.objects[name].sendMessage(target, body, {
          contentType: contentType || 'text/plain',
          eventHandlers: {
            succeeded: d => resolve(d.response.status_code),
            failed: d => reject(new Error('MESSAGE failed: ' + d.cause + (d.response ? ' ' + d.response.status_code : '')))
          }
        });
      });
    },

    /**
     * A SIP.js UserAgent with a Registerer, named `name`; events "<name>.registerer" with the registerer's state
     * (Registered, Unregistered, Terminated) and "<name>.transport" (Connected, Disconnected).
     * opts: url, uri, user, password, answer (true: every incoming call is watched with sipjsWatch and answered with
     * audio; an event "<name>.invite" either way). Returns after the transport has connected.
     */
    async sipjs(name, opts) {
      const ua = new SIP.UserAgent({
        uri: SIP.UserAgent.makeURI(opts.uri),
        transportOptions: {server: opts.url},
        authorizationUsername: opts.user,
        authorizationPassword: opts.password,
        logLevel: opts.logLevel || 'warn',
        sessionDescriptionHandlerFactoryOptions: {peerConnectionConfiguration: {iceServers: []}, iceGatheringTimeout: 1000},
        delegate: {
          onInvite: invitation => {
            agent.emit(name + '.invite', {from: String(invitation.remoteIdentity.uri)});
            if (opts.answer) {
              agent.sipjsWatch(invitation);
              invitation.accept({sessionDescriptionHandlerOptions: agent.sipjsMedia})
                .catch(err => console.error('accept: ' + err));
            }
          }
        }
      });
      ua.transport.onConnect = () => agent.emit(name + '.transport', {state: 'Connected'});
      ua.transport.onDisconnect = err => agent.emit(name + '.transport', {state: 'Disconnected', error: err ? String(err) : null});
      const registerer = new SIP.Registerer(ua, {expires: opts.expires || 300});
      registerer.stateChange.addListener(state => agent.emit(name + '.registerer', {state: String(state)}));
      agent.objects[name] = {ua: ua, registerer: registerer};
      await ua.start();
      return {ua: ua, registerer: registerer};
    },

    /**
     * A SIP.js Subscriber named `name` on the SIP.js UA `uaName` (see sipjs) for `event` of `target`; events
     * "<name>.notify" (data: contentType, body, state = Subscription-State) for every NOTIFY (each accepted with 200),
     * "<name>.state" with the subscriber's state. Resolves once the SUBSCRIBE went out.
     */
    async sipjsSubscribe(uaName, name, target, event, expires) {
      const subscriber = new SIP.Subscriber(agent.objects[uaName].ua, SIP.UserAgent.makeURI(target), event,
        {expires: expires || 300});
      subscriber.delegate = {
        onNotify: notification => {
          const r = notification.request;
          agent.emit(name + '.notify', {contentType: r.getHeader('Content-Type') || null, body: r.body || '',
            state: r.getHeader('Subscription-State') || null});
          notification.accept();
        }
      };
      subscriber.stateChange.addListener(state => agent.emit(name + '.state', {state: String(state)}));
      agent.objects[name] = subscriber;
      await subscriber.subscribe();
    },

    async start() {
      agent.emit('loaded', {userAgent: navigator.userAgent, jssip: typeof JsSIP === 'object' ? JsSIP.version : null,
        sipjs: typeof SIP === 'object' ? SIP.version || 'loaded' : null});
      for (;;) {
        let r;
        try {
          r = await fetch('/agent/poll?page=' + encodeURIComponent(PAGE), {cache: 'no-store'});
        } catch (e) {
          await agent.sleep(250); // the test's server is gone or busy
          continue;
        }
        if (r.status === 200) {
          run(await r.json());
        } else if (r.status !== 204) {
          await agent.sleep(250);
        }
      }
    }
  };

  async function run(command) {
    try {
      const value = await new AsyncFunction('agent', command.script)(agent);
      let json = null;
      try {
        json = value === undefined ? null : JSON.parse(JSON.stringify(value));
      } catch (e) {
        json = String(value); // cyclic objects (a UA) are not data: their text is enough
      }
      post('/agent/result', {id: command.id, ok: true, value: json});
    } catch (e) {
      post('/agent/result', {id: command.id, ok: false, error: e && e.stack ? e.stack : String(e)});
    }
  }

  window.agent = agent;
})();
