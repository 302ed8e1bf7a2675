#!/usr/bin/env python3
"""Writes tests/data/search/threaded-docs.json (run from the project root).

200 documents made from the 40-article sample: enough for the index
builder's threaded path (several blocks of documents, tokenised on a helper
thread ahead of the indexing), with position metadata, array fields (odd
values among them), duplicate refs, null fields and document boosts. Its
golden index is what real lunr builds:

  node tests/scripts/lunr_compare.js --lunr /usr/share/nodejs/lunr/index.js \
      --reference tests/data/search/threaded-docs.json > tests/golden/search/threaded-index.json
"""
import json
src = json.load(open('tests/data/search/sample40-docs.json'))['documents']
docs, boosts = [], {}
extra = ['Array ONE', 'two\nlines', None, 5, True, 'café', 'İstanbul', '😀x😀', 'the', '']
for i in range(200):
    s = src[i % len(src)]
    words = s['body'].split()
    ref = f'doc-{i // 3 * 3 if i % 41 == 7 else i}'   # a few refs repeat
    tags = [words[(i * 7 + k) % len(words)] for k in range(i % 5)] + [extra[i % len(extra)]]
    doc = {'id': ref, 'title': f"{s['title'][:80]} ({i})", 'tags': tags,
           'body': ' '.join(words[(i % 9) * 20:(i % 9) * 20 + 40 + i % 60])}
    if i % 23 == 0:
        doc['body'] = None
    docs.append(doc)
    if i % 17 == 5:
        boosts[ref] = 1 + (i % 4) / 2
out = {'ref': 'id', 'fields': [{'name': 'title', 'boost': 10}, {'name': 'tags', 'boost': 3}, {'name': 'body'}],
       'metadataWhitelist': ['position', 'index'], 'documentBoosts': boosts, 'documents': docs}
with open('tests/data/search/threaded-docs.json', 'w', encoding='utf-8') as f:
    json.dump(out, f, ensure_ascii=False, indent=0)
    f.write('\n')
