package io.syncookied.debian;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What the four .deb files hold, read with dpkg-deb: no root and nothing installed. */
class PackageContentsIT {

	private static final String JRE = "openjdk-17-jre-headless | java17-runtime-headless";

	@Test
	void theFourPackagesCarryTheProjectVersionAndTheirArchitecture() {
		String arch = Command.run("dpkg", "--print-architecture").ok().out().strip();
		String dkmsVersion = dkmsConfVersion();
		for (Deb d : Deb.all()) {
			assertThat(d.field("Package")).isEqualTo(d.name());
			assertThat(d.file().getFileName().toString())
				.isEqualTo(d.name() + "_" + d.field("Version") + "_" + d.field("Architecture") + ".deb");
		}
		assertThat(Deb.named("syncookied-control-plane").field("Version")).matches("\\d+\\.\\d+\\.\\d+(~\\w+)?");
		assertThat(Deb.named("tcpsecrets-dkms").field("Version")).isEqualTo(dkmsVersion);
		// native code inside: syncookied-dp, and libsyncookied_dp.so in the control plane's jar
		assertThat(Deb.named("syncookied-control-plane").field("Architecture")).isEqualTo(arch);
		assertThat(Deb.named("syncookied-dataplane").field("Architecture")).isEqualTo(arch);
		assertThat(Deb.named("syncookied-agent").field("Architecture")).isEqualTo("all");
		assertThat(Deb.named("tcpsecrets-dkms").field("Architecture")).isEqualTo("all");
	}

	@Test
	void javaPackagesDependOnAJava17RuntimeAndNativeOnesOnTheirLibraries() {
		assertThat(Deb.named("syncookied-control-plane").field("Depends")).contains(JRE).contains("libyaml-0-2");
		assertThat(Deb.named("syncookied-agent").field("Depends")).contains(JRE);
		assertThat(Deb.named("syncookied-dataplane").field("Depends")).contains("libc6", "libpcap0.8", "libyaml-0-2")
			.doesNotContain("openjdk");
		assertThat(Deb.named("tcpsecrets-dkms").field("Depends")).startsWith("dkms");
	}

	@Test
	void everyUnitsExecStartProgramIsInAPackage() {
		Set<String> installed = new HashSet<>();
		List<Unit> units = new ArrayList<>();
		for (Deb d : Deb.all()) {
			installed.addAll(d.files());
			for (String f : d.files()) {
				if (f.startsWith("/lib/systemd/system/") && f.endsWith(".service")) {
					units.add(Unit.parse(f, d.read(f)));
				}
			}
		}
		assertThat(units).extracting(Unit::name)
			.containsExactlyInAnyOrder("/lib/systemd/system/syncookied-controlplane.service",
					"/lib/systemd/system/syncookied-dataplane.service", "/lib/systemd/system/syncookied-agent.service");
		for (Unit u : units) {
			assertThat(installed).as(u.name() + " ExecStart").contains(Unit.program(u.one("ExecStart")));
		}
	}

	@Test
	void everyFileUnderEtcIsAConffileAndNothingElse() {
		for (Deb d : Deb.all()) {
			List<String> etc = d.files().stream().filter(f -> f.startsWith("/etc/")).sorted().toList();
			List<String> conffiles = d.control("conffiles").map(c -> c.lines().sorted().toList()).orElse(List.of());
			assertThat(conffiles).as(d.name() + " conffiles").isEqualTo(etc);
		}
		assertThat(Deb.named("syncookied-control-plane").control("conffiles").orElseThrow())
			.contains("/etc/syncookied/controlplane.yml", "/etc/syncookied/hosts.yml", "/etc/syncookied/routers.yml",
					"/etc/default/syncookied-controlplane");
		assertThat(Deb.named("syncookied-dataplane").control("conffiles").orElseThrow())
			.contains("/etc/syncookied/dataplane.conf");
		assertThat(Deb.named("syncookied-agent").control("conffiles").orElseThrow())
			.contains("/etc/syncookied/agent.properties");
	}

	@Test
	void maintainerScriptsAreValidPosixShellWithNothingLeftToFillIn() {
		int scripts = 0;
		for (Deb d : Deb.all()) {
			for (String s : List.of("preinst", "postinst", "prerm", "postrm")) {
				String text = d.control(s).orElse(null);
				if (text == null) {
					continue;
				}
				scripts++;
				assertThat(text).as(d.name() + " " + s).startsWith("#!/bin/sh\n").contains("\nset -e\n")
					.doesNotContainPattern("@[A-Z_]+@");
				// dash is /bin/sh on Debian: -n parses the whole script without running it
				Command check = Command.run("dash", "-n", "-c", text);
				assertThat(check.exit()).as(d.name() + " " + s + ": " + check.err()).isZero();
			}
		}
		assertThat(scripts).isEqualTo(11);
	}

	@Test
	void secretsAndTheirDirectoriesAreClosedInThePackages() {
		Map<String, String> cp = Deb.named("syncookied-control-plane").contents();
		assertThat(cp.get("./etc/default/syncookied-controlplane")).startsWith("-rw------- root/root");
		assertThat(cp.get("./etc/syncookied/keys")).startsWith("drwxr-x--- root/root");
	}

	@Test
	void theDkmsPackageHoldsTheModuleSourceThatTheReadmeInstalls() throws Exception {
		Deb dkms = Deb.named("tcpsecrets-dkms");
		String v = dkmsConfVersion();
		String src = "/usr/src/tcpsecrets-" + v + "/";
		List<String> sources;
		try (var s = Files.list(Deb.sourceRoot().resolve("tcpsecrets-kmod/src"))) {
			sources = s.map(p -> src + "src/" + p.getFileName()).toList();
		}
		assertThat(dkms.files()).contains(src + "dkms.conf", src + "Kbuild", src + "Makefile").containsAll(sources);
		assertThat(dkms.read(src + "dkms.conf"))
			.isEqualTo(Files.readString(Deb.sourceRoot().resolve("tcpsecrets-kmod/dkms.conf")));
		// the module README and the runbook install this package, and name the DKMS module as it is
		for (String doc : List.of("tcpsecrets-kmod/README.md", "docs/runbook.md")) {
			String text = Files.readString(Deb.sourceRoot().resolve(doc));
			assertThat(text).as(doc).contains("tcpsecrets-dkms_*.deb");
			Matcher m = Pattern.compile("tcpsecrets[/-](\\d+\\.\\d+\\.\\d+)").matcher(text);
			while (m.find()) {
				assertThat(m.group(1)).as(doc + ": " + m.group()).isEqualTo(v);
			}
		}
	}

	@Test
	void logrotateAcceptsTheShippedEntries() throws Exception {
		assumeTrue(Command.exists("logrotate"), "logrotate is not installed (deploy/install-deps.sh installs it)");
		Deb dp = Deb.named("syncookied-dataplane");
		List<String> entries = dp.files().stream().filter(f -> f.startsWith("/etc/logrotate.d/")).toList();
		assertThat(entries).isNotEmpty();
		for (String e : entries) {
			Path conf = Files.createTempFile("logrotate", ".conf");
			Files.writeString(conf, dp.read(e));
			Command debug = Command.run("logrotate", "--debug", "--state", "/dev/null", conf.toString());
			Files.delete(conf);
			assertThat(debug.exit()).as(e + ": " + debug.all()).isZero();
			assertThat(debug.all()).as(e).doesNotContain("error");
		}
	}

	static String dkmsConfVersion() {
		try {
			Matcher m = Pattern.compile("(?m)^PACKAGE_VERSION=\"([^\"]+)\"$")
				.matcher(Files.readString(Deb.sourceRoot().resolve("tcpsecrets-kmod/dkms.conf")));
			assertThat(m.find()).isTrue();
			return m.group(1);
		}
		catch (java.io.IOException e) {
			throw new java.io.UncheckedIOException(e);
		}
	}

}
