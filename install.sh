#!/usr/bin/env bash
# Sets shiplog up from this checkout: dependencies, build, the `shiplog` command, and the hooks
# that make every Claude Code session record itself. Safe to run again; --uninstall reverses it.
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

echo "==> installing dependencies (npm ci)"
npm ci --no-audit --no-fund
echo "==> building"
npm run build --silent

mkdir -p "$bin_dir"
ln -sfn "$here/bin/shiplog.mjs" "$bin_dir/shiplog"
echo "==> shiplog command: $bin_dir/shiplog"
case ":$PATH:" in
  *":$bin_dir:"*) ;;
  *) echo "    note: $bin_dir is not on your PATH; add it, or run $bin_dir/shiplog directly" ;;
esac

echo "==> registering hooks"
node bin/shiplog.mjs install
echo "Done. Every Claude Code session now writes .devlog/ and .changelog/ in its repository."
