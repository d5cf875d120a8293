#!/bin/sh
# Build the front end into src/caseaudit/static/vendor/ from node_modules (installed by `npm ci`):
# GOV.UK Frontend's CSS compiled with caseaudit's settings, its JS and the images its CSS uses, htmx, and
# the module that starts GOV.UK Frontend. Everything a page loads is served by caseaudit itself.
set -eu

cd "$(dirname "$0")/.."
NODE_MODULES=node_modules
SRC=src/caseaudit/static_src
OUT=src/caseaudit/static/vendor
GOVUK=$NODE_MODULES/govuk-frontend/dist/govuk

for need in "$GOVUK/govuk-frontend.min.js" "$NODE_MODULES/htmx.org/dist/htmx.min.js" "$NODE_MODULES/.bin/sass"; do
    if [ ! -e "$need" ]; then
        echo "build-assets: $need is missing; run 'npm ci' first (make does this for you)." >&2
        exit 1
    fi
done

# Build beside the old folder and swap at the end, so a failed build never leaves a half-built vendor/.
BUILD="$OUT.building"
rm -rf "$BUILD"
mkdir -p "$BUILD/govuk/assets/images" "$BUILD/govuk-frontend" "$BUILD/htmx"

"$NODE_MODULES/.bin/sass" --pkg-importer=node --style=compressed --no-source-map --quiet-deps \
    "$SRC/caseaudit.scss" "$BUILD/caseaudit.css"

if grep -q "GDS Transport" "$BUILD/caseaudit.css"; then
    echo "build-assets: the GDS Transport font is in caseaudit.css; it is for GOV.UK services only." >&2
    exit 1
fi

cp "$GOVUK/govuk-frontend.min.js" "$BUILD/govuk-frontend/"
# Only the images the stylesheet refers to; GOV.UK's favicons are left out (caseaudit has its own icon).
for ref in $(grep -o 'url([^)]*)' "$BUILD/caseaudit.css" | sed -e 's/^url(//' -e 's/)$//' -e "s/[\"']//g" | sort -u); do
    case "$ref" in
        govuk/assets/images/*) cp "$GOVUK/assets/images/${ref#govuk/assets/images/}" "$BUILD/$ref" ;;
    esac
done
cp "$NODE_MODULES/htmx.org/dist/htmx.min.js" "$BUILD/htmx/"
cp "$SRC/init.mjs" "$SRC/copy-link.mjs" "$SRC/autosave.mjs" "$SRC/js-enabled.js" "$SRC/favicon.svg" "$BUILD/"

# Every url() in the stylesheet must point at a file we ship (or be a data: URL).
missing=0
for ref in $(grep -o 'url([^)]*)' "$BUILD/caseaudit.css" | sed -e 's/^url(//' -e 's/)$//' -e "s/[\"']//g" | sort -u); do
    case "$ref" in
        data:*) continue ;;
    esac
    if [ ! -e "$BUILD/$ref" ]; then
        echo "build-assets: caseaudit.css refers to $ref, which is not in the build." >&2
        missing=1
    fi
done
[ "$missing" -eq 0 ] || exit 1

rm -rf "$OUT"
mv "$BUILD" "$OUT"
echo "build-assets: built $OUT"
