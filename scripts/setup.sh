#!/usr/bin/env bash
# Sets up a fresh machine for Stream Health: Debian packages (real proxies, Chromium, build headers),
# the npm dependencies (Node 24 comes from the `node` devDependency), and the cached code-server.
# Idempotent: anything already present is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(nginx haproxy squid tinyproxy apache2-utils caddy apache2 varnish golang-go rustfmt openjdk-17-jdk-headless python3 prometheus chromium libkrb5-dev iptables iproute2 procps ripgrep)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

echo "setup: npm ci"
npm ci --no-audit --no-fund

if [ -f scripts/install-code-server.ts ]; then
  echo "setup: code-server (cached under .vscode-test/)"
  npm exec -- node scripts/install-code-server.ts
fi
echo "setup: done"
