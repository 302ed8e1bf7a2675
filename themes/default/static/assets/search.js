/* Dossier default theme: search UI. Vanilla JS; the only dependency is lunr
 * 2.3.9 (assets/lunr.min.js), loaded lazily together with the index on first
 * focus of a search field (and at once on the search page).
 *
 *   http(s):  fetch ROOT + search-index.json and ROOT + search-store.json
 *   file:     inject <script src="ROOT + search-data.js"> which sets
 *             window.DOSSIER_SEARCH_DATA = {index, store}
 *
 * ROOT is the relative prefix to the site root, read from
 * <html data-root="...">. Store entries: {t, u, d, s, e, k}; u is relative
 * to the site root, so result links are ROOT + u.
 */
(function () {
  'use strict';

  var doc = document;
  var html = doc.documentElement;
  var ROOT = html.getAttribute('data-root') || '';
  var DEBOUNCE_MS = 80;
  var DROP_LIMIT = 8;
  var PAGE_LIMIT = 100;
  var KIND_LABELS = {
    briefing: 'Briefing', person: 'Person', organisation: 'Organisation',
    place: 'Place', other: 'Topic'
  };
  var MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July',
    'August', 'September', 'October', 'November', 'December'];

  // The loaded index. A rebuild under `dossier serve` replaces the object
  // (see init), so a load still in flight fills the object it started
  // with, never the new one.
  function freshState() { return { idx: null, store: null, promise: null, error: null }; }
  var state = freshState();

  // ------------------------------------------------------------ loading

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = doc.createElement('script');
      s.src = src;
      s.async = true;
      s.onload = function () { resolve(); };
      s.onerror = function () { reject(new Error('could not load ' + src)); };
      doc.head.appendChild(s);
    });
  }

  function getJSON(url) {
    return fetch(url, { credentials: 'same-origin' }).then(function (r) {
      if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
      return r.json();
    });
  }

  function loadDataScript() {
    if (window.DOSSIER_SEARCH_DATA) return Promise.resolve(window.DOSSIER_SEARCH_DATA);
    return loadScript(ROOT + 'search-data.js').then(function () {
      if (!window.DOSSIER_SEARCH_DATA) throw new Error('search-data.js did not define DOSSIER_SEARCH_DATA');
      return window.DOSSIER_SEARCH_DATA;
    });
  }

  function loadData() {
    if (location.protocol === 'file:' || !window.fetch) return loadDataScript();
    return Promise.all([getJSON(ROOT + 'search-index.json'), getJSON(ROOT + 'search-store.json')])
      .then(function (r) { return { index: r[0], store: r[1] }; })
      .catch(function () { return loadDataScript(); });
  }

  function ensureIndex() {
    var s = state;
    if (s.promise) return s.promise;
    var lunrReady = window.lunr ? Promise.resolve() : loadScript(ROOT + 'assets/lunr.min.js');
    s.promise = Promise.all([lunrReady, loadData()]).then(function (r) {
      var data = r[1];
      s.idx = window.lunr.Index.load(data.index);
      s.store = data.store || {};
      return s;
    });
    s.promise.catch(function (err) {
      s.error = err;
      if (window.console) console.warn('Dossier search: ' + err.message);
    });
    return s.promise;
  }

  // ------------------------------------------------------------ querying

  var ADVANCED = /(^|\s)[+\-]\S|[:~^*]/;

  // Plain queries search each term as a word (stemmed, boosted) and as a
  // prefix; anything with lunr syntax is passed through untouched.
  function runQuery(q) {
    var lunr = window.lunr;
    if (ADVANCED.test(q)) return state.idx.search(q);
    var tokens = lunr.tokenizer(q).map(function (t) { return t.toString(); })
      .filter(function (t) { return t.length > 0; });
    if (!tokens.length) return [];
    return state.idx.query(function (qb) {
      tokens.forEach(function (t) {
        qb.term(t, { boost: 10, wildcard: lunr.Query.wildcard.NONE, usePipeline: true });
        if (t.length > 1 && lunr.stopWordFilter(t) !== undefined) {
          qb.term(t, { boost: 1, wildcard: lunr.Query.wildcard.TRAILING, usePipeline: false });
        }
      });
    });
  }

  function search(q) {
    var results;
    try {
      results = runQuery(q);
    } catch (err) {
      if (err && (err.name === 'QueryParseError' || err instanceof window.lunr.QueryParseError)) {
        return { error: 'That query could not be understood (' + err.message + '). Try plain words, or check the syntax of field:term, +required, -excluded and term~1.' };
      }
      throw err;
    }
    var out = [];
    results.forEach(function (r) {
      var doc = state.store[r.ref];
      if (!doc) return;
      var stems = Object.create(null);
      var md = r.matchData && r.matchData.metadata;
      if (md) Object.keys(md).forEach(function (k) { stems[k] = true; });
      out.push({ ref: r.ref, score: r.score, doc: doc, stems: stems });
    });
    return { results: out };
  }

  // ------------------------------------------------------------ rendering

  var WORD = /[\p{L}\p{N}][\p{L}\p{N}'’_]*/gu;

  function stemOf(word) {
    var lunr = window.lunr;
    return lunr.stemmer(new lunr.Token(word.toLowerCase().replace(/’/g, "'"))).toString();
  }

  // Appends `text` to `parent`, wrapping words whose stem matched in <mark>.
  function appendHighlighted(parent, text, stems) {
    var last = 0;
    var m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text)) !== null) {
      var w = m[0];
      var hit = stems[w.toLowerCase()] || stems[stemOf(w)];
      if (!hit) continue;
      if (m.index > last) parent.appendChild(doc.createTextNode(text.slice(last, m.index)));
      var mark = doc.createElement('mark');
      mark.textContent = w;
      parent.appendChild(mark);
      last = m.index + w.length;
    }
    if (last < text.length) parent.appendChild(doc.createTextNode(text.slice(last)));
  }

  // A window of the summary around the first matched word.
  function excerpt(text, stems, maxWords) {
    if (!text) return '';
    var words = [];
    var m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text)) !== null) words.push(m);
    if (words.length <= maxWords) return text;
    var first = 0;
    for (var i = 0; i < words.length; i++) {
      var w = words[i][0];
      if (stems[w.toLowerCase()] || stems[stemOf(w)]) { first = i; break; }
    }
    var start = Math.max(0, first - Math.floor(maxWords / 3));
    var end = Math.min(words.length, start + maxWords);
    start = Math.max(0, end - maxWords);
    var from = start === 0 ? 0 : words[start].index;
    var to = end >= words.length ? text.length : words[end - 1].index + words[end - 1][0].length;
    return (start > 0 ? '… ' : '') + text.slice(from, to) + (end < words.length ? ' …' : '');
  }

  function formatDate(iso) {
    var m = /^(\d{4})-(\d{2})(?:-(\d{2}))?/.exec(iso || '');
    if (!m) return iso || '';
    var month = MONTHS[parseInt(m[2], 10) - 1] || '';
    return (m[3] ? parseInt(m[3], 10) + ' ' : '') + month + ' ' + m[1];
  }

  function resultItem(r, id, words) {
    var li = doc.createElement('li');
    li.id = id;
    var a = doc.createElement('a');
    a.href = ROOT + r.doc.u;
    var title = doc.createElement('span');
    title.className = 'sr-title';
    appendHighlighted(title, r.doc.t || r.doc.u, r.stems);
    a.appendChild(title);
    var meta = doc.createElement('span');
    meta.className = 'sr-meta';
    var kind = doc.createElement('span');
    kind.className = 'sr-kind';
    kind.textContent = KIND_LABELS[r.doc.k] || KIND_LABELS.other;
    meta.appendChild(kind);
    if (r.doc.d) {
      var t = doc.createElement('time');
      t.dateTime = r.doc.d;
      t.textContent = formatDate(r.doc.d);
      meta.appendChild(t);
    }
    a.appendChild(meta);
    var text = r.doc.s || ((r.doc.e && r.doc.e.length) ? 'Mentions ' + r.doc.e.slice(0, 6).join(', ') : '');
    if (text) {
      var ex = doc.createElement('span');
      ex.className = 'sr-excerpt';
      appendHighlighted(ex, excerpt(text, r.stems, words), r.stems);
      a.appendChild(ex);
    }
    li.appendChild(a);
    return li;
  }

  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }

  // ------------------------------------------------------------ one search UI

  var uid = 0;

  var pages = [];  // the search page's UI (results shown in the page)

  function SearchUI(input, opts) {
    this.input = input;
    this.list = opts.list;
    this.status = opts.status;
    this.drop = opts.drop || null;      // dropdown wrapper (header box) or null (search page)
    this.page = !!opts.page;
    this.limit = this.page ? PAGE_LIMIT : DROP_LIMIT;
    this.active = -1;
    this.items = [];
    this.timer = 0;
    this.lastQuery = null;
    this.prefix = 'sr' + (++uid) + '-';
    this.bind();
    if (this.page) pages.push(this);
  }

  SearchUI.prototype.bind = function () {
    var self = this;
    var input = this.input;
    input.addEventListener('focus', function () {
      ensureIndex().catch(function () {});
      if (self.drop && input.value.trim() && self.list.childNodes.length) self.open();
    });
    input.addEventListener('input', function () {
      clearTimeout(self.timer);
      self.timer = setTimeout(function () { self.update(); }, DEBOUNCE_MS);
    });
    input.addEventListener('keydown', function (e) { self.onKey(e); });
    if (this.drop) {
      doc.addEventListener('click', function (e) {
        if (!self.drop.contains(e.target) && e.target !== input) self.close();
      });
      input.form.addEventListener('focusout', function () {
        setTimeout(function () {
          if (!input.form.contains(doc.activeElement)) self.close();
        }, 120);
      });
    }
    if (input.form) {
      input.form.addEventListener('submit', function (e) {
        if (self.page) {
          e.preventDefault();
          clearTimeout(self.timer);
          self.update(true);
        } else if (!input.value.trim()) {
          e.preventDefault();
        }
      });
    }
  };

  SearchUI.prototype.onKey = function (e) {
    var key = e.key;
    if (key === 'ArrowDown' || key === 'Down') {
      if (!this.items.length) return;
      e.preventDefault();
      this.open();
      this.setActive(this.active + 1 >= this.items.length ? 0 : this.active + 1);
    } else if (key === 'ArrowUp' || key === 'Up') {
      if (!this.items.length) return;
      e.preventDefault();
      this.setActive(this.active <= 0 ? this.items.length - 1 : this.active - 1);
    } else if (key === 'Enter') {
      e.preventDefault();
      if (this.active >= 0 && this.items[this.active]) {
        location.href = this.items[this.active].querySelector('a').href;
        return;
      }
      var q = this.input.value.trim();
      if (this.page) {
        clearTimeout(this.timer);
        this.update(true);
      } else if (q) {
        location.href = ROOT + 'search.html?q=' + encodeURIComponent(q);
      }
    } else if (key === 'Escape' || key === 'Esc') {
      if (this.drop && !this.drop.hidden) {
        e.preventDefault();
        this.close();
      } else if (this.active >= 0) {
        e.preventDefault();
        this.setActive(-1);
      }
    }
  };

  SearchUI.prototype.setActive = function (i) {
    if (this.active >= 0 && this.items[this.active]) this.items[this.active].classList.remove('is-active');
    this.active = i;
    if (i >= 0 && this.items[i]) {
      var li = this.items[i];
      li.classList.add('is-active');
      this.input.setAttribute('aria-activedescendant', li.id);
      if (li.scrollIntoView) li.scrollIntoView({ block: 'nearest' });
    } else {
      this.input.removeAttribute('aria-activedescendant');
    }
  };

  SearchUI.prototype.open = function () {
    if (this.drop) this.drop.hidden = false;
  };

  SearchUI.prototype.close = function () {
    if (this.drop) this.drop.hidden = true;
    this.setActive(-1);
  };

  SearchUI.prototype.clear = function () {
    while (this.list.firstChild) this.list.removeChild(this.list.firstChild);
    this.items = [];
    this.setActive(-1);
  };

  SearchUI.prototype.message = function (text, cls) {
    var li = doc.createElement('li');
    var p = doc.createElement('p');
    p.className = 'search-message' + (cls ? ' ' + cls : '');
    p.textContent = text;
    li.appendChild(p);
    this.list.appendChild(li);
  };

  SearchUI.prototype.say = function (text) {
    if (this.status && this.status.textContent !== text) this.status.textContent = text;
  };

  SearchUI.prototype.syncUrl = function (q) {
    if (!this.page || !window.history || !history.replaceState) return;
    try {
      var url = location.pathname + (q ? '?q=' + encodeURIComponent(q) : '') + location.hash;
      history.replaceState(null, '', url);
    } catch (e) { /* file:// in some browsers */ }
  };

  SearchUI.prototype.update = function (force) {
    var self = this;
    var q = this.input.value.trim();
    if (!force && q === this.lastQuery) return;
    this.lastQuery = q;
    if (!q) {
      this.clear();
      this.say('');
      this.close();
      if (force) this.syncUrl('');
      return;
    }
    if (!state.idx) {
      this.say('Loading the search index…');
      ensureIndex().then(function () {
        if (self.input.value.trim() === q) { self.lastQuery = null; self.update(); }
      }, function () {
        self.clear();
        self.message('Search is unavailable: the search index could not be loaded.', 'is-error');
        self.say('Search is unavailable.');
        self.open();
      });
      return;
    }
    var res = search(q);
    this.clear();
    // Only on an explicit submit: replaceState while typing would count as a
    // same-document navigation for tools watching the page.
    if (force) this.syncUrl(q);
    if (res.error) {
      this.message(res.error, 'is-error');
      this.say('The query could not be understood.');
      this.open();
      return;
    }
    var all = res.results;
    if (!all.length) {
      this.message('No results for “' + q + '”.');
      this.say('No results for ' + q + '.');
      this.open();
      return;
    }
    var shown = all.slice(0, this.limit);
    var words = this.page ? 45 : 24;
    shown.forEach(function (r, i) {
      var li = resultItem(r, self.prefix + i, words);
      self.list.appendChild(li);
      self.items.push(li);
    });
    if (this.drop && all.length > shown.length) {
      var li = doc.createElement('li');
      var a = doc.createElement('a');
      a.className = 'search-more';
      a.href = ROOT + 'search.html?q=' + encodeURIComponent(q);
      a.textContent = 'All ' + all.length + ' results for “' + q + '” →';
      li.id = this.prefix + 'more';
      li.appendChild(a);
      this.list.appendChild(li);
      this.items.push(li);
    }
    var msg = plural(all.length, 'result', 'results') + ' for “' + q + '”' +
      (all.length > shown.length ? ', showing the first ' + shown.length : '') + '.';
    this.say(msg);
    this.open();
  };

  // ------------------------------------------------------------ sentence anchors

  function highlightSentence() {
    var old = doc.querySelector('.sentence-target');
    if (old) old.classList.remove('sentence-target');
    if (window.CSS && CSS.highlights) CSS.highlights.delete('dossier-sentence');
    var m = /^#(s\d+)$/.exec(location.hash);
    if (!m) return;
    var a = doc.getElementById(m[1]);
    if (!a || !a.classList.contains('anchor')) return;
    if (!(window.CSS && CSS.highlights && window.Highlight)) return;
    var range = doc.createRange();
    range.setStartAfter(a);
    var next = a.nextSibling;
    while (next && !(next.nodeType === 1 && next.classList.contains('anchor'))) next = next.nextSibling;
    if (next) range.setEndBefore(next);
    else range.setEndAfter(a.parentNode.lastChild);
    CSS.highlights.set('dossier-sentence', new window.Highlight(range));
  }

  // ------------------------------------------------------------ start

  // Binds the search forms inside `root` (the document, or a <main> that
  // `dossier serve` swapped in after a rebuild).
  function bindWithin(root) {
    var boxes = root.querySelectorAll('[data-search-box]');
    Array.prototype.forEach.call(boxes, function (form) {
      var input = form.querySelector('[data-search-input]');
      if (!input) return;
      new SearchUI(input, {
        list: form.querySelector('[data-search-results]'),
        status: form.querySelector('[data-search-status]'),
        drop: form.querySelector('[data-search-drop]')
      });
    });
    var pageForm = root.querySelector('[data-search-page]');
    if (pageForm) {
      var input = pageForm.querySelector('[data-search-input]');
      var ui = new SearchUI(input, {
        list: pageForm.querySelector('[data-search-results]'),
        status: pageForm.querySelector('[data-search-status]'),
        page: true
      });
      var q = '';
      try { q = new URLSearchParams(location.search).get('q') || ''; } catch (e) { q = ''; }
      if (q) input.value = q;
      ensureIndex().then(function () { if (input.value.trim()) ui.update(true); }, function () {
        ui.say('Search is unavailable: the search index could not be loaded.');
      });
    }
  }

  function init() {
    bindWithin(doc);
    highlightSentence();
    window.addEventListener('hashchange', highlightSentence);
    // Previewing with `dossier serve`: after a rebuild the index may have
    // changed (it is loaded again on the next search), and the page's
    // <main> may have been replaced.
    doc.addEventListener('dossier:live-update', function (e) {
      state = freshState();
      pages = pages.filter(function (ui) { return ui.input.isConnected; });
      if (e.detail && e.detail.swapped) {
        var main = doc.querySelector('main');
        if (main) bindWithin(main);
        highlightSentence();
      }
      // Results shown in the page are searched again in the new index.
      pages.forEach(function (ui) {
        if (ui.input.value.trim() && ui.lastQuery !== null) {
          ui.lastQuery = null;
          ui.update();
        }
      });
    });
  }

  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', init);
  else init();
})();
