/* Precis ad tag (GET /precis.js), docs/API.md "The ad tag". Fills every
   <div data-precis-slot="id" data-format="banner-300x250"> with one request to /v1/ad.
   No dependencies, no eval, no HTML from the server: text via textContent, http(s) URLs only. */
(function (w, d) {
  'use strict';
  var me = d.currentScript;
  if (!me || w.__precis) return;
  w.__precis = 1;
  var base = me.src.replace(/\/precis\.js([?#].*)?$/, '');
  var CMP_MS = 500; // a CMP that has not answered by then is not waited for
  var TEXT = 2000; // characters of the page's main text: enough context, a small request

  function abs(u) {
    try {
      var x = new URL(u, base);
      return /^https?:$/.test(x.protocol) ? x.href : null;
    } catch (e) {
      return null;
    }
  }

  function meta(n) {
    var m = d.querySelector('meta[name="' + n + '"]');
    return m && m.content ? m.content.trim() : '';
  }

  // One CMP call, answered or not within CMP_MS.
  function ask(name, call) {
    return new Promise(function (ok) {
      if (typeof w[name] !== 'function') return ok(null);
      var t = setTimeout(ok, CMP_MS, null);
      try {
        call(w[name], function (v) { clearTimeout(t); ok(v); });
      } catch (e) {
        clearTimeout(t);
        ok(null);
      }
    });
  }

  function consent() {
    return Promise.all([
      ask('__tcfapi', function (f, done) {
        // TCF 2.2: the string once the CMP has loaded it or the user has chosen.
        f('addEventListener', 2, function (r, ok) {
          if (ok && r && (r.eventStatus === 'tcloaded' || r.eventStatus === 'useractioncomplete')) {
            done(r.tcString || null);
            f('removeEventListener', 2, function () {}, r.listenerId);
          }
        });
      }),
      ask('__gpp', function (f, done) {
        f('ping', function (r) { done(r && r.gppString ? r : null); });
      })
    ]).then(function (v) {
      var c = {};
      if (v[0]) c.tcf = String(v[0]);
      if (v[1]) {
        c.gpp = String(v[1].gppString);
        var s = v[1].applicableSections;
        if (Array.isArray(s)) c.gppSid = s.filter(function (n) { return n === (n | 0) && n >= -1 && n <= 1024; }).slice(0, 64);
      }
      return c;
    });
  }

  function page() {
    var root = d.querySelector('article') || d.querySelector('main') || d.body;
    var text = (meta('description') + ' ' + ((root && root.innerText) || '')).replace(/\s+/g, ' ').trim();
    var p = {url: (location.origin + location.pathname).slice(0, 2048), title: d.title.slice(0, 1000),
      text: text.slice(0, TEXT)};
    var kw = meta('keywords').split(/[,，]/).map(function (k) { return k.trim().slice(0, 200); })
      .filter(Boolean).slice(0, 200);
    if (kw.length) p.keywords = kw;
    var lang = d.documentElement.lang;
    if (lang) p.lang = lang.slice(0, 35);
    return p;
  }

  function beacon(u, view) {
    var x = abs(u);
    if (x) fetch(x + (x.indexOf('?') < 0 ? '?' : '&') + 'view=' + view,
      {mode: 'no-cors', credentials: 'include', keepalive: true}).catch(function () {});
  }

  // MRC: at least half of the ad's pixels in view, in a visible page, for one continuous second.
  function watch(el, u) {
    if (!w.IntersectionObserver) return; // not measurable: stays rendered only
    var inView = false, timer = 0, io;
    function check() {
      if (inView && !d.hidden) {
        if (!timer) timer = setTimeout(function () {
          io.disconnect();
          d.removeEventListener('visibilitychange', check);
          el.setAttribute('data-precis-state', 'viewable');
          beacon(u, 'viewable');
        }, 1000);
      } else if (timer) {
        clearTimeout(timer);
        timer = 0;
      }
    }
    io = new IntersectionObserver(function (es) {
      var e = es[es.length - 1];
      inView = e.isIntersecting && e.intersectionRatio >= 0.5;
      check();
    }, {threshold: 0.5});
    io.observe(el);
    d.addEventListener('visibilitychange', check);
  }

  function render(el, ad) {
    var a = d.createElement('a'), size = /(\d+)x(\d+)/.exec(ad.format || ''), href = abs(ad.clickUrl),
      img = ad.imageUrl ? abs(ad.imageUrl) : null;
    a.className = 'precis-ad';
    a.rel = 'sponsored noopener';
    if (href) a.href = href;
    a.style.display = 'block';
    a.style.overflow = 'hidden';
    if (size) {
      a.style.width = size[1] + 'px';
      a.style.height = size[2] + 'px';
    }
    if (img) {
      var i = d.createElement('img');
      i.className = 'precis-img';
      i.src = img;
      i.alt = ad.title || '';
      i.style.maxWidth = '100%';
      a.appendChild(i);
    }
    if (ad.title) {
      var t = d.createElement('span');
      t.className = 'precis-title';
      t.textContent = ad.title;
      a.appendChild(t);
    }
    el.textContent = '';
    el.appendChild(a);
    el.setAttribute('data-precis-state', 'rendered');
    beacon(ad.impressionUrl, 'rendered');
    watch(el, ad.impressionUrl);
  }

  function run() {
    var els = [].slice.call(d.querySelectorAll('div[data-precis-slot]'), 0, 10).filter(function (el) {
      return !el.hasAttribute('data-precis-state');
    });
    if (!els.length) return;
    var slots = els.map(function (el) {
      el.setAttribute('data-precis-state', 'loading');
      var s = {id: el.getAttribute('data-precis-slot').slice(0, 128)}, f = el.getAttribute('data-format');
      if (f) s.format = f.slice(0, 64);
      return s;
    });
    consent().then(function (c) {
      // text/plain keeps it a simple request (no preflight); the gateway reads the body as JSON.
      return fetch(base + '/v1/ad', {method: 'POST', credentials: 'include', headers: {'Content-Type': 'text/plain'},
        body: JSON.stringify({slots: slots, page: page(), consent: c})});
    }).then(function (r) {
      return r.status === 200 ? r.json() : {ads: []};
    }).then(function (body) {
      var free = els.slice();
      (body.ads || []).forEach(function (ad) {
        for (var i = 0; i < free.length; i++) {
          if (free[i] && slots[i].id === ad.slot) {
            render(free[i], ad);
            free[i] = null;
            return;
          }
        }
      });
      free.forEach(function (el) { if (el) el.setAttribute('data-precis-state', 'empty'); });
    }).catch(function () {
      els.forEach(function (el) { el.setAttribute('data-precis-state', 'empty'); });
    });
  }

  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', run);
  else run();
})(window, document);
