#!/usr/bin/env bash
# Installs everything the build, the tests and the lab need on a fresh Debian 12 machine (run as root).
# One list for CI, developers and the lab demo, so a green CI can never hide a missing install step.
set -euo pipefail

PACKAGES=(
  # build: C dataplane, JNA library, XDP program, libFuzzer runtime
  build-essential make pkg-config clang llvm libclang-rt-14-dev clang-format-14
  libpcap-dev libyaml-dev libxdp-dev libbpf-dev
  # JDK for ./mvnw (Maven itself comes through the wrapper)
  openjdk-17-jdk-headless
  # network namespaces, traffic generators, captures
  iproute2 ethtool iputils-ping tcpdump netsniff-ng hping3 nftables procps
  # a real protected server: Debian kernels under QEMU/TCG, module build
  qemu-system-x86 busybox-static cpio kmod gzip xz-utils zstd lz4
  # the kernel matrix the QEMU harness boots, image and headers each (tcpsecrets-kmod/test/kernels.conf; its
  # self-test checks that this list has them all)
  linux-image-amd64 linux-headers-amd64
  linux-image-6.12-amd64 linux-headers-6.12-amd64
  linux-image-6.1.0-54-amd64 linux-headers-6.1.0-54-amd64
  linux-image-rt-amd64 linux-headers-rt-amd64
  linux-image-cloud-amd64 linux-headers-cloud-amd64
  # real services the integration tests talk to (gobgpd: BGP diversion; bird2: the border router of the BGP tests)
  influxdb snmpd snmp etcd-server gobgpd bird2
  # lab report
  gnuplot-nox jq curl util-linux
  # Debian packages (deploy/debian): build, DKMS, unit checks, installs into a booted container
  dpkg-dev dkms logrotate systemd systemd-container
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
  # The tests start their own bird in network namespaces: a bird.service enabled by this very install only gets in
  # the way (one that was there before is left alone).
  if [[ " ${missing[*]} " == *" bird2 "* ]] && command -v systemctl >/dev/null; then
    systemctl disable --now bird >/dev/null 2>&1 || true
  fi
fi
