package io.syncookied.debian;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A throwaway copy of this Debian machine: an overlay whose lower layer is the running system's root file system and
 * whose upper layer is a temporary directory, with /proc, /sys and /dev of the host and a fresh /run and /tmp.
 * Packages installed into it (apt, dpkg, DKMS, maintainer scripts run under chroot) change only the upper layer, so
 * a test installs into a full Debian system without touching the machine it runs on.
 */
final class OverlayRoot implements AutoCloseable {

	private final Path base;

	private final Path root;

	private OverlayRoot(Path base) {
		this.base = base;
		this.root = base.resolve("root");
	}

	/** Why an overlay cannot be made here, or null when it can (root, overlayfs). */
	static String unavailable() {
		if (!"root".equals(System.getProperty("user.name"))) {
			return "mounting an overlay of / needs root";
		}
		if (Command.run("grep", "-qw", "overlay", "/proc/filesystems").exit() != 0) {
			return "the kernel has no overlayfs (/proc/filesystems)";
		}
		return null;
	}

	static OverlayRoot mount() throws IOException {
		Path base = Files.createTempDirectory("syncookied-overlay");
		OverlayRoot o = new OverlayRoot(base);
		try {
			for (String d : List.of("upper", "work", "root")) {
				Files.createDirectories(base.resolve(d));
			}
			Command.run("mount", "-t", "overlay", "overlay", "-o",
					"lowerdir=/,upperdir=" + base.resolve("upper") + ",workdir=" + base.resolve("work"), o.root.toString())
				.ok();
			Command.run("mount", "-t", "proc", "proc", o.path("/proc").toString()).ok();
			Command.run("mount", "--rbind", "/sys", o.path("/sys").toString()).ok();
			Command.run("mount", "--rbind", "/dev", o.path("/dev").toString()).ok();
			Command.run("mount", "-t", "tmpfs", "tmpfs", o.path("/run").toString()).ok();
			Command.run("mount", "-t", "tmpfs", "tmpfs", o.path("/tmp").toString()).ok();
			return o;
		}
		catch (RuntimeException | Error e) {
			o.close();
			throw e;
		}
	}

	/** A path inside the copy, as the host sees it. */
	Path path(String absolute) {
		return this.root.resolve(absolute.substring(1));
	}

	Path root() {
		return this.root;
	}

	/** Runs a command inside the copy (chroot), with a clean, Debian-like environment. */
	Command chroot(String... argv) {
		List<String> cmd = new ArrayList<>(List.of("chroot", this.root.toString(), "env", "-i",
				"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8",
				"DEBIAN_FRONTEND=noninteractive"));
		cmd.addAll(List.of(argv));
		return Command.run(cmd);
	}

	@Override
	public void close() {
		Command unmount = Command.run("umount", "-R", this.root.toString());
		if (unmount.exit() != 0) {
			Command.run("umount", "-R", "-l", this.root.toString());
		}
		Command.run("rm", "-rf", this.base.toString());
	}

}
