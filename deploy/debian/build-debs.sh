#!/usr/bin/env bash
# build-debs.sh OUT_DIR VERSION: the four Debian packages, from what `./mvnw package` left in the modules' target/
# directories (Maven runs this in deploy/debian's package phase):
#   syncookied-control-plane  the control plane jar and unit, syncookied-router, /etc/syncookied/{controlplane,
#                             hosts,routers}.yml, user syncookied, /var/lib/syncookied
#   syncookied-dataplane      syncookied-dp and its unit, /etc/syncookied/dataplane.conf, user syncookied-dp,
#                             /run/syncookied
#   syncookied-agent          the agent jar and unit, /etc/syncookied/agent.properties, user syncookied-agent
#   tcpsecrets-dkms           the module's source under /usr/src for DKMS
# Each package's control file, maintainer scripts and fixed files are in packages/<name>/ (files under root/ are
# installed as they lie there). Every file under /etc is a conffile: dpkg never overwrites an operator's edit.
# Ownership is root:root in the archives (dpkg-deb --root-owner-group, no fakeroot); the maintainer scripts give
# files to the system users.
set -euo pipefail

HERE=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${1:?usage: build-debs.sh OUT_DIR VERSION}
MVN_VERSION=${2:?usage: build-debs.sh OUT_DIR VERSION}
# 0.1.0-SNAPSHOT -> 0.1.0~SNAPSHOT: Debian sorts a ~ part before the release itself
VERSION=${MVN_VERSION//-/\~}
ARCH=$(dpkg --print-architecture)
MAINTAINER="Syncookied maintainers <maintainers@users.noreply.h-seed-7384a444.example>"
DKMS_VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$ROOT/tcpsecrets-kmod/dkms.conf")
STAGE=$OUT/stage

die() { echo "build-debs: $*" >&2; exit 1; }

# the one file matching a glob, or a clear error naming the module to build
one() {
	local matches=("$@")
	[ "${#matches[@]}" -eq 1 ] && [ -f "${matches[0]}" ] || die "expected one file, found: ${matches[*]} (run ./mvnw package)"
	echo "${matches[0]}"
}

CP_JAR=$(one "$ROOT"/control-plane/target/control-plane-"$MVN_VERSION".jar)
AGENT_JAR=$(one "$ROOT"/host-agent/target/host-agent-"$MVN_VERSION"-agent.jar)
ROUTER_JAR=$(one "$ROOT"/router-adapters/target/router-adapters-"$MVN_VERSION"-cli.jar)
DP_BIN=$(one "$ROOT"/dataplane-native/target/native/syncookied-dp)
DP_LIB=$(one "$ROOT"/dataplane-native/target/native/libsyncookied_dp.so)
[ -n "$DKMS_VERSION" ] || die "no PACKAGE_VERSION in tcpsecrets-kmod/dkms.conf"

# put SRC DEST MODE: one file into the staged tree
put() {
	install -D -m "$3" "$1" "$2"
}

# The Debian library dependencies of ELF files (dpkg-shlibdeps wants a debian/control; it only needs to exist).
shlibs() {
	local t
	t=$(mktemp -d)
	mkdir -p "$t/debian"
	printf 'Source: syncookied\n\nPackage: syncookied\nArchitecture: any\n' >"$t/debian/control"
	cp "$@" "$t/"
	(cd "$t" && dpkg-shlibdeps -O -e "${@##*/}" 2>/dev/null) | sed -n 's/^shlibs:Depends=//p'
	rm -rf "$t"
}

docs() { # docs PKG: the runbook and operations guide, and the copyright file every package needs
	local d=$STAGE/$1/usr/share/doc/$1
	put "$ROOT/docs/runbook.md" "$d/runbook.md" 0644
	put "$ROOT/docs/operations.md" "$d/operations.md" 0644
	put "$HERE/copyright" "$d/copyright" 0644
}

stage_control_plane() {
	local p=syncookied-control-plane r=$STAGE/syncookied-control-plane
	put "$CP_JAR" "$r/usr/share/syncookied/syncookied-controlplane.jar" 0644
	put "$ROOT/control-plane/bin/syncookied-controlplane" "$r/usr/bin/syncookied-controlplane" 0755
	put "$ROUTER_JAR" "$r/usr/share/syncookied/syncookied-router.jar" 0644
	put "$ROOT/router-adapters/bin/syncookied-router" "$r/usr/bin/syncookied-router" 0755
	put "$ROOT/deploy/systemd/syncookied-controlplane.service" "$r/lib/systemd/system/syncookied-controlplane.service" 0644
	put "$ROOT/deploy/config/controlplane.example.yml" "$r/etc/syncookied/controlplane.yml" 0644
	put "$ROOT/deploy/config/hosts.yml" "$r/etc/syncookied/hosts.yml" 0644
	put "$ROOT/deploy/router/routers.example.yml" "$r/etc/syncookied/routers.yml" 0644
	put "$ROOT/deploy/config/syncookied-controlplane.default" "$r/etc/default/syncookied-controlplane" 0600
	install -d -m 0750 "$r/etc/syncookied/keys"
	put "$ROOT/deploy/config/controlplane.example.hosts.yml" "$r/usr/share/doc/$p/examples/controlplane.example.hosts.yml" 0644
	put "$ROOT/deploy/config/controlplane.example.yml" "$r/usr/share/doc/$p/examples/controlplane.example.yml" 0644
	put "$ROOT/deploy/router/routers.example.yml" "$r/usr/share/doc/$p/examples/routers.example.yml" 0644
	docs "$p"
	# the control plane loads libsyncookied_dp.so from its jar (hosts-file filters are compiled by the engine)
	finish "$p" "$ARCH" "$(shlibs "$DP_LIB")"
}

stage_dataplane() {
	local p=syncookied-dataplane r=$STAGE/syncookied-dataplane
	put "$DP_BIN" "$r/usr/bin/syncookied-dp" 0755
	put "$ROOT/deploy/systemd/syncookied-dataplane.service" "$r/lib/systemd/system/syncookied-dataplane.service" 0644
	put "$ROOT/deploy/config/dataplane.conf" "$r/etc/syncookied/dataplane.conf" 0644
	docs "$p"
	finish "$p" "$ARCH" "$(shlibs "$DP_BIN")"
}

stage_agent() {
	local p=syncookied-agent r=$STAGE/syncookied-agent
	put "$AGENT_JAR" "$r/usr/share/syncookied/syncookied-agent.jar" 0644
	put "$ROOT/host-agent/bin/syncookied-agent" "$r/usr/bin/syncookied-agent" 0755
	put "$ROOT/deploy/systemd/syncookied-agent.service" "$r/lib/systemd/system/syncookied-agent.service" 0644
	put "$ROOT/deploy/config/agent.example.properties" "$r/etc/syncookied/agent.properties" 0644
	docs "$p"
	finish "$p" all ""
}

stage_dkms() {
	local p=tcpsecrets-dkms r=$STAGE/tcpsecrets-dkms src f
	src=$r/usr/src/tcpsecrets-$DKMS_VERSION
	for f in Kbuild Makefile dkms.conf; do
		put "$ROOT/tcpsecrets-kmod/$f" "$src/$f" 0644
	done
	for f in "$ROOT"/tcpsecrets-kmod/src/*.[ch]; do
		put "$f" "$src/src/${f##*/}" 0644
	done
	put "$ROOT/tcpsecrets-kmod/README.md" "$r/usr/share/doc/$p/README.md" 0644
	put "$HERE/copyright" "$r/usr/share/doc/$p/copyright" 0644
	finish "$p" all "" "$DKMS_VERSION"
}

# finish PKG ARCH SHLIBS [VERSION]: fixed files, DEBIAN/ (control, conffiles, scripts, md5sums), then the .deb
finish() {
	local p=$1 arch=$2 deps=$3 version=${4:-$VERSION} r=$STAGE/$1 src=$HERE/packages/$1 size f
	if [ -d "$src/root" ]; then
		cp -R --no-preserve=ownership "$src/root/." "$r/"
	fi
	mkdir -p "$r/DEBIAN"
	size=$(du -sk --exclude=DEBIAN "$r" | cut -f1)
	sed -e "s/@VERSION@/$version/g" -e "s/@ARCH@/$arch/" -e "s/@MAINTAINER@/$MAINTAINER/" \
		-e "s/@INSTALLED_SIZE@/$size/" -e "s/@SHLIBS@/$deps/" -e '/^Depends:/s/, *$//' "$src/control" >"$r/DEBIAN/control"
	if grep -q '@[A-Z_]*@' "$r/DEBIAN/control"; then
		die "$p: a placeholder is left in DEBIAN/control"
	fi
	(cd "$r" && find etc -type f 2>/dev/null | sort | sed 's|^|/|') >"$r/DEBIAN/conffiles"
	[ -s "$r/DEBIAN/conffiles" ] || rm "$r/DEBIAN/conffiles"
	for f in preinst postinst prerm postrm; do
		if [ -f "$src/$f" ]; then
			sed "s/@DKMS_VERSION@/$DKMS_VERSION/g" "$src/$f" >"$r/DEBIAN/$f"
			chmod 0755 "$r/DEBIAN/$f"
		fi
	done
	(cd "$r" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) >"$r/DEBIAN/md5sums"
	# jars are zip files already: gzip -1 keeps the build fast and costs nothing
	dpkg-deb --root-owner-group -Zgzip -z1 --build "$r" "$OUT/${p}_${version}_${arch}.deb" >/dev/null
	echo "build-debs: $OUT/${p}_${version}_${arch}.deb"
}

rm -rf "$STAGE" "$OUT"/*.deb
mkdir -p "$STAGE"
stage_control_plane
stage_dataplane
stage_agent
stage_dkms
rm -rf "$STAGE"
