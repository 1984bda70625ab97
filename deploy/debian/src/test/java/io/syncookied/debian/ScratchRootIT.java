package io.syncookied.debian;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The packages installed with {@code dpkg --root} into an empty scratch root, their maintainer scripts run outside it
 * with DPKG_ROOT set ({@code --force-script-chrootless}): users, directories, ownership and modes land in the scratch
 * root and nowhere else; an operator's edit of a conffile survives a reinstall; purge leaves nothing of ours. The
 * scratch root has no base system, so dependencies are not checked here (InstalledSystemIT installs into a full one).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScratchRootIT {

	private static Path root;

	@BeforeAll
	static void install() throws IOException {
		assumeTrue("root".equals(System.getProperty("user.name")),
				"dpkg --root needs root (chown to the packages' users); run as root");
		root = Files.createTempDirectory("syncookied-scratch-root");
		Files.createDirectories(root.resolve("var/lib/dpkg/updates"));
		Files.createDirectories(root.resolve("var/lib/dpkg/info"));
		Files.createFile(root.resolve("var/lib/dpkg/status"));
		List<String> cmd = new ArrayList<>(dpkg("--force-depends", "--install"));
		Deb.all().forEach(d -> cmd.add(d.file().toString()));
		Command.run(cmd).ok();
	}

	@AfterAll
	static void remove() {
		if (root != null) {
			Command.run("rm", "-rf", root.toString());
		}
	}

	static List<String> dpkg(String... args) {
		List<String> cmd = new ArrayList<>(List.of("dpkg", "--root=" + root, "--force-script-chrootless",
				"--force-not-root", "--no-triggers"));
		cmd.addAll(List.of(args));
		return cmd;
	}

	@Test
	@Order(1)
	void everyPackageIsInstalledAndConfigured() {
		for (Deb d : Deb.all()) {
			assertThat(Command.run(dpkg("--status", d.name())).ok().out()).contains("Status: install ok installed");
		}
	}

	@Test
	@Order(2)
	void theSystemUsersExistInTheScratchRoot() throws IOException {
		Map<String, String[]> users = passwd();
		String[] cp = users.get("syncookied");
		String[] dp = users.get("syncookied-dp");
		String[] agent = users.get("syncookied-agent");
		assertThat(cp).as("user syncookied").isNotNull();
		assertThat(dp).as("user syncookied-dp").isNotNull();
		assertThat(agent).as("user syncookied-agent").isNotNull();
		// the dataplane's primary group is the control plane's: the control socket is shared through it
		assertThat(dp[3]).isEqualTo(cp[3]).isEqualTo(gid("syncookied"));
		assertThat(agent[3]).isNotEqualTo(cp[3]);
		for (String[] u : List.of(cp, dp, agent)) {
			assertThat(Integer.parseInt(u[2])).as(u[0] + " is a system user").isLessThan(1000).isPositive();
			assertThat(u[6]).as(u[0] + " has no login shell").endsWith("nologin");
		}
	}

	@Test
	@Order(3)
	void configStateAndSocketDirectoriesBelongToTheirUsers() throws IOException {
		String syncookied = gid("syncookied");
		for (String f : List.of("etc/syncookied/controlplane.yml", "etc/syncookied/hosts.yml",
				"etc/syncookied/routers.yml")) {
			assertOwned(f, "0", syncookied, "rw-r-----");
		}
		assertOwned("etc/syncookied/keys", "0", syncookied, "rwxr-x---");
		assertOwned("etc/default/syncookied-controlplane", "0", "0", "rw-------");
		assertOwned("etc/syncookied/agent.properties", "0", "0", "rw-r--r--");
		assertOwned("var/lib/syncookied", passwd().get("syncookied")[2], syncookied, "rwxr-x---");
		assertOwned("run/syncookied", "0", syncookied, "rwxrwx---");
		assertThat(root.resolve("usr/bin/syncookied-dp")).isExecutable();
		assertThat(root.resolve("usr/src/tcpsecrets-" + PackageContentsIT.dkmsConfVersion() + "/dkms.conf")).exists();
	}

	@Test
	@Order(4)
	void anOperatorsEditOfAConffileSurvivesAReinstall() throws IOException {
		Path props = root.resolve("etc/syncookied/agent.properties");
		String edited = Files.readString(props).replace("interval=1s", "interval=250ms");
		assertThat(edited).contains("interval=250ms");
		Files.writeString(props, edited);
		Command.run(dpkg("--force-depends", "--install", Deb.named("syncookied-agent").file().toString())).ok();
		assertThat(Files.readString(props)).isEqualTo(edited);
	}

	@Test
	@Order(5)
	void purgeLeavesNothingOfOurs() throws IOException {
		List<String> cmd = new ArrayList<>(dpkg("--force-depends", "--purge"));
		cmd.addAll(Deb.NAMES);
		Command.run(cmd).ok();
		assertThat(root.resolve("etc/syncookied")).doesNotExist();
		assertThat(root.resolve("etc/default/syncookied-controlplane")).doesNotExist();
		assertThat(root.resolve("var/lib/syncookied")).doesNotExist();
		assertThat(root.resolve("usr/bin/syncookied-dp")).doesNotExist();
		assertThat(root.resolve("usr/share/syncookied")).doesNotExist();
		assertThat(root.resolve("lib/systemd/system/syncookied-controlplane.service")).doesNotExist();
		Path overrides = root.resolve("var/lib/dpkg/statoverride");
		assertThat(Files.exists(overrides) ? Files.readString(overrides) : "").doesNotContain("/etc/syncookied");
	}

	private static void assertOwned(String path, String uid, String gid, String mode) throws IOException {
		Path p = root.resolve(path);
		PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class);
		assertThat(PosixFilePermissions.toString(a.permissions())).as(path + " mode").isEqualTo(mode);
		assertThat(String.valueOf(Files.getAttribute(p, "unix:uid"))).as(path + " uid").isEqualTo(uid);
		assertThat(String.valueOf(Files.getAttribute(p, "unix:gid"))).as(path + " gid").isEqualTo(gid);
	}

	/** name -> the passwd fields of the scratch root's users. */
	private static Map<String, String[]> passwd() throws IOException {
		Map<String, String[]> users = new java.util.HashMap<>();
		for (String line : Files.readAllLines(root.resolve("etc/passwd"))) {
			String[] f = line.split(":", -1);
			users.put(f[0], f);
		}
		return users;
	}

	private static String gid(String group) throws IOException {
		for (String line : Files.readAllLines(root.resolve("etc/group"))) {
			String[] f = line.split(":", -1);
			if (f[0].equals(group)) {
				return f[2];
			}
		}
		throw new AssertionError("no group " + group + " in " + root + "/etc/group");
	}

}
