#!/usr/bin/env node
'use strict';
// bench/lunr-build.js DOCS_JSON OUT_INDEX_JSON
//
// The lunr.js side of bench/run: reads the documents Dossier gives its search
// index (`dossier build --dump-search-docs DOCS_JSON`), builds them with
// lunr(...) (default pipelines, the same ref, fields, boosts and options) and
// writes JSON.stringify(idx) -- the same work as `dossier index --docs
// DOCS_JSON --out OUT`. lunr is resolved the normal Node way (NODE_PATH=
// /usr/share/nodejs for Debian's node-lunr, or a node_modules folder).
// `--version` prints the lunr version.
const fs = require('fs');
const lunr = require('lunr');

const args = process.argv.slice(2);
if (args[0] === '--version') {
  process.stdout.write(lunr.version + '\n');
  process.exit(0);
}
if (args.length !== 2) {
  process.stderr.write('usage: lunr-build.js DOCS_JSON OUT_INDEX_JSON | --version\n');
  process.exit(2);
}
const raw = JSON.parse(fs.readFileSync(args[0], 'utf8'));
const spec = Array.isArray(raw) ? { documents: raw } : raw;
const ref = spec.ref === undefined ? 'id' : spec.ref;
const fields = (spec.fields || [{ name: 'title', boost: 10 }, { name: 'body' }])
  .map((f) => (typeof f === 'string' ? { name: f } : f));
const boosts = spec.documentBoosts || null;

const idx = lunr(function () {
  this.ref(ref);
  for (const f of fields) this.field(f.name, f.boost !== undefined ? { boost: f.boost } : {});
  if (spec.b !== undefined) this.b(spec.b);
  if (spec.k1 !== undefined) this.k1(spec.k1);
  for (const k of spec.metadataWhitelist || []) this.metadataWhitelist.push(k);
  for (const doc of spec.documents) {
    const r = String(doc[ref]);
    if (boosts && Object.prototype.hasOwnProperty.call(boosts, r)) this.add(doc, { boost: boosts[r] });
    else this.add(doc);
  }
});
fs.writeFileSync(args[1], JSON.stringify(idx));
