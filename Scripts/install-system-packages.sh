#!/usr/bin/env bash
# Installs the Debian packages Shears needs when they are missing: OpenBLAS and LAPACKE for the tensor engine,
# and (with --with-data) Fashion-MNIST for the demo. As root it installs them; otherwise it says what to run.
set -euo pipefail
packages=(libopenblas-dev liblapacke-dev zlib1g-dev)
if [ "${1:-}" = "--with-data" ]; then packages+=(dataset-fashion-mnist); fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  echo "Installing missing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  echo "Installing missing system packages with sudo: ${missing[*]}"
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Shears needs these Debian packages, which are not installed: ${missing[*]}" >&2
  echo "Install them with:  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
