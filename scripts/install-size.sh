#!/usr/bin/env bash
# What a consumer pays to install: a new `npm init -y` project, `npm install <args>`, then the
# package count (node_modules/.package-lock.json), node_modules' size and the install time.
#   npm run pack
#   scripts/install-size.sh runtime   .pack/alter-gen-0.1.0.tgz
#   scripts/install-size.sh generator .pack/alter-gen-0.1.0.tgz .pack/alter-gen-cli-0.1.0.tgz
#   scripts/install-size.sh vault     .pack/alter-gen-0.1.0.tgz .pack/alter-gen-cli-0.1.0.tgz better-sqlite3@12
# Uses the shared npm cache; the time includes compiling better-sqlite3 where it is installed.
set -euo pipefail
label=$1; shift
args=()
for a in "$@"; do [[ -e $a ]] && args+=("$(realpath "$a")") || args+=("$a"); done
dir=$(mktemp -d "${TMPDIR:-/tmp}/alter-install-$label-XXXX")
cd "$dir"
npm init -y >/dev/null
start=$(date +%s.%N)
npm install --no-audit --no-fund "${args[@]}" >install.log 2>&1 || { echo "$label: npm install failed (see $dir/install.log)"; exit 1; }
end=$(date +%s.%N)
count=$(node -e 'console.log(Object.keys(require("./node_modules/.package-lock.json").packages).length)')
bytes=$(du -sb node_modules | cut -f1)
node -e 'const [l, c, b, s, e] = process.argv.slice(1); console.log(`${l}: ${c} packages, ${(b / 1e6).toFixed(1)} MB, ${(e - s).toFixed(1)} s`)' "$label" "$count" "$bytes" "$start" "$end"
rm -rf "$dir"
