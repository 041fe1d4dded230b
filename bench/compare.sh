#!/usr/bin/env bash
# Compare `tsq check` with `xmllint --noout` on the real-world corpus, side by side in one
# hyperfine run; time `tsq check` on one typical ~100 KB file with process start included; and
# time both, and measure their peak memory, on generated sequences of 50, 100 and 200 MB.
#
# Usage: bench/compare.sh            (from anywhere; needs ../shared/corpus beside the project)
# Env:   RUNS=10 WARMUP=2            hyperfine settings
#        SIZES="52428800 ..."         generated sizes in bytes; GEN_RUNS=3 runs each
#        EXPORT_DIR=target/compare   where hyperfine's markdown/JSON results go
#
# The corpus is read in place. Installs hyperfine and libxml2-utils (xmllint) from Debian when
# they are missing, running `apt-get update` only if the first install attempt fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CORPUS="$ROOT/../shared/corpus"
ZIPS="$ROOT/../shared/corpus-zips"
RUNS="${RUNS:-10}"
WARMUP="${WARMUP:-2}"
EXPORT_DIR="${EXPORT_DIR:-$ROOT/target/compare}"

if [[ ! -f "$CORPUS/MANIFEST.tsv" ]]; then
    echo "note: $CORPUS not found; nothing to compare" >&2
    exit 0
fi

need=()
command -v hyperfine >/dev/null 2>&1 || need+=(hyperfine)
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils)
[[ -x /usr/bin/time ]] || need+=(time)
if ((${#need[@]})); then
    SUDO=""
    [[ $(id -u) -eq 0 ]] || SUDO="sudo"
    if ! $SUDO apt-get install -y -qq "${need[@]}" >/dev/null 2>&1; then
        $SUDO apt-get update -qq
        $SUDO apt-get install -y -qq "${need[@]}"
    fi
fi

(cd "$ROOT" && cargo build --release --quiet)
TSQ="$ROOT/target/release/tsq"

mkdir -p "$EXPORT_DIR"
XML_LIST="$EXPORT_DIR/xml-files.list"
ALL_LIST="$EXPORT_DIR/all-files.list"
# NUL-separated lists: corpus paths contain spaces, parentheses, `&` and `+`.
find "$CORPUS" -type f -iname '*.xml' -print0 | sort -z >"$XML_LIST"
{
    cat "$XML_LIST"
    find "$ZIPS" -type f -iname '*.zip' -print0 | sort -z
} >"$ALL_LIST"
n_xml=$(tr -cd '\0' <"$XML_LIST" | wc -c)
n_all=$(tr -cd '\0' <"$ALL_LIST" | wc -c)
bytes_xml=$(xargs -0 -a "$XML_LIST" cat | wc -c)
echo "corpus: $n_xml xml files ($bytes_xml bytes), $((n_all - n_xml)) zip archives"

# One invocation each: the lists fit on one command line (xargs would split them otherwise, and
# the check below makes sure it did not).
[[ $(xargs -0 -a "$XML_LIST" sh -c 'echo $#' sh | wc -l) -eq 1 ]] || { echo "file list too long for one command line" >&2; exit 2; }

# `tsq check` exits 1 on findings and xmllint exits non-zero on the one malformed file, so
# failures are ignored (-i); the output goes to /dev/null.
hyperfine -N -i --warmup "$WARMUP" --runs "$RUNS" \
    --export-markdown "$EXPORT_DIR/corpus.md" --export-json "$EXPORT_DIR/corpus.json" \
    -n "tsq check (all $n_all files)" "xargs -0 -a '$ALL_LIST' '$TSQ' check --color never" \
    -n "tsq check --format concise (all $n_all files)" "xargs -0 -a '$ALL_LIST' '$TSQ' check --format concise" \
    -n "tsq check (the $n_xml xml files)" "xargs -0 -a '$XML_LIST' '$TSQ' check --color never" \
    -n "tsq check, one thread (the $n_xml xml files)" "xargs -0 -a '$XML_LIST' env RAYON_NUM_THREADS=1 '$TSQ' check --color never" \
    -n "xmllint --noout (the $n_xml xml files)" "xargs -0 -a '$XML_LIST' xmllint --noout"

# One typical ~100 KB file, process start included.
ONE="$CORPUS/keithga-DeployShared/Source/MDT2013/SCCM/SCCM_Client.xml"
if [[ -f "$ONE" ]]; then
    echo "one file: $(wc -c <"$ONE") bytes"
    hyperfine -N -i --warmup 5 --runs 50 \
        --export-markdown "$EXPORT_DIR/one-file.md" --export-json "$EXPORT_DIR/one-file.json" \
        -n "tsq check (one 109 KB file)" "'$TSQ' check --color never '$ONE'" \
        -n "xmllint --noout (one 109 KB file)" "xmllint --noout '$ONE'"
fi
# Generated sequences (bench/generate.sh, the shape of benches/parse.rs's input): time side by
# side with xmllint, then peak memory (GNU time's maximum resident set size) of each command, at
# 50, 100 and 200 MB to show how both grow. SIZES="52428800" limits the sizes.
SIZES="${SIZES:-52428800 104857600 209715200}"
MEM="$EXPORT_DIR/generated-memory.tsv"
printf 'bytes\tcommand\tseconds\tpeak_kb\n' >"$MEM"
for size in $SIZES; do
    gen="$EXPORT_DIR/generated-$size.xml"
    [[ -f "$gen" ]] || "$ROOT/bench/generate.sh" "$size" >"$gen"
    echo "generated: $(wc -c <"$gen") bytes"
    hyperfine -N -i --warmup 1 --runs "${GEN_RUNS:-3}" \
        --export-markdown "$EXPORT_DIR/generated-$size.md" --export-json "$EXPORT_DIR/generated-$size.json" \
        -n "tsq check --format concise ($size bytes)" "'$TSQ' check --format concise '$gen'" \
        -n "xmllint --noout ($size bytes)" "xmllint --noout '$gen'"
    for cmd in "$TSQ check --format concise" "xmllint --noout"; do
        # shellcheck disable=SC2086 # the command is split into its words on purpose
        /usr/bin/time -f "%e %M" -o "$EXPORT_DIR/time.out" $cmd "$gen" >/dev/null 2>&1 || true
        # GNU time puts "Command exited with non-zero status N" first when the command fails.
        read -r secs kb < <(tail -n 1 "$EXPORT_DIR/time.out")
        printf '%s\t%s\t%s\t%s\n' "$size" "${cmd##*/}" "$secs" "$kb" | tee -a "$MEM"
    done
done
echo "results: $EXPORT_DIR/corpus.md, $EXPORT_DIR/one-file.md, $EXPORT_DIR/generated-*.md, $MEM"
