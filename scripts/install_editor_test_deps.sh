#!/usr/bin/env bash
# Install the real editors that tests/editors/ drives: Debian's neovim, emacs-nox and
# elpa-eglot. Quiet and idempotent: nothing is fetched when they are already there.
# It never fails the caller: when an install is impossible (no apt-get, not root, no
# network) it says why and exits 0, and the editor tests then skip themselves.
#
#   bash scripts/install_editor_test_deps.sh            # neovim + emacs-nox + elpa-eglot
#   RAGFIRST_EDITOR_DEPS="neovim" bash scripts/...      # only some of them
#   RAGFIRST_SKIP_EDITOR_DEPS=1 bash scripts/...        # do nothing
set -u

note() { echo "install_editor_test_deps: $*"; }

if [ "${RAGFIRST_SKIP_EDITOR_DEPS:-0}" = "1" ]; then
  note "RAGFIRST_SKIP_EDITOR_DEPS=1, installing nothing (editor tests will skip)"
  exit 0
fi

wanted="${RAGFIRST_EDITOR_DEPS:-neovim emacs-nox elpa-eglot}"

have_eglot() {
  # Emacs 29+ ships eglot; Debian 12's Emacs 28 needs elpa-eglot (-q keeps Debian's
  # site-start, which puts its elpa packages on the load path).
  command -v emacs >/dev/null 2>&1 &&
    emacs --batch -q --eval "(require 'eglot)" >/dev/null 2>&1
}

missing=()
for package in $wanted; do
  case "$package" in
    neovim) command -v nvim >/dev/null 2>&1 || missing+=(neovim) ;;
    emacs-nox) command -v emacs >/dev/null 2>&1 || missing+=(emacs-nox) ;;
    elpa-eglot) have_eglot || missing+=(elpa-eglot) ;;
    *) missing+=("$package") ;;
  esac
done

if [ "${#missing[@]}" -eq 0 ]; then
  note "already installed: $wanted"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  note "no apt-get here; install ${missing[*]} yourself to run the editor tests (they will skip)"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    sudo=(sudo -n env DEBIAN_FRONTEND=noninteractive)
  else
    note "not root and no password-less sudo; cannot install ${missing[*]} (editor tests will skip)"
    exit 0
  fi
fi

started=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! timeout 300 ${sudo[@]+"${sudo[@]}"} apt-get update -qq >"$log" 2>&1; then
  note "apt-get update failed (continuing with the lists we have):"
  tail -n 5 "$log" | sed 's/^/  /'
fi
if timeout 900 ${sudo[@]+"${sudo[@]}"} apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
  note "installed ${missing[*]} in $(($(date +%s) - started)) s"
else
  note "could not install ${missing[*]} (editor tests that need them will skip):"
  tail -n 10 "$log" | sed 's/^/  /'
fi
exit 0
