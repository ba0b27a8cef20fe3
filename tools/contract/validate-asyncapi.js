#!/usr/bin/env node
// Parses docs/asyncapi.yaml (or the file given) with the official AsyncAPI parser and its default
// rules, prints every diagnostic as FILE:LINE:COL: severity code: message, and exits 1 when any
// has error severity (0 = error in @stoplight/types' DiagnosticSeverity), 2 when the parser
// cannot be loaded or the file cannot be read. Run by the ctest entry asyncapi_document_test.
'use strict';

const fs = require('fs');
const path = require('path');

let parserModule;
try {
  parserModule = require('@asyncapi/parser');
} catch (e) {
  console.error(`validate-asyncapi: cannot load @asyncapi/parser (${e.message}); run scripts/setup`);
  process.exit(2);
}
const { Parser, DiagnosticSeverity } = parserModule;

const severityName = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'information',
  [DiagnosticSeverity.Hint]: 'hint',
};

async function main() {
  const file = path.resolve(process.argv[2] || path.join(__dirname, '..', '..', 'docs', 'asyncapi.yaml'));
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    console.error(`validate-asyncapi: ${e.message}`);
    return 2;
  }
  const parser = new Parser();
  const { document, diagnostics } = await parser.parse(text, { source: file });
  let errors = 0;
  for (const d of diagnostics) {
    if (d.severity === DiagnosticSeverity.Error) errors += 1;
    const where = d.range ? `${d.range.start.line + 1}:${d.range.start.character + 1}` : '0:0';
    const at = d.path && d.path.length ? ` (at ${d.path.join('.')})` : '';
    console.log(`${file}:${where}: ${severityName[d.severity] || d.severity} ${d.code}: ${d.message}${at}`);
  }
  if (document === undefined && errors === 0) {
    console.log(`${file}: the parser returned no document`);
    return 1;
  }
  const version = document ? document.version() : 'unknown';
  console.log(`validate-asyncapi: ${file}: AsyncAPI ${version}, ${diagnostics.length} diagnostic(s), ${errors} error(s)`);
  return errors === 0 && document !== undefined ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  console.error(`validate-asyncapi: ${e.stack || e}`);
  process.exit(2);
});
