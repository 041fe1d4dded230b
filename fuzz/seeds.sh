#!/usr/bin/env bash
# Build the seed corpora of the fuzz targets in fuzz/corpus/<target>/ from the real-world corpus
# (../shared/corpus and ../shared/corpus-zips beside the project, or TSQ_SHARED=DIR), the
# project's examples and its test fixtures. Nothing is committed: the seeds are copies made at run
# time, named by their content hash.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
shared="${TSQ_SHARED:-$root/../shared}"
if [ ! -f "$shared/corpus/MANIFEST.tsv" ]; then
  echo "seeds.sh: no corpus at $shared/corpus (set TSQ_SHARED)" >&2
  exit 1
fi
copy() { # copy FILE into DIR under its content hash
  cp "$1" "$2/$(sha256sum < "$1" | cut -c1-20)"
}
for target in check fmt dump fix convert; do
  dir="$here/corpus/$target"
  mkdir -p "$dir"
  # XML files up to 64 KB (16 KB for convert, which makes seven verified conversions of each
  # input): large files make every execution slow.
  limit=64k
  [ "$target" = convert ] && limit=16k
  find "$shared/corpus" "$root/examples" "$root/tests/fixtures" -name '*.xml' -size -"$limit" -print0 |
    while IFS= read -r -d '' f; do copy "$f" "$dir"; done
done
dir="$here/corpus/archive"
mkdir -p "$dir"
find "$shared/corpus-zips" "$root/examples" -name '*.zip' -print0 |
  while IFS= read -r -d '' f; do copy "$f" "$dir"; done
# The language server: a document (XML files up to 16 KB), and the same document followed by
# edits and raw JSON-RPC messages, each part after a NUL byte (see check_lsp in
# tests/support/invariants.rs).
dir="$here/corpus/lsp"
mkdir -p "$dir"
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
uri='file:///fuzz/input.xml'
n=0
find "$shared/corpus" "$root/examples" -name '*.xml' -size -16k -print0 | sort -z |
  while IFS= read -r -d '' f; do
    copy "$f" "$dir"
    n=$((n + 1))
    [ $((n % 10)) -eq 0 ] || continue
    {
      cat "$f"
      printf '\0'
      head -c "$(($(wc -c < "$f") / 2))" "$f"
      printf '\0{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{"textDocument":{"uri":"%s"},"position":{"line":2,"character":9}}}' "$uri"
      printf '\0{"jsonrpc":"2.0","method":"textDocument/didSave","params":{"textDocument":{"uri":"%s"}}}' "$uri"
      printf '\0{"jsonrpc":"2.0","id":8,"method":"textDocument/codeAction","params":{"textDocument":{"uri":"%s"},"range":{"start":{"line":0,"character":0},"end":{"line":9,"character":0}},"context":{"diagnostics":[]}}}' "$uri"
      printf '\0{"jsonrpc":"2.0","method":"textDocument/didClose","params":{"textDocument":{"uri":"%s"}}}' "$uri"
    } > "$tmp"
    copy "$tmp" "$dir"
  done
for target in check fmt dump archive fix convert lsp; do
  echo "$target: $(find "$here/corpus/$target" -type f | wc -l) seeds"
done
