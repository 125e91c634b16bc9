#!/usr/bin/env bash
# CI for the ragfirst VS Code extension:
#   npm ci -> npm run check (tsc --noEmit, eslint, node --test) -> npm run package (esbuild + vsce)
#   -> smoke test of the packaged bundle with a stand-in vscode module and a fake LSP server,
# then prints the .vsix size and file list and checks that only the expected files are inside.
# Run from anywhere: bash editors/vscode/ci.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

step() { printf '\n==> %s\n' "$*"; }

step "node $(node --version), npm $(npm --version)"

step "npm ci"
npm ci --no-audit --no-fund

step "npm run check (typecheck, lint, unit tests)"
npm run check

step "npm run package"
version="$(node -p "require('./package.json').version")"
name="$(node -p "require('./package.json').name")"
vsix="${name}-${version}.vsix"
rm -f "$vsix"
npm run package

if [[ ! -f "$vsix" ]]; then
  echo "ci.sh: expected $vsix was not produced" >&2
  exit 1
fi

size_bytes="$(wc -c < "$vsix" | tr -d ' ')"
step "$vsix: ${size_bytes} bytes ($(( (size_bytes + 1023) / 1024 )) KiB)"

step "bundle smoke test: dist/extension.js against scripts/smoke/fake-server.mjs"
node scripts/smoke/run.mjs

step "files in the extension (vsce ls)"
npx --no-install vsce ls --no-dependencies

step "archive contents"
if command -v unzip >/dev/null 2>&1; then
  unzip -l "$vsix"
  entries="$(unzip -Z1 "$vsix")"
else
  entries="$(node -e "
    // Minimal zip central-directory reader, for machines without unzip.
    const b = require('fs').readFileSync(process.argv[1]);
    let eocd = b.length - 22;
    while (eocd >= 0 && b.readUInt32LE(eocd) !== 0x06054b50) eocd--;
    let p = b.readUInt32LE(eocd + 16);
    const n = b.readUInt16LE(eocd + 10);
    for (let i = 0; i < n; i++) {
      const nameLen = b.readUInt16LE(p + 28), extra = b.readUInt16LE(p + 30), comment = b.readUInt16LE(p + 32);
      console.log(b.toString('utf8', p + 46, p + 46 + nameLen));
      p += 46 + nameLen + extra + comment;
    }" "$vsix")"
  printf '%s\n' "$entries"
fi

step "checking the packaged file list"
expected="$(printf '%s\n' \
  '[Content_Types].xml' \
  'extension.vsixmanifest' \
  'extension/changelog.md' \
  'extension/LICENSE.txt' \
  'extension/readme.md' \
  'extension/dist/extension.js' \
  'extension/images/icon.png' \
  'extension/package.json' | sort)"
actual="$(printf '%s\n' "$entries" | sort)"
if [[ "$actual" != "$expected" ]]; then
  echo "ci.sh: unexpected .vsix contents" >&2
  diff <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") >&2 || true
  exit 1
fi
echo "ok: the .vsix holds exactly the bundle, package.json, README, CHANGELOG, LICENSE and icon"
