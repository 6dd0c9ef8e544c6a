// The space-time diagram of a greenshim run: hosts as lanes (columns),
// world time running down. Every string from the trace goes into the page
// through textContent or setAttribute, never as markup.
(function () {
	'use strict';

	function fail(err) {
		document.body.setAttribute('data-status', 'error');
		var pre = document.getElementById('timeline-error');
		if (!pre) {
			pre = document.createElement('pre');
			pre.id = 'timeline-error';
			document.body.insertBefore(pre, document.body.firstChild);
		}
		pre.textContent = 'The picture could not be drawn: ' + (err && err.stack ? err.stack : String(err));
	}
	window.addEventListener('error', function (ev) { fail(ev.error || ev.message); });

	var SVGNS = 'http://www.w3.org/2000/svg';
	var AXIS = 92, TOP = 48, BOTTOM = 40, ROW = 22, G0 = 16, GC = 10;

	function el(tag, attrs, parent, text) {
		var e = document.createElementNS(SVGNS, tag);
		for (var k in attrs) {
			if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
		}
		if (text !== undefined) e.textContent = text;
		if (parent) parent.appendChild(e);
		return e;
	}

	// fmt writes a time in ns briefly: 0, 750ns, 12.5µs, 3ms, 1.25s.
	function fmt(ns) {
		var a = Math.abs(ns);
		function trim(v) { return String(parseFloat(v.toPrecision(4))); }
		if (a === 0) return '0';
		if (a < 1e3) return ns + 'ns';
		if (a < 1e6) return trim(ns / 1e3) + 'µs';
		if (a < 1e9) return trim(ns / 1e6) + 'ms';
		return trim(ns / 1e9) + 's';
	}

	function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }

	var D = JSON.parse(document.getElementById('timeline-data').textContent);
	var state = { mode: 'compact', zoom: 1, showG: true, labels: true };

	function summary() {
		var drops = 0;
		D.msgs.forEach(function (m) { if (m.drop) drops++; });
		var crashes = D.marks.filter(function (m) { return m.kind === 'crash'; }).length;
		var hosts = D.lanes.filter(function (l) { return !l.deflt; }).length;
		var parts = [];
		if (hosts) parts.push(plural(hosts, 'host', 'hosts'));
		parts.push(plural(D.gs.length + D.hidden, 'greenlet', 'greenlets'));
		if (hosts || D.msgs.length) parts.push(plural(D.msgs.length, 'message', 'messages') + (drops ? ' (' + drops + ' dropped)' : ''));
		if (D.parts.length) parts.push(plural(D.parts.length, 'partitioned pair', 'partitioned pairs'));
		if (crashes) parts.push(plural(crashes, 'crash', 'crashes'));
		parts.push((hosts ? 'world time ' : 'hub time ') + fmt(D.from) + ' – ' + fmt(D.end));
		parts.push(plural(D.events, 'event', 'events'));
		document.getElementById('summary').textContent = parts.join(' · ');
		var notes = document.getElementById('notes');
		function note(text, cls) {
			var p = document.createElement('p');
			if (cls) p.className = cls;
			p.textContent = text;
			notes.appendChild(p);
		}
		if (D.events === 0) note('The trace is empty: nothing was recorded.');
		if (D.shown < D.events) {
			note('Showing the last ' + D.shown + ' of ' + D.events + ' events (from world time ' + fmt(D.from) +
				'), with the partitions, crashes and greenlet states they started in. The Chrome trace (.json) has every event.');
		}
		if (D.hidden > 0) {
			note(plural(D.hidden, 'greenlet is', 'greenlets are') + ' not drawn: their hosts had more than 8 alive at once. The Chrome trace has them.');
		}
		(D.breakers || []).forEach(function (b) { note('This run may not replay: ' + b, 'warn'); });
	}

	// times lists every distinct time drawn, sorted.
	function times() {
		var s = {};
		function add(t) { s[t] = true; }
		add(D.from); add(D.end);
		D.gs.forEach(function (g) { g.segs.forEach(function (x) { add(x.t0); add(x.t1); }); });
		D.msgs.forEach(function (m) { add(m.t0); add(m.t1); });
		D.parts.concat(D.downs).forEach(function (x) { add(x.t0); add(x.t1); });
		D.marks.forEach(function (m) { add(m.t); });
		return Object.keys(s).map(Number).sort(function (a, b) { return a - b; });
	}

	// scale maps world time to y: each distinct time a row, rows spaced by
	// how much time passed (compact), or time to scale (linear).
	function scale(ts) {
		// A short run gets taller rows: its few arrows read better steep.
		var ys = new Array(ts.length), i, row = ROW * state.zoom * Math.max(1, Math.min(2.5, 30 / ts.length));
		if (state.mode === 'linear') {
			var span = Math.max(1, ts[ts.length - 1] - ts[0]);
			var h = Math.max(520, ROW * ts.length) * state.zoom;
			for (i = 0; i < ts.length; i++) ys[i] = TOP + (ts[i] - ts[0]) / span * h;
		} else {
			// Spacing grows with the log of the time passed, in units of
			// the median step, so bursts and lulls both stay readable.
			var steps = [];
			for (i = 1; i < ts.length; i++) steps.push(ts[i] - ts[i - 1]);
			steps.sort(function (a, b) { return a - b; });
			var q = Math.max(1, steps.length ? steps[steps.length >> 1] : 1);
			ys[0] = TOP;
			for (i = 1; i < ts.length; i++) {
				var dt = ts[i] - ts[i - 1];
				ys[i] = ys[i - 1] + row * Math.min(4, 1 + 0.8 * Math.log10(1 + dt / q));
			}
		}
		function y(t) {
			var lo = 0, hi = ts.length - 1;
			while (lo < hi) {
				var mid = (lo + hi) >> 1;
				if (ts[mid] < t) lo = mid + 1; else hi = mid;
			}
			if (ts[lo] === t || lo === 0) return ys[lo];
			var f = (t - ts[lo - 1]) / (ts[lo] - ts[lo - 1]);
			return ys[lo - 1] + f * (ys[lo] - ys[lo - 1]);
		}
		return { y: y, ys: ys, height: ys[ys.length - 1] + BOTTOM };
	}

	function layout() {
		var view = document.getElementById('view');
		var lanes = D.lanes.map(function (l) {
			return { name: l.name, deflt: l.deflt, w: Math.max(190, 2 * (G0 + l.cols * GC + 18)) };
		});
		var total = lanes.reduce(function (s, l) { return s + l.w; }, 0);
		var avail = Math.max(0, view.clientWidth - AXIS - 24);
		if (total < avail && lanes.length > 0) {
			var extra = Math.min((avail - total) / lanes.length, lanes.length === 1 ? 640 : 260);
			lanes.forEach(function (l) { l.w += extra; });
		}
		var x = AXIS;
		lanes.forEach(function (l, i) {
			l.x0 = x; l.cx = x + l.w / 2; x += l.w;
			var cols = D.lanes[i].cols;
			// Greenlets spread out where there is room, up to 44px apart.
			l.gc = cols ? Math.max(GC, Math.min(90, Math.floor((l.w / 2 - G0 - 18) / cols))) : GC;
		});
		return { lanes: lanes, width: x + 16 };
	}

	function render() {
		var view = document.getElementById('view');
		var keep = view.scrollHeight > view.clientHeight ? view.scrollTop / view.scrollHeight : 0;
		var L = layout(), ts = times(), S = scale(ts), y = S.y;
		var lanes = L.lanes;

		var head = document.getElementById('lanehead');
		head.textContent = '';
		head.style.width = L.width + 'px';
		var ax = document.createElement('div');
		ax.className = 'axis';
		ax.style.left = '0px'; ax.style.width = (AXIS - 8) + 'px';
		ax.textContent = 'world time';
		head.appendChild(ax);
		lanes.forEach(function (l) {
			var d = document.createElement('div');
			d.className = 'lane-name' + (l.deflt ? ' deflt' : '');
			d.style.left = l.x0 + 'px'; d.style.width = l.w + 'px';
			d.textContent = l.name;
			d.title = l.name;
			head.appendChild(d);
		});

		var canvas = document.getElementById('canvas');
		canvas.textContent = '';
		var svg = el('svg', { width: L.width, height: S.height, 'class': (state.showG ? '' : 'hide-g') + (state.labels ? '' : ' hide-labels') }, canvas);
		var defs = el('defs', {}, svg);
		var hp = el('pattern', { id: 'hatch-part', width: 8, height: 8, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' }, defs);
		el('rect', { width: 8, height: 8, fill: 'rgba(220,38,38,0.07)' }, hp);
		el('line', { x1: 0, y1: 0, x2: 0, y2: 8, stroke: 'rgba(220,38,38,0.28)', 'stroke-width': 3 }, hp);
		var hd = el('pattern', { id: 'hatch-down', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(-45)' }, defs);
		el('rect', { width: 6, height: 6, fill: 'rgba(82,96,109,0.12)' }, hd);
		el('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: 'rgba(82,96,109,0.35)', 'stroke-width': 2 }, hd);
		var mk = el('marker', { id: 'head', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
		el('path', { d: 'M0,0 L10,5 L0,10 z', 'class': 'msg-head' }, mk);
		var mg = el('marker', { id: 'headg', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 5, markerHeight: 5, orient: 'auto-start-reverse' }, defs);
		el('path', { d: 'M0,0 L10,5 L0,10 z', 'class': 'link-head' }, mg);

		var top = TOP - 10, bottom = S.height - BOTTOM + 14;
		// Lanes: bands and host lifelines.
		var gLanes = el('g', { 'class': 'lanes' }, svg);
		lanes.forEach(function (l, i) {
			var g = el('g', { 'class': 'lane', 'data-lane': i, 'data-host': l.name }, gLanes);
			el('rect', { x: l.x0, y: 0, width: l.w, height: S.height, 'class': 'lane-bg ' + (i % 2 ? 'odd' : 'even') }, g);
		});
		// The time axis: a labelled tick where there is room.
		var gAxis = el('g', { 'class': 'axis' }, svg);
		var last = -Infinity;
		if (state.mode === 'linear' && ts.length > 1) {
			var span = ts[ts.length - 1] - ts[0], px = S.ys[ts.length - 1] - S.ys[0];
			var step = Math.pow(10, Math.floor(Math.log10(Math.max(1, span * 60 / Math.max(1, px)))));
			[1, 2, 5, 10].some(function (k) { if (step * k * px / Math.max(1, span) >= 60) { step *= k; return true; } return false; });
			for (var t = Math.ceil(ts[0] / step) * step; t <= ts[ts.length - 1]; t += step) tick(t);
		} else {
			ts.forEach(function (t) { if (y(t) - last >= 18) { tick(t); last = y(t); } });
		}
		function tick(t) {
			var yy = y(t);
			el('line', { x1: AXIS - 6, x2: L.width - 16, y1: yy, y2: yy, 'class': 'tick' }, gAxis);
			el('text', { x: AXIS - 10, y: yy + 4, 'class': 'tick-label' }, gAxis, fmt(t));
		}
		// Partitions: a hatched span between the two hosts' lifelines.
		var gSpans = el('g', { 'class': 'spans' }, svg);
		D.parts.forEach(function (p) {
			var a = lanes[p.a], x0, x1, label;
			if (p.b < 0) {
				x0 = a.x0 + 4; x1 = a.x0 + a.w - 4; label = a.name + ' cut off from all';
			} else {
				var b = lanes[p.b];
				x0 = Math.min(a.cx, b.cx); x1 = Math.max(a.cx, b.cx);
				label = 'partition ' + a.name + ' ⟂ ' + b.name;
			}
			var y0 = y(p.t0), y1 = Math.max(y(p.t1), y0 + 6);
			el('rect', { x: x0, y: y0, width: x1 - x0, height: y1 - y0, 'class': 'partition', 'data-tip': p.tip }, gSpans);
			el('text', { x: x0 + 6, y: y0 + 13, 'class': 'span-label part' }, gSpans, label + (p.open ? ' (never healed)' : ''));
		});
		D.downs.forEach(function (d) {
			var a = lanes[d.a], y0 = y(d.t0), y1 = Math.max(y(d.t1), y0 + 6);
			el('rect', { x: a.x0 + 2, y: y0, width: a.w - 4, height: y1 - y0, 'class': 'down', 'data-tip': d.tip }, gSpans);
			el('text', { x: a.x0 + 8, y: y0 + 28, 'class': 'span-label down' }, gSpans, a.name + ' down' + (d.open ? ' (never restarted)' : ''));
		});
		lanes.forEach(function (l) {
			el('line', { x1: l.cx, x2: l.cx, y1: top, y2: bottom, 'class': 'lifeline' }, gLanes);
		});
		D.downs.forEach(function (d) {
			var a = lanes[d.a];
			el('line', { x1: a.cx, x2: a.cx, y1: y(d.t0), y2: y(d.t1), 'class': 'lifeline-down' }, gSpans);
		});
		// Greenlets: a thin line each beside their host's lifeline.
		var gG = el('g', { 'class': 'greenlets' }, svg);
		var nameG = D.gs.length <= 80, gx = {};
		D.gs.forEach(function (g) {
			var x = lanes[g.lane].cx + G0 + g.col * lanes[g.lane].gc;
			gx[g.id] = x;
			var grp = el('g', { 'class': 'greenlet', 'data-g': g.id }, gG);
			g.segs.forEach(function (s) {
				var y0 = y(s.t0), y1 = y(s.t1);
				if (y1 - y0 < 4 && s.s === 'running') { y0 -= 2; y1 = y0 + 4; }
				var seg = el('g', { 'class': 'g-seg', 'data-tip': s.tip }, grp);
				el('line', { x1: x, x2: x, y1: y0, y2: y1, 'class': 'g-' + s.s }, seg);
				el('line', { x1: x, x2: x, y1: y0, y2: y1, 'class': 'g-hit' }, seg);
				if (s.w && lanes[g.lane].gc >= 36 && y1 - y0 >= 14) {
					var room = Math.floor(lanes[g.lane].gc / 6.5);
					el('text', { x: x + 3, y: y0 + 11, 'class': 'g-what' }, seg, s.w.length > room ? s.w.slice(0, room - 1) + '…' : s.w);
				}
			});
			if (g.end) {
				var ye = y(g.end.t), bad = g.end.kind !== 'ok';
				var endG = el('g', { 'class': 'g-end ' + (bad ? 'bad' : 'ok'), 'data-tip': g.end.tip }, grp);
				el('line', { x1: x - 4, x2: x + 4, y1: ye, y2: ye, 'class': 'g-end-bar' }, endG);
				if (bad) {
					el('circle', { cx: x, cy: ye, r: 4, 'class': 'g-end-dot' }, endG);
					el('text', { x: x + 7, y: ye + 4, 'class': 'mark-label g-end-label' }, endG, g.end.label);
				}
			}
			if (nameG && g.segs.length) {
				var y0 = y(g.segs[0].t0);
				var name = g.name || ('g' + g.id);
				if (name.length > 20) name = name.slice(0, 19) + '…';
				el('text', { x: x + 2, y: y0 - 4, 'class': 'g-label', transform: 'rotate(-40 ' + (x + 2) + ' ' + (y0 - 4) + ')' }, grp, name);
			}
		});
		// Links: one greenlet waking or spawning another, a thin arc.
		if (D.links.length <= 3000) {
			var gL = el('g', { 'class': 'links' }, svg);
			D.links.forEach(function (k) {
				var x1 = gx[k.from], x2 = gx[k.to], yy = y(k.t);
				if (x1 === undefined || x2 === undefined) return;
				var d = 'M' + x1 + ',' + yy + ' Q' + ((x1 + x2) / 2) + ',' + (yy - 9) + ' ' + x2 + ',' + yy;
				var grp = el('g', { 'class': 'link ' + k.kind, 'data-tip': k.tip }, gL);
				el('path', { d: d, 'class': 'link-line', 'marker-end': 'url(#headg)' }, grp);
				el('path', { d: d, 'class': 'msg-hit' }, grp);
			});
		}
		// Messages: an arrow from the sender's lifeline to the receiver's.
		var gM = el('g', { 'class': 'msgs' }, svg);
		var labelMsgs = D.msgs.length <= 400;
		D.msgs.forEach(function (m) {
			var a = lanes[m.from], b = lanes[m.to];
			var x1 = a.cx, y1 = y(m.t0), x2 = b.cx, y2 = y(m.t1), d;
			var grp = el('g', { 'class': 'msg ' + (m.drop ? 'dropped' : 'delivered'), 'data-tip': m.tip }, gM);
			if (m.drop && m.from === m.to) {
				// Lost on its way, where to the trace does not say: a stub.
				var dir = m.from === lanes.length - 1 ? -1 : 1;
				x2 = x1 + dir * Math.min(90, a.w * 0.42);
				y2 = Math.max(y2, y1 + 10);
			}
			if (m.from === m.to && !m.drop) {
				var bulge = Math.min(60, a.w * 0.3) + 10, yb = Math.max(y2, y1 + 10);
				d = 'M' + x1 + ',' + y1 + ' C' + (x1 + bulge) + ',' + y1 + ' ' + (x1 + bulge) + ',' + yb + ' ' + x2 + ',' + yb;
				x2 = x1 + bulge * 0.75; y2 = (y1 + yb) / 2;
			} else {
				d = 'M' + x1 + ',' + y1 + ' L' + x2 + ',' + y2;
			}
			var attrs = { d: d, 'class': 'msg-line' + (m.drop ? ' drop' : '') };
			if (!m.drop) attrs['marker-end'] = 'url(#head)';
			el('path', attrs, grp);
			el('path', { d: d, 'class': 'msg-hit' }, grp);
			if (m.drop) {
				el('path', { d: 'M' + (x2 - 5) + ',' + (y2 - 5) + ' L' + (x2 + 5) + ',' + (y2 + 5) + ' M' + (x2 + 5) + ',' + (y2 - 5) + ' L' + (x2 - 5) + ',' + (y2 + 5), 'class': 'drop-x' }, grp);
			}
			if (labelMsgs && m.label) {
				var lx = x1 + (x2 - x1) * 0.5, ly = y1 + (y2 - y1) * 0.5;
				var text = m.label.length > 32 ? m.label.slice(0, 31) + '…' : m.label;
				el('text', { x: lx, y: ly - 4, 'text-anchor': 'middle', 'class': 'msg-label' }, grp, text + (m.drop ? ' ✗' : ''));
			}
		});
		// Marks: crashes, restarts, faults; a world-wide one across every lane.
		var gK = el('g', { 'class': 'marks' }, svg);
		var hubLabels = D.marks.filter(function (m) { return m.kind === 'hub'; }).length <= 40;
		D.marks.forEach(function (m) {
			var yy = y(m.t);
			var grp = el('g', { 'class': 'mark ' + m.kind, 'data-tip': m.tip }, gK);
			if (m.lane < 0) {
				el('line', { x1: AXIS, x2: L.width - 16, y1: yy, y2: yy, 'class': 'global-line' }, grp);
				el('line', { x1: AXIS, x2: L.width - 16, y1: yy, y2: yy, 'class': 'g-hit' }, grp);
				el('text', { x: AXIS + 6, y: yy - 4, 'class': 'mark-label' }, grp, m.label);
				return;
			}
			var x = lanes[m.lane].cx, label = true;
			switch (m.kind) {
			case 'crash':
				el('path', { d: 'M' + (x - 7) + ',' + (yy - 7) + ' L' + (x + 7) + ',' + (yy + 7) + ' M' + (x + 7) + ',' + (yy - 7) + ' L' + (x - 7) + ',' + (yy + 7), 'class': 'crash-x' }, grp);
				break;
			case 'restart':
				el('path', { d: 'M' + x + ',' + (yy - 7) + ' L' + (x + 7) + ',' + (yy + 5) + ' L' + (x - 7) + ',' + (yy + 5) + ' z', 'class': 'restart-t' }, grp);
				break;
			case 'hub':
			case 'flow':
				el('circle', { cx: x, cy: yy, r: 3, 'class': 'hub-dot' }, grp);
				label = m.kind === 'hub' && hubLabels;
				break;
			default:
				el('path', { d: 'M' + x + ',' + (yy - 7) + ' L' + (x + 7) + ',' + yy + ' L' + x + ',' + (yy + 7) + ' L' + (x - 7) + ',' + yy + ' z', 'class': 'fault-d' }, grp);
			}
			el('circle', { cx: x, cy: yy, r: 9, fill: 'transparent' }, grp);
			if (label) el('text', { x: x - 12, y: yy + 4, 'text-anchor': 'end', 'class': 'mark-label' }, grp, m.label);
		});

		if (keep > 0) view.scrollTop = keep * view.scrollHeight;
		document.body.setAttribute('data-view', state.mode + ' ' + state.zoom);
	}

	function tooltips() {
		var tip = document.getElementById('tip');
		var canvas = document.getElementById('canvas');
		canvas.addEventListener('mousemove', function (ev) {
			var t = ev.target.closest ? ev.target.closest('[data-tip]') : null;
			if (!t) { tip.hidden = true; return; }
			tip.textContent = t.getAttribute('data-tip');
			tip.hidden = false;
			var x = ev.clientX + 14, yy = ev.clientY + 14;
			var r = tip.getBoundingClientRect();
			if (x + r.width > window.innerWidth - 8) x = Math.max(8, ev.clientX - r.width - 14);
			if (yy + r.height > window.innerHeight - 8) yy = Math.max(8, ev.clientY - r.height - 14);
			tip.style.left = x + 'px'; tip.style.top = yy + 'px';
		});
		canvas.addEventListener('mouseleave', function () { tip.hidden = true; });
	}

	function controls() {
		function zoom(f) { state.zoom = f === 0 ? 1 : Math.min(40, Math.max(0.1, state.zoom * f)); render(); }
		document.getElementById('zoomin').addEventListener('click', function () { zoom(1.5); });
		document.getElementById('zoomout').addEventListener('click', function () { zoom(1 / 1.5); });
		document.getElementById('zoomreset').addEventListener('click', function () { zoom(0); });
		document.getElementById('mode').addEventListener('change', function (ev) { state.mode = ev.target.value; render(); });
		document.getElementById('showg').addEventListener('change', function (ev) { state.showG = ev.target.checked; render(); });
		document.getElementById('showlabels').addEventListener('change', function (ev) { state.labels = ev.target.checked; render(); });
		document.addEventListener('keydown', function (ev) {
			if (ev.target && ev.target.tagName === 'SELECT') return;
			if (ev.key === '+' || ev.key === '=') zoom(1.5);
			else if (ev.key === '-') zoom(1 / 1.5);
			else if (ev.key === '0') zoom(0);
		});
		var pending = false;
		window.addEventListener('resize', function () {
			if (pending) return;
			pending = true;
			requestAnimationFrame(function () { pending = false; render(); });
		});
	}

	// The address may choose the view: #mode=linear&zoom=2.
	function fromHash() {
		location.hash.replace(/^#/, '').split('&').forEach(function (kv) {
			var p = kv.split('=');
			if (p[0] === 'mode' && (p[1] === 'linear' || p[1] === 'compact')) state.mode = p[1];
			if (p[0] === 'zoom' && parseFloat(p[1]) > 0) state.zoom = Math.min(40, Math.max(0.1, parseFloat(p[1])));
		});
		document.getElementById('mode').value = state.mode;
	}

	try {
		fromHash();
		if (D.title) document.title = D.title;
		summary();
		render();
		tooltips();
		controls();
		var drops = D.msgs.filter(function (m) { return m.drop; }).length;
		document.body.setAttribute('data-msgs', String(D.msgs.length - drops));
		document.body.setAttribute('data-drops', String(drops));
		document.body.setAttribute('data-status', 'ok');
	} catch (err) {
		fail(err);
	}
})();
