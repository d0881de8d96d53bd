#!/usr/bin/env bash
# Sets shiplog up from this checkout: dependencies, build, the `shiplog` command, and the hooks
# that make every Claude Code and Codex session record itself. Safe to run again; --uninstall reverses it.
set -euo pipefail
cd "$(dirname "$0")"
here="$(pwd)"
bin_dir="${SHIPLOG_BIN_DIR:-$HOME/.local/bin}"

if ! command -v node >/dev/null 2>&1; then
  echo "shiplog needs Node.js 20 or newer, and node is not on PATH. Install it (https://nodejs.org or your package manager), then run ./install.sh again." >&2
  exit 1
fi
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 20 ]; then
  echo "shiplog needs Node.js 20 or newer; this is $(node --version). Upgrade node, then run ./install.sh again." >&2
  exit 1
fi

case "${1:-}" in
  ""|--uninstall) ;;
  -h|--help)
    echo "Usage: ./install.sh [--uninstall]"
    echo "Installs dependencies, builds, links the shiplog command into $bin_dir, registers the"
    echo "hooks with Claude Code and Codex (shiplog install) and checks them (shiplog doctor)."
    echo "--uninstall removes the hooks and the command again."
    exit 0 ;;
  *) echo "unknown option $1; run ./install.sh --help" >&2; exit 2 ;;
esac

if [ "${1:-}" = "--uninstall" ]; then
  if [ -f dist/src/cli/main.js ]; then node bin/shiplog.mjs uninstall; fi
  if [ -L "$bin_dir/shiplog" ] && [ "$(readlink "$bin_dir/shiplog")" = "$here/bin/shiplog.mjs" ]; then
    rm "$bin_dir/shiplog"
    echo "removed $bin_dir/shiplog"
  fi
  exit 0
fi

# better-sqlite3 compiles against node's headers; use the ones installed beside node when npm
# has not been told where they are (otherwise node-gyp tries to download them).
prefix="$(dirname "$(dirname "$(command -v node)")")"
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$prefix/include/node/node.h" ]; then
  export npm_config_nodedir="$prefix"
fi

# npm ci starts from scratch (and rebuilds better-sqlite3, about a minute): skip it when the
# installed tree was made from this very lock file by this very node.
stamp="node_modules/.shiplog-install-stamp"
want="$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha256").update(f.readFileSync("package-lock.json")).update(process.version).digest("hex"))')"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "==> dependencies up to date"
else
  echo "==> installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
  printf '%s' "$want" > "$stamp"
fi
node scripts/build-if-stale.mjs

mkdir -p "$bin_dir"
ln -sfn "$here/bin/shiplog.mjs" "$bin_dir/shiplog"
echo "==> shiplog command: $bin_dir/shiplog"
case ":$PATH:" in
  *":$bin_dir:"*) ;;
  *) echo "    note: $bin_dir is not on your PATH; add it, or run $bin_dir/shiplog directly" ;;
esac

echo "==> registering hooks"
node bin/shiplog.mjs install
echo "==> checking (shiplog doctor)"
node scripts/after-install.mjs
