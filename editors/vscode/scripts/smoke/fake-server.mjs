#!/usr/bin/env node
// A stand-in for `ragfirst server`: a minimal LSP server over stdio that follows
// the server contract (initializationOptions, ragfirst.explainRule,
// ragfirst.lintWorkspace, diagnostics with source "ragfirst"). It records what
// it received to the file named by RAGFIRST_FAKE_LOG, one JSON object a line.
// Used by scripts/smoke/run.mjs; not shipped.
import { appendFileSync } from 'node:fs';

const logFile = process.env.RAGFIRST_FAKE_LOG;
const record = (entry) => {
  if (logFile) appendFileSync(logFile, JSON.stringify(entry) + '\n');
};
record({ event: 'argv', argv: process.argv.slice(2) });

function send(message) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
  process.stdout.write(`Content-Length: ${body.length}\r\n\r\n`);
  process.stdout.write(body);
}

function handle(message) {
  record({ event: 'message', method: message.method, id: message.id, params: message.params });
  switch (message.method) {
    case 'initialize':
      send({
        id: message.id,
        result: {
          capabilities: {
            textDocumentSync: 1,
            executeCommandProvider: { commands: ['ragfirst.explainRule', 'ragfirst.lintWorkspace', 'ragfirst.internalFix'] },
          },
          serverInfo: { name: 'fake-ragfirst', version: '0.0.0' },
        },
      });
      break;
    case 'workspace/executeCommand': {
      const { command, arguments: args } = message.params;
      if (command === 'ragfirst.explainRule') {
        const rule = args?.[0]?.rule;
        send({ id: message.id, result: `# ${rule}\n\nFake explanation for ${rule}.` });
      } else if (command === 'ragfirst.lintWorkspace') {
        send({
          method: 'textDocument/publishDiagnostics',
          params: {
            uri: 'file:///fake/app.py',
            diagnostics: [
              {
                range: { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } },
                severity: 2,
                source: 'ragfirst',
                code: 'RF101',
                codeDescription: { href: 'https://example.invalid/rules/RF101' },
                message: 'Fine-tuning where retrieval would do.',
              },
            ],
          },
        });
        send({ id: message.id, result: null });
      } else {
        send({ id: message.id, error: { code: -32601, message: `unknown command ${command}` } });
      }
      break;
    }
    case 'shutdown':
      send({ id: message.id, result: null });
      break;
    case 'exit':
      process.exit(0);
      break;
    default:
      if (message.id !== undefined && message.method !== undefined) {
        send({ id: message.id, result: null });
      }
  }
}

let buffer = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const headerEnd = buffer.indexOf('\r\n\r\n');
    if (headerEnd < 0) return;
    const match = /Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString('ascii'));
    const length = Number(match?.[1] ?? 0);
    if (buffer.length < headerEnd + 4 + length) return;
    const body = buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
    buffer = buffer.subarray(headerEnd + 4 + length);
    handle(JSON.parse(body));
  }
});
process.stdin.on('end', () => process.exit(0));
