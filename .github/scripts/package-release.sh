#!/usr/bin/env bash
# Packs trustgen's release archive for one target, as `cargo binstall` expects it
# (Cargo.toml, [package.metadata.binstall]): trustgen-<target>/ holding the binary, the
# shell completions and man pages it prints, README.md, LICENSE and CHANGELOG.md; a .zip
# for Windows, else a .tar.gz. Run from the repository's root.
#
#   .github/scripts/package-release.sh TARGET BINARY OUT_DIR
set -euo pipefail
target=$1
binary=$2
out=$3
name="trustgen-$target"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
dir="$stage/$name"
mkdir -p "$dir/completions" "$dir/man" "$out"
cp "$binary" "$dir/"
cp README.md LICENSE CHANGELOG.md "$dir/"
# Built natively on each runner, so the binary runs here and prints its own.
"$binary" completions bash > "$dir/completions/trustgen.bash"
"$binary" completions zsh > "$dir/completions/_trustgen"
"$binary" completions fish > "$dir/completions/trustgen.fish"
"$binary" completions powershell > "$dir/completions/_trustgen.ps1"
"$binary" man > "$dir/man/trustgen.1"
for command in $("$binary" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }'); do
  [ "$command" = help ] || "$binary" man "$command" > "$dir/man/trustgen-$command.1"
done
case "$target" in
  *windows*) (cd "$stage" && 7z a -tzip -bso0 "$name.zip" "$name") && mv "$stage/$name.zip" "$out/" ;;
  *) tar -C "$stage" -czf "$out/$name.tar.gz" "$name" ;;
esac
