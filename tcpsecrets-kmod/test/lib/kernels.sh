# kernels.sh: the kernel matrix (test/kernels.conf) resolved against the installed Debian packages, each
# kernel's facts (package version, config), and the kernel modules its guest must load itself.
# Sourced by run.sh, vm.sh and the self-test.

KERNELS_CONF=${KERNELS_CONF:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/kernels.conf}
MODULES_ROOT=${MODULES_ROOT:-/lib/modules}

# matrix_rows: the matrix lines without comments, one "role image headers ram require describe..." per line
matrix_rows() { grep -v '^[[:space:]]*\(#\|$\)' "$KERNELS_CONF"; }

# matrix_packages: every image and headers package of the matrix (deploy/install-deps.sh installs them)
matrix_packages() { matrix_rows | awk '{ print $2; print $3 }'; }

# release_of PACKAGE: the kernel release an installed image package provides ("" when not installed). A
# metapackage (linux-image-amd64, linux-image-rt-amd64, linux-image-6.12-amd64) stands for the image it depends on.
release_of() {
	local pkg=$1 dep
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || return 0
	dep=$(dpkg-query -W -f='${Depends}' "$pkg" | tr ',' '\n' | sed -n 's/^ *linux-image-\([0-9][^ ]*\).*/\1/p' | head -1)
	if [ -n "$dep" ]; then
		release_of "linux-image-$dep"
	elif [[ $pkg =~ ^linux-image-([0-9].*)$ ]]; then
		# the signed image has the plain name; "-unsigned" would be the same release
		echo "${BASH_REMATCH[1]%-unsigned}"
	fi
}

# package_version RELEASE: "linux-image-RELEASE <Debian version>", as installed
package_version() {
	local v
	v=$(dpkg-query -W -f='${Version}' "linux-image-$1" 2>/dev/null || dpkg-query -W -f='${Version}' "linux-image-$1-unsigned" 2>/dev/null)
	echo "linux-image-$1 ${v:-?}"
}

# kernel_ready RELEASE: 0 when the harness can build for and boot RELEASE; else prints what is missing
kernel_ready() {
	[ -r "/boot/vmlinuz-$1" ] || { echo "/boot/vmlinuz-$1 missing"; return 1; }
	[ -d "/lib/modules/$1/build" ] || { echo "/lib/modules/$1/build missing (headers not installed)"; return 1; }
	[ -r "/lib/modules/$1/modules.dep" ] || { echo "/lib/modules/$1/modules.dep missing"; return 1; }
}

# config_value RELEASE CONFIG_X: its value in /boot/config-RELEASE ("n" when not set)
config_value() {
	local v
	v=$(sed -n "s/^$2=//p" "/boot/config-$1" 2>/dev/null)
	echo "${v:-n}"
}

# default_release: the kernel the harness and the lab boot when nothing else is asked for, the matrix's first
# row (Debian's current kernel); falls back to the newest installed kernel that has headers
default_release() {
	local r k v
	r=$(release_of "$(matrix_rows | awk 'NR == 1 { print $2 }')")
	if [ -n "$r" ] && kernel_ready "$r" >/dev/null; then
		echo "$r"
		return
	fi
	for k in /boot/vmlinuz-*; do
		v=${k#/boot/vmlinuz-}
		kernel_ready "$v" >/dev/null && r=$v
	done
	echo "$r"
}

# guest_modules RELEASE MODULE...: the .ko files (paths under /lib/modules/RELEASE) that a guest must insmod,
# dependencies first, for the named modules to work. A module built into the kernel (modules.builtin, e.g.
# virtio_pci on 6.12) needs nothing; a module that is neither built in nor present is an error.
guest_modules() {
	local rel=$1 dir=$MODULES_ROOT/$1 m
	shift
	declare -A seen=()
	local -a order=()
	_gm_visit() { # path relative to $dir, e.g. kernel/drivers/net/virtio_net.ko.xz
		local p=$1 d
		[ -n "${seen[$p]:-}" ] && return 0
		seen[$p]=1
		for d in $(awk -v m="$p:" '$1 == m { for (i = 2; i <= NF; i++) print $i }' "$dir/modules.dep"); do
			_gm_visit "$d" || return 1
		done
		order+=("$p")
	}
	for m in "$@"; do
		if grep -Eq "/$m\.ko$" "$dir/modules.builtin" 2>/dev/null; then
			continue
		fi
		local path
		path=$(grep -Eo "^[^:]*/$m\.ko(\.[a-z]+)?:" "$dir/modules.dep" | head -1)
		[ -n "$path" ] || { echo "kernel module $m is neither built into $rel nor in its modules.dep" >&2; return 1; }
		_gm_visit "${path%:}" || return 1
	done
	printf '%s\n' "${order[@]}"
}
