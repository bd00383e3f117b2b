#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0
//
// Offline schema check of Kubernetes manifests (tests/harness/k8s-agent.sh).
//
// Usage: node validate.js --modules DIR FILE...
//   DIR   where scripts/deps k8s installed package.json's packages
//         ($LAGS_BUILD/npm/k8s-schema: DIR/node_modules)
//
// Each YAML document of each FILE is read as Kubernetes reads it (YAML
// 1.1: "on", "yes" and "off" are booleans; a repeated key is an error)
// and checked in two ways:
//   1. the validate() of kubernetes-models' class for its apiVersion and
//      kind: the API's OpenAPI schema (types, required fields, enums,
//      formats) compiled into a function by the package;
//   2. unknown fields: every key must be a property of the object's type,
//      all the way down, as the API server's strict field validation
//      (kubectl apply's default) demands.  The OpenAPI schemas do not
//      forbid other properties, so check 1 alone lets a misspelt optional
//      field through; the types' properties come from the package's
//      TypeScript declarations (.d.ts), generated from the same schemas.
// Prints "ok FILE: KIND NAME" or "error FILE: KIND NAME: WHY" for each
// object; exits 1 if any object or file failed, 2 on a usage error.
'use strict';

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const args = process.argv.slice(2);
let modules = null;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--modules' && i + 1 < args.length) modules = args[++i];
  else files.push(args[i]);
}
if (!modules || files.length === 0) {
  process.stderr.write('usage: node validate.js --modules DIR FILE...\n');
  process.exit(2);
}
const req = createRequire(path.join(path.resolve(modules), 'package.json'));
let YAML;
let modelsVersion;
try {
  YAML = req('yaml');
  modelsVersion = req('kubernetes-models/package.json').version;
} catch (e) {
  process.stderr.write(`validate.js: cannot load yaml and kubernetes-models from ${modules}` +
    ` (run scripts/deps k8s): ${e.message}\n`);
  process.exit(2);
}
// The Kubernetes release whose OpenAPI schemas each kubernetes-models
// minor version carries (its CHANGELOG: 4.5.0 "Update schema version to
// v1.33.0"; 5.x needs Node.js 22).
const k8sRelease = { '4.5': 'v1.33.0' }[modelsVersion.split('.').slice(0, 2).join('.')] || 'unknown';
process.stdout.write(`# kubernetes-models ${modelsVersion} (Kubernetes ${k8sRelease} API schemas),` +
  ` yaml ${req('yaml/package.json').version}\n`);

// ---- the types' properties, from the .d.ts files -------------------------

const dtsCache = new Map();

// dts(FILE): { props: Map name -> type text, imports: Map ident -> .d.ts }
// of the first interface FILE declares (null props: none, e.g. a type
// alias such as Quantity, which is a leaf).
function dts(file) {
  if (dtsCache.has(file)) return dtsCache.get(file);
  const text = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const imports = new Map();
  const fileReq = createRequire(file);
  for (const m of text.matchAll(/import \{([^}]*)\} from "([^"]+)";/g)) {
    let target;
    if (m[2].startsWith('.')) target = path.resolve(path.dirname(file), m[2] + '.d.ts');
    else {
      try {
        target = fileReq.resolve(m[2]).replace(/\.js$/, '.d.ts');
      } catch (e) {
        continue;
      }
    }
    for (const name of m[1].split(',')) {
      const n = name.trim().split(/\s+as\s+/).pop();
      if (n) imports.set(n, target);
    }
  }
  let props = null;
  const head = /export interface \w+(?: extends [^{]*)? \{/.exec(text);
  if (head) {
    props = new Map();
    const re = /\s*"([^"]+)"\??:\s*/y;
    let i = head.index + head[0].length;
    for (;;) {
      re.lastIndex = i;
      const p = re.exec(text);
      if (!p) break;
      // The type runs to the first ";" outside brackets.
      let j = re.lastIndex;
      let depth = 0;
      while (j < text.length && !(depth === 0 && text[j] === ';')) {
        if ('{<(['.includes(text[j])) depth++;
        else if ('}>)]'.includes(text[j])) depth--;
        j++;
      }
      props.set(p[1], text.slice(re.lastIndex, j).trim());
      i = j + 1;
    }
  }
  const info = { props, imports };
  dtsCache.set(file, info);
  return info;
}

// unknown(VALUE, TYPE, WHERE, CTX, OUT): push to OUT the path of every key
// of VALUE that TYPE (type text in the .d.ts CTX) does not declare.
function unknown(value, type, where, ctx, out) {
  if (value === null || typeof value !== 'object') return;
  let m;
  if ((m = /^Array<([\s\S]*)>$/.exec(type))) {
    if (Array.isArray(value)) value.forEach((v, k) => unknown(v, m[1].trim(), `${where}[${k}]`, ctx, out));
  } else if ((m = /^\{\s*\[key: string\]:\s*([\s\S]*?);?\s*\}$/.exec(type))) {
    for (const k of Object.keys(value)) unknown(value[k], m[1].trim(), `${where}.${k}`, ctx, out);
  } else if (/^\w+$/.test(type) && ctx.imports.has(type)) {
    walk(value, dts(ctx.imports.get(type)), where, out);
  }
}

function walk(value, info, where, out) {
  if (!info.props || Array.isArray(value)) return;
  for (const k of Object.keys(value)) {
    const at = where ? `${where}.${k}` : k;
    if (!info.props.has(k)) out.push(`unknown field "${at}"`);
    else unknown(value[k], info.props.get(k), at, info, out);
  }
}

// ---- the manifests -------------------------------------------------------

let failed = 0;
for (const file of files) {
  let docs;
  try {
    docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'), { version: '1.1', uniqueKeys: true });
  } catch (e) {
    console.log(`error ${file}: ${e.message}`);
    failed++;
    continue;
  }
  if (!Array.isArray(docs)) docs = [docs];
  let n = 0;
  for (const doc of docs) {
    const bad = doc.errors.concat(doc.warnings);
    if (bad.length) {
      n++;
      console.log(`error ${file}: YAML: ${bad.map((e) => e.message.split('\n')[0].replace(/:$/, '')).join('; ')}`);
      failed++;
      continue;
    }
    const obj = doc.toJS();
    if (obj === null || obj === undefined) continue;
    n++;
    const kind = obj && typeof obj.kind === 'string' ? obj.kind : '?';
    const name = obj && obj.metadata && obj.metadata.name ? obj.metadata.name : '?';
    const what = `${file}: ${kind} ${name}`;
    const errs = [];
    if (typeof obj !== 'object' || Array.isArray(obj) || typeof obj.apiVersion !== 'string' || kind === '?') {
      console.log(`error ${what}: not an object with a string apiVersion and kind`);
      failed++;
      continue;
    }
    // apiVersion "v1": kubernetes-models/v1/KIND; "GROUP/VERSION":
    // kubernetes-models/GROUP/VERSION/KIND.
    const mod = `kubernetes-models/${obj.apiVersion}/${kind}`;
    let Model;
    let modFile;
    try {
      modFile = req.resolve(mod);
      Model = req(mod)[kind];
    } catch (e) {
      Model = undefined;
    }
    if (typeof Model !== 'function') {
      console.log(`error ${what}: no schema for apiVersion ${obj.apiVersion}, kind ${kind}`);
      failed++;
      continue;
    }
    try {
      new Model(obj).validate();
    } catch (e) {
      errs.push(...String(e.message).split('\n').map((l) => l.trim()).filter(Boolean));
    }
    walk(obj, dts(modFile.replace(/\.js$/, '.d.ts')), '', errs);
    if (errs.length) {
      console.log(`error ${what}: ${errs.join('; ')}`);
      failed++;
    } else {
      console.log(`ok ${what}`);
    }
  }
  if (n === 0) {
    console.log(`error ${file}: no Kubernetes object in it`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
