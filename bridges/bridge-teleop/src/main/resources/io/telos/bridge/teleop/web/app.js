'use strict';
// Telos operator console. One WebSocket carries the operator protocol both ways (see the
// bridge-teleop README); the page only draws what the agent reports and sends what the operator does.
(function () {
  const $ = (id) => document.getElementById(id);
  const state = { me: '', robot: null, last: null, holder: '', mode: '?', ws: null, msgId: 1,
    jog: {}, jogging: false, history: [], trail: [], events: [], remote: null };
  window.telos = state; // for people debugging in the browser, and for the browser tests

  async function login(ev) {
    ev.preventDefault();
    $('login-error').textContent = '';
    const body = { user: $('user').value.trim() };
    if ($('password').value) body.password = $('password').value; else body.token = $('token').value;
    const r = await fetch('api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body), credentials: 'same-origin' });
    if (!r.ok) { $('login-error').textContent = 'Login refused: ' + (await r.text()); return; }
    const j = await r.json();
    state.me = j.operator;
    $('operator').textContent = j.operator;
    $('login-view').hidden = true;
    $('console-view').hidden = false;
    connect();
    loadEpisodes();
    loadFleet();
    setInterval(loadFleet, 2000);
  }

  function connect() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(proto + '//' + location.host + '/ws');
    state.ws = ws;
    ws.onopen = () => { $('link').textContent = 'online'; $('link').className = 'good'; };
    ws.onclose = (e) => {
      $('link').textContent = 'offline (' + e.code + (e.reason ? ' ' + e.reason : '') + ')';
      $('link').className = 'bad';
      state.ws = null;
      if (e.code !== 1008) setTimeout(connect, 1000);
    };
    ws.onmessage = (m) => onMessage(JSON.parse(m.data));
  }

  function send(obj) {
    if (!state.ws || state.ws.readyState !== 1) return false;
    state.ws.send(JSON.stringify(obj));
    return true;
  }
  state.send = send;

  function command(type) {
    send({ type: type, id: state.msgId++ });
  }

  function log(text) {
    const li = document.createElement('li');
    li.textContent = new Date().toLocaleTimeString() + '  ' + text;
    $('log').prepend(li);
    while ($('log').children.length > 200) $('log').lastChild.remove();
  }

  function onMessage(m) {
    state.events.push(m.type);
    switch (m.type) {
      case 'hello':
        state.robot = m.robot;
        $('robot-name').textContent = m.robot.id + ' (' + m.robot.model + ')';
        buildPad();
        break;
      case 'state':
        state.last = m;
        state.mode = m.mode;
        state.holder = m.holder;
        $('mode').textContent = m.mode;
        $('holder').textContent = m.holder || 'free';
        showHandover(m.handover);
        state.history.push({ t: m.t, e: m.energy, u: m.uncertainty });
        while (state.history.length && state.history[0].t < m.t - 20) state.history.shift();
        const ee = m.points[m.points.length - 1];
        state.trail.push(ee);
        if (state.trail.length > 200) state.trail.shift();
        draw();
        break;
      case 'mode':
        $('mode').textContent = state.mode = m.to;
        log('mode ' + m.from + ' -> ' + m.to + ': ' + m.reason);
        break;
      case 'handover':
        showHandover(m.open ? m : null);
        log('handover ' + (m.open ? 'requested' : 'closed') + ' (' + m.trigger + '): ' + m.detail);
        break;
      case 'lease':
        state.holder = m.holder;
        $('holder').textContent = m.holder || 'free';
        log('lease ' + (m.holder ? 'taken by ' + m.holder : 'released by ' + m.previous) + ' (' + m.reason + ')');
        break;
      case 'fault':
        log('fault ' + m.severity + ' ' + m.code + ': ' + m.message);
        break;
      case 'outcome':
        log('goal ' + m.goal + (m.reached ? ' reached' : ' missed') + ' (' + m.errorMm.toFixed(1) + ' mm)');
        loadEpisodes();
        break;
      case 'reply':
        if (m.robot) { // a robot of the fleet served by another member
          if (m.accepted && m.holder && m.holder.startsWith(state.me + '@')) state.remote = m.robot;
          else if (state.remote === m.robot && !m.holder.startsWith(state.me + '@')) state.remote = null;
          log('fleet ' + m.robot + ': ' + (m.accepted ? 'OK: ' : 'Refused: ') + m.message);
          $('remote').textContent = state.remote || 'none';
          break;
        }
        $('reply').textContent = (m.accepted ? 'OK: ' : 'Refused: ') + m.message;
        $('reply').className = m.accepted ? '' : 'error';
        if (m.holder !== undefined) { state.holder = m.holder; $('holder').textContent = m.holder || 'free'; }
        break;
      case 'error':
        $('reply').textContent = 'Error: ' + m.message;
        $('reply').className = 'error';
        break;
    }
  }

  function showHandover(h) {
    $('handover').hidden = !h;
    if (h) { $('handover-trigger').textContent = h.trigger; $('handover-detail').textContent = h.detail; }
  }

  // ---- jogging: keyboard, on-screen pad, gamepad -------------------------------------------------
  function axes() {
    if ($('frame').value === 'joint') return state.robot ? state.robot.joints.map((j, i) => 'J' + (i + 1)) : [];
    return ['x', 'y', 'z'];
  }

  function buildPad() {
    const pad = $('jog-pad');
    pad.innerHTML = '';
    for (const a of axes()) {
      for (const dir of [-1, 1]) {
        const b = document.createElement('button');
        b.textContent = a + (dir < 0 ? ' \u2212' : ' +');
        b.className = 'jog';
        b.dataset.axis = a;
        b.dataset.dir = dir;
        const on = (e) => { e.preventDefault(); state.jog[a] = dir; };
        const off = () => { delete state.jog[a]; };
        b.addEventListener('pointerdown', on);
        b.addEventListener('pointerup', off);
        b.addEventListener('pointerleave', off);
        pad.appendChild(b);
      }
      pad.appendChild(document.createElement('span'));
    }
  }

  const KEYS = { w: ['x', 1], s: ['x', -1], a: ['y', 1], d: ['y', -1], r: ['z', 1], f: ['z', -1] };
  let heldJoint = null;
  document.addEventListener('keydown', (e) => {
    if (e.target.tagName === 'INPUT') return;
    if (e.key >= '1' && e.key <= '9') heldJoint = 'J' + e.key;
    if (heldJoint && (e.key === '+' || e.key === '=' || e.key === '-')) state.jog[heldJoint] = e.key === '-' ? -1 : 1;
    const k = KEYS[e.key.toLowerCase()];
    if (k && $('frame').value !== 'joint') state.jog[k[0]] = k[1];
    if (e.key === ' ') command('estop');
  });
  document.addEventListener('keyup', (e) => {
    if (e.key >= '1' && e.key <= '9') { delete state.jog['J' + e.key]; heldJoint = null; }
    if (e.key === '+' || e.key === '=' || e.key === '-') { if (heldJoint) delete state.jog[heldJoint]; }
    const k = KEYS[e.key.toLowerCase()];
    if (k) delete state.jog[k[0]];
  });

  function gamepadJog() {
    const pads = navigator.getGamepads ? navigator.getGamepads() : [];
    const g = pads && pads[0];
    if (!g || $('frame').value === 'joint') return null;
    const dz = (v) => (Math.abs(v) < 0.15 ? 0 : v);
    return [-dz(g.axes[1]), -dz(g.axes[0]), -dz(g.axes[3] || 0)];
  }

  function jogVector() {
    const scale = $('speed').value / 100;
    if ($('frame').value === 'joint') {
      if (!state.robot) return null;
      const v = state.robot.joints.map((j, i) => (state.jog['J' + (i + 1)] || 0) * j.velocity * scale);
      return v.some((x) => x !== 0) ? v : null;
    }
    let lin = [state.jog.x || 0, state.jog.y || 0, state.jog.z || 0];
    const g = gamepadJog();
    if (g && g.some((x) => x !== 0)) lin = g;
    if (!lin.some((x) => x !== 0)) return null;
    const speed = 0.25 * scale; // m/s; the agent enforces its own limit whatever is sent
    return [lin[0] * speed, lin[1] * speed, lin[2] * speed, 0, 0, 0];
  }

  setInterval(() => { // a robot of the fleet held from here: its heartbeat and jog carry its id
    if (!state.ws || !state.remote) return;
    send({ type: 'heartbeat', robot: state.remote });
    const v = jogVector();
    if (v) { send({ type: 'jog', robot: state.remote, frame: $('frame').value, v: v }); state.jogging = true; }
  }, 50);

  setInterval(() => {
    if (!state.ws || state.holder !== state.me || !state.me) return;
    send({ type: 'heartbeat' });
    const v = jogVector();
    if (v) {
      send({ type: 'jog', frame: $('frame').value, v: v });
      state.jogging = true;
    } else if (state.jogging) {
      const n = $('frame').value === 'joint' ? state.robot.joints.length : 6;
      send({ type: 'jog', frame: $('frame').value, v: new Array(n).fill(0) });
      state.jogging = false;
    }
  }, 50);

  // ---- drawing -------------------------------------------------------------------------------
  function drawArm(canvas, pts, ix, iy, trail) {
    const c = canvas.getContext('2d');
    const w = canvas.width, h = canvas.height, s = (w / 2 - 12) / 1.0; // 1 m reach fits either side
    const ox = w / 2, oy = iy === 2 ? h - 30 : h / 2;
    c.clearRect(0, 0, w, h);
    c.strokeStyle = '#dde'; c.beginPath(); c.moveTo(0, oy); c.lineTo(w, oy); c.moveTo(ox, 0); c.lineTo(ox, h); c.stroke();
    c.fillStyle = '#889'; c.font = '11px sans-serif';
    c.fillText(iy === 2 ? 'side (x-z)' : 'top (x-y)', 6, 14);
    c.strokeStyle = '#9ab'; c.beginPath();
    trail.forEach((p, i) => { const X = ox + p[ix] * s, Y = oy - p[iy] * s; if (i) c.lineTo(X, Y); else c.moveTo(X, Y); });
    c.stroke();
    c.lineWidth = 6; c.lineCap = 'round'; c.strokeStyle = state.mode === 'TELEOP' ? '#2a9d8f' : (state.mode === 'AUTONOMOUS' ? '#264653' : '#e76f51');
    c.beginPath(); c.moveTo(ox, oy);
    for (const p of pts) c.lineTo(ox + p[ix] * s, oy - p[iy] * s);
    c.stroke(); c.lineWidth = 1;
    c.fillStyle = '#1d2330';
    for (const p of pts) { c.beginPath(); c.arc(ox + p[ix] * s, oy - p[iy] * s, 4, 0, 7); c.fill(); }
    for (const o of state.last.objects || []) { // scene objects as perception reports them
      const X = ox + o.p[ix] * s, Y = oy - o.p[iy] * s;
      c.fillStyle = '#e9c46a'; c.strokeStyle = '#8a6d1a';
      c.beginPath(); c.arc(X, Y, Math.max(4, 0.04 * s), 0, 7); c.fill(); c.stroke();
      c.fillStyle = '#5c4a12'; c.fillText(o.name, X + 0.04 * s + 3, Y + 4);
    }
  }

  function drawPlot() {
    const canvas = $('plot'), c = canvas.getContext('2d'), w = canvas.width, h = canvas.height;
    c.clearRect(0, 0, w, h);
    const hs = state.history;
    if (hs.length < 2) return;
    const t1 = hs[hs.length - 1].t, t0 = t1 - 20;
    const series = [['e', '#264653', 'energy'], ['u', '#e76f51', 'uncertainty']];
    series.forEach(([k, color, label], idx) => {
      const vals = hs.map((p) => p[k]).filter((v) => v !== null && v !== undefined && isFinite(v));
      const max = Math.max(1e-9, ...vals), min = Math.min(0, ...vals);
      c.strokeStyle = color; c.beginPath();
      let started = false;
      for (const p of hs) {
        const v = p[k];
        if (v === null || v === undefined) continue;
        const X = ((p.t - t0) / 20) * w, Y = h - 12 - ((v - min) / (max - min)) * (h - 30);
        if (started) c.lineTo(X, Y); else { c.moveTo(X, Y); started = true; }
      }
      c.stroke();
      c.fillStyle = color; c.font = '11px sans-serif';
      c.fillText(label + ' (max ' + max.toPrecision(3) + ')', 6 + idx * 200, 12);
    });
  }

  function draw() {
    const pts = state.last.points;
    drawArm($('arm-side'), pts, 0, 2, state.trail);
    drawArm($('arm-top'), pts, 0, 1, state.trail);
    drawPlot();
  }

  async function loadFleet() {
    const r = await fetch('api/fleet', { credentials: 'same-origin' });
    if (!r.ok) return;
    const j = await r.json();
    $('fleet').hidden = j.robots.length === 0;
    $('fleet-none').hidden = j.robots.length > 0;
    const tb = document.querySelector('#fleet tbody');
    tb.innerHTML = '';
    for (const f of j.robots) {
      const tr = document.createElement('tr');
      if (f.stale) tr.className = 'stale';
      const cells = [f.robot + (f.this ? ' (this)' : ''), f.stale ? f.mode + ' (not heard from)' : f.mode,
        f.goals_reached + ' / ' + f.goals_ended, f.handover_open ? 'requested' : '', f.holder || '', f.member];
      for (const c of cells) {
        const td = document.createElement('td');
        td.textContent = String(c);
        tr.appendChild(td);
      }
      const td = document.createElement('td');
      for (const req of ['HOLD', 'AUTONOMOUS', 'reset']) {
        const b = document.createElement('button');
        b.textContent = req;
        b.addEventListener('click', () => fleetRequest(f.robot, req));
        td.appendChild(b);
      }
      if (!f.this) { // take and release another member's robot through its own agent's lease
        for (const type of ['take', 'release']) {
          const b = document.createElement('button');
          b.textContent = type;
          b.addEventListener('click', () => send({ type: type, robot: f.robot, id: state.msgId++ }));
          td.appendChild(b);
        }
      }
      tr.appendChild(td);
      tb.appendChild(tr);
    }
  }

  async function fleetRequest(robot, request) {
    const r = await fetch('api/fleet/mode', { method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ robot: robot, request: request }) });
    const text = await r.text();
    log('fleet ' + robot + ' ' + request + ': ' + (r.ok ? JSON.parse(text).answer : text));
    loadFleet();
  }

  async function loadEpisodes() {
    const r = await fetch('api/episodes', { credentials: 'same-origin' });
    if (!r.ok) return;
    const j = await r.json();
    const tb = document.querySelector('#episodes tbody');
    tb.innerHTML = '';
    for (const e of j.episodes) {
      const tr = document.createElement('tr');
      for (const k of ['id', 'goal', 'outcome', 'steps', 'operator']) {
        const td = document.createElement('td');
        td.textContent = e[k] === undefined ? '' : String(e[k]);
        tr.appendChild(td);
      }
      tb.appendChild(tr);
    }
  }

  $('login-form').addEventListener('submit', login);
  $('take').addEventListener('click', () => command('take'));
  $('release').addEventListener('click', () => { state.jog = {}; command('release'); });
  $('request').addEventListener('click', () => command('request'));
  $('estop').addEventListener('click', () => command('estop'));
  $('reset').addEventListener('click', () => command('reset'));
  $('frame').addEventListener('change', () => { state.jog = {}; buildPad(); });
  $('refresh-episodes').addEventListener('click', loadEpisodes);
})();
