#!/usr/bin/env bash
# Vendor the pinned front-end assets from npm into the Django static tree.
#
# Usage:  bash scripts/vendor_assets.sh
#
# Runs `npm ci` (exact versions from package-lock.json) and copies exactly the
# files the pages need into unionserve/web/static/vendor/<package>/ and the
# test-only axe-core build into tests/browser/vendor/. The copied files are
# committed, so running the app or its tests needs no Node.js; only an upgrade
# does. See docs/decisions/0004-front-end-assets.md.
#
# Files are copied byte-for-byte from the npm tarballs (no edits). Anything a
# copied CSS/JS file references (url(...) fonts, sourceMappingURL maps) is
# copied too and checked at the end, because production uses
# ManifestStaticFilesStorage, whose collectstatic fails on a dangling reference.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

command -v npm >/dev/null 2>&1 || {
    echo "vendor_assets: npm not found (apt-get install nodejs npm)" >&2
    exit 1
}

echo "vendor_assets: npm ci"
npm ci --ignore-scripts --no-audit --no-fund

NM="$ROOT/node_modules"
STATIC="$ROOT/unionserve/web/static/vendor"
TESTVENDOR="$ROOT/tests/browser/vendor"

# Start from empty destinations so files dropped upstream do not linger.
rm -rf "$STATIC" "$TESTVENDOR"
mkdir -p "$STATIC" "$TESTVENDOR"

# cp_to SRC (relative to node_modules) DEST (absolute path of the target file)
cp_to() {
    local src="$NM/$1" dest="$2"
    if [[ ! -f "$src" ]]; then
        echo "vendor_assets: missing $src (package layout changed?)" >&2
        exit 1
    fi
    mkdir -p "$(dirname "$dest")"
    cp "$src" "$dest"
}

version() {
    node -p "require('$NM/$1/package.json').version"
}

# --- Bootstrap (CSS + bundle JS, which includes Popper) ---------------------
cp_to bootstrap/dist/css/bootstrap.min.css          "$STATIC/bootstrap/css/bootstrap.min.css"
cp_to bootstrap/dist/css/bootstrap.min.css.map      "$STATIC/bootstrap/css/bootstrap.min.css.map"
cp_to bootstrap/dist/js/bootstrap.bundle.min.js     "$STATIC/bootstrap/js/bootstrap.bundle.min.js"
cp_to bootstrap/dist/js/bootstrap.bundle.min.js.map "$STATIC/bootstrap/js/bootstrap.bundle.min.js.map"
cp_to bootstrap/LICENSE                             "$STATIC/bootstrap/LICENSE"
cp_to @popperjs/core/LICENSE.md                     "$STATIC/bootstrap/LICENSE-popper.md"

# --- Bootstrap Icons (webfont; the CSS references fonts/*.woff2 and *.woff) --
cp_to bootstrap-icons/font/bootstrap-icons.min.css        "$STATIC/bootstrap-icons/font/bootstrap-icons.min.css"
cp_to bootstrap-icons/font/fonts/bootstrap-icons.woff2    "$STATIC/bootstrap-icons/font/fonts/bootstrap-icons.woff2"
cp_to bootstrap-icons/font/fonts/bootstrap-icons.woff     "$STATIC/bootstrap-icons/font/fonts/bootstrap-icons.woff"
cp_to bootstrap-icons/LICENSE                             "$STATIC/bootstrap-icons/LICENSE"

# --- htmx 2.0.x --------------------------------------------------------------
cp_to htmx.org/dist/htmx.min.js "$STATIC/htmx/htmx.min.js"
cp_to htmx.org/LICENSE          "$STATIC/htmx/LICENSE"

# --- ECharts (full build; includes the ZH and EN locales) -------------------
cp_to echarts/dist/echarts.min.js   "$STATIC/echarts/echarts.min.js"
cp_to echarts/LICENSE               "$STATIC/echarts/LICENSE"
cp_to echarts/NOTICE                "$STATIC/echarts/NOTICE"
cp_to echarts/licenses/LICENSE-d3   "$STATIC/echarts/licenses/LICENSE-d3"
cp_to zrender/LICENSE               "$STATIC/echarts/licenses/LICENSE-zrender"

# --- Mermaid (process diagrams, generated from the process definitions) -----
cp_to mermaid/dist/mermaid.min.js "$STATIC/mermaid/mermaid.min.js"
cp_to mermaid/LICENSE             "$STATIC/mermaid/LICENSE"

# --- axe-core (browser tests only; never served by the app) -----------------
cp_to axe-core/axe.min.js "$TESTVENDOR/axe.min.js"
cp_to axe-core/LICENSE    "$TESTVENDOR/LICENSE-axe-core"

# --- Check every url(...)/sourceMappingURL in copied CSS/JS resolves --------
# (data: URIs and absolute URLs are skipped; ?query/#fragment are stripped.)
status=0
while IFS= read -r -d '' f; do
    dir="$(dirname "$f")"
    # CSS: url(...) and source maps; JS: only source maps (minified JS builds url( strings at run time).
    pattern='url\(["'"'"']?[^)"'"'"']+|sourceMappingURL=[^ *]+'
    [[ "$f" == *.js ]] && pattern='sourceMappingURL=[^ *]+'
    refs="$(grep -oE "$pattern" "$f" \
        | sed -E 's/^url\(["'"'"']?//; s/^sourceMappingURL=//' \
        | grep -vE '^(data:|https?:|//|#)' | sed -E 's/[?#].*$//' | sort -u || true)"
    while IFS= read -r ref; do
        [[ -z "$ref" ]] && continue
        if [[ ! -f "$dir/$ref" ]]; then
            echo "vendor_assets: ${f#"$ROOT"/} references missing $ref" >&2
            status=1
        fi
    done <<<"$refs"
done < <(find "$STATIC" -type f \( -name '*.css' -o -name '*.js' \) -print0)
[[ $status -eq 0 ]] || exit 1

# --- Record what was vendored -----------------------------------------------
write_manifest() {
    local dir="$1"
    shift
    {
        echo "# Generated by scripts/vendor_assets.sh from package-lock.json. Do not edit;"
        echo "# bump package.json, run the script, commit. See docs/decisions/0004-front-end-assets.md."
        echo "#"
        for pkg in "$@"; do
            echo "# $pkg@$(version "$pkg")"
        done
        echo "#"
        echo "# sha256  path"
        (cd "$dir" && find . -type f ! -name VERSIONS.txt | LC_ALL=C sort | xargs sha256sum | sed 's#  \./#  #')
    } >"$dir/VERSIONS.txt"
}
write_manifest "$STATIC" bootstrap @popperjs/core bootstrap-icons htmx.org echarts zrender mermaid
write_manifest "$TESTVENDOR" axe-core

echo "vendor_assets: done"
(cd "$ROOT" && find "${STATIC#"$ROOT"/}" "${TESTVENDOR#"$ROOT"/}" -type f | LC_ALL=C sort | xargs ls -l | awk '{printf "%10d  %s\n", $5, $9}')
