#!/usr/bin/env node
'use strict';
// lunr_compare.js --lunr LUNR_JS --tool LUNR_INDEX_BIN DOCS_JSON...
// lunr_compare.js --lunr LUNR_JS --reference DOCS_JSON > INDEX_JSON
//
// For each DOCS_JSON: builds the index with real lunr (lunr() = default
// pipelines, as the dossier site's browser side expects), runs
// `LUNR_INDEX_BIN DOCS_JSON OUT` (generator/search's BuildLunrIndex), and
// compares the two: bytes, structure (fields, fieldVectors, invertedIndex),
// and search results (refs and scores) of a set of queries run on both
// indexes after lunr.Index.load. Exit 0 if all match, 1 otherwise, 77 (CTest
// skip) if the lunr found is not 2.3.9. With --reference, prints what real
// lunr builds for one DOCS_JSON (how tests/golden/search/*-index.json are
// made).
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const args = process.argv.slice(2);
let lunrPath = null, tool = null, reference = null;
const docsFiles = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--lunr') lunrPath = args[++i];
  else if (args[i] === '--tool') tool = args[++i];
  else if (args[i] === '--reference') reference = args[++i];
  else docsFiles.push(args[i]);
}
if (!lunrPath || (reference ? docsFiles.length !== 0 || tool : !tool || docsFiles.length === 0)) {
  process.stderr.write('usage: lunr_compare.js --lunr LUNR_JS --tool LUNR_INDEX_BIN DOCS_JSON...\n' +
    '       lunr_compare.js --lunr LUNR_JS --reference DOCS_JSON > INDEX_JSON\n');
  process.exit(2);
}
const lunr = require(path.resolve(lunrPath));
if (lunr.version !== '2.3.9') {
  process.stdout.write(`lunr ${lunr.version} found at ${lunrPath}; 2.3.9 required, skipping\n`);
  process.exit(77);
}
lunr.utils.warn = () => {};

function readSpec(file) {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  const spec = Array.isArray(raw) ? { documents: raw } : raw;
  return {
    ref: spec.ref === undefined ? 'id' : spec.ref,
    fields: (spec.fields || [{ name: 'title', boost: 10 }, { name: 'body' }]).map((f) => (typeof f === 'string' ? { name: f } : f)),
    documents: spec.documents,
    metadataWhitelist: spec.metadataWhitelist || [],
    documentBoosts: spec.documentBoosts || null,
    b: spec.b,
    k1: spec.k1,
  };
}

function buildReference(spec) {
  return lunr(function () {
    this.ref(spec.ref);
    for (const f of spec.fields) this.field(f.name, f.boost !== undefined ? { boost: f.boost } : {});
    if (spec.b !== undefined) this.b(spec.b);
    if (spec.k1 !== undefined) this.k1(spec.k1);
    for (const k of spec.metadataWhitelist) this.metadataWhitelist.push(k);
    for (const doc of spec.documents) {
      const ref = String(doc[spec.ref]);
      const boosts = spec.documentBoosts;
      if (boosts && Object.prototype.hasOwnProperty.call(boosts, ref)) this.add(doc, { boost: boosts[ref] });
      else this.add(doc);
    }
  });
}

function queriesFor(spec, index) {
  const first = spec.fields[0].name, last = spec.fields[spec.fields.length - 1].name;
  const q = ['oil', 'oil prices', 'government', 'elect*', '*ing', 'pr*c*', 'goverment~1', 'economy~2',
    '+china +russia', '+economy -bank', '-china', '-the', 'china^10 russia', "russia's", 'u.s.', 'anti-missile',
    '2004', 'said', 'café', 'interest rates', `${first}:oil`, `${last}:oil`, `${first}:s*`, 'boy', 'cry', 'technology',
    'constructor', '__proto__', 'hello', 'ab😀cd', 'münchen', 'i̇stanbul', 'kelvin', 'σας', 'москва', 'ﬁ*', 'foo bar', 'bar'];
  // Words from the index itself: frequent, median and rare terms.
  const terms = index.invertedIndex.map((e) => e[0]).filter((t) => /^[a-z]{3,}$/.test(t));
  if (terms.length) {
    for (const k of [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99]) q.push(terms[Math.floor(k * (terms.length - 1))]);
  }
  return q;
}

function search(idx, query) {
  try {
    return { hits: idx.search(query).map((r) => [r.ref, Math.round(r.score * 1e6) / 1e6]) };
  } catch (e) {
    return { error: String(e && e.message ? e.message : e) };
  }
}

let failed = 0, passed = 0;
function check(name, ok, detail) {
  if (ok) passed++;
  else {
    failed++;
    process.stdout.write(`[FAIL] ${name}${detail ? ': ' + detail : ''}\n`);
  }
}

if (reference) {
  // Written whole before exiting, even into a pipe (process.stdout.write
  // followed by process.exit can cut it short).
  const text = Buffer.from(JSON.stringify(buildReference(readSpec(reference))), 'utf8');
  for (let off = 0; off < text.length;) {
    try {
      off += fs.writeSync(1, text, off, text.length - off);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
    }
  }
  process.exit(0);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lunr-compare-'));
try {
  for (const file of docsFiles) {
    const name = path.basename(file);
    const spec = readSpec(file);
    const refJson = JSON.stringify(buildReference(spec));
    const out = path.join(tmp, name + '.index.json');
    const r = spawnSync(tool, [file, out], { encoding: 'utf8' });
    if (r.status !== 0) {
      check(`${name}: lunr_index runs`, false, r.stderr || `exit ${r.status}`);
      continue;
    }
    const got = fs.readFileSync(out, 'utf8');
    check(`${name}: bytes identical`, got === refJson, `${got.length} vs ${refJson.length} chars`);
    const a = JSON.parse(got), b = JSON.parse(refJson);
    for (const key of ['version', 'fields', 'pipeline', 'fieldVectors']) {
      check(`${name}: ${key}`, JSON.stringify(a[key]) === JSON.stringify(b[key]));
    }
    const aTerms = a.invertedIndex.map((e) => e[0]), bTerms = b.invertedIndex.map((e) => e[0]);
    check(`${name}: terms`, JSON.stringify(aTerms) === JSON.stringify(bTerms), `${aTerms.length} vs ${bTerms.length}`);
    let badPostings = 0;
    for (let i = 0; i < Math.min(a.invertedIndex.length, b.invertedIndex.length); i++) {
      if (JSON.stringify(a.invertedIndex[i]) !== JSON.stringify(b.invertedIndex[i])) badPostings++;
    }
    check(`${name}: postings`, badPostings === 0, `${badPostings} differ`);
    let ia, ib;
    try {
      ia = lunr.Index.load(a);
    } catch (e) {
      check(`${name}: load`, false, String(e));
      continue;
    }
    ib = lunr.Index.load(b);
    for (const q of queriesFor(spec, b)) {
      const ra = search(ia, q), rb = search(ib, q);
      check(`${name}: query ${JSON.stringify(q)}`, JSON.stringify(ra) === JSON.stringify(rb),
        `got ${JSON.stringify(ra).slice(0, 200)}, lunr ${JSON.stringify(rb).slice(0, 200)}`);
    }
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
