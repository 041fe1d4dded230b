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
for target in check fmt dump; do
  dir="$here/corpus/$target"
  mkdir -p "$dir"
  # XML files up to 64 KB: large files make every execution slow.
  find "$shared/corpus" "$root/examples" "$root/tests/fixtures" -name '*.xml' -size -64k -print0 |
    while IFS= read -r -d '' f; do copy "$f" "$dir"; done
done
dir="$here/corpus/archive"
mkdir -p "$dir"
find "$shared/corpus-zips" "$root/examples" -name '*.zip' -print0 |
  while IFS= read -r -d '' f; do copy "$f" "$dir"; done
for target in check fmt dump archive; do
  echo "$target: $(find "$here/corpus/$target" -type f | wc -l) seeds"
done
