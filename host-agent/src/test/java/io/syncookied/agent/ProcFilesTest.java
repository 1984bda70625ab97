package io.syncookied.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ProcFilesTest {

	/**
	 * The kernel's sysctl files end at the first read: {@code Files.readAllBytes} reads them one byte at a time and
	 * sees "4" of "4096 131072 6291456". The real file proves the read takes all of it.
	 */
	@Test
	void readsAWholeSysctlFileOfTheRunningKernel() throws IOException {
		Path rmem = Path.of("/proc/sys/net/ipv4/tcp_rmem");
		assumeTrue(Files.isReadable(rmem), "no /proc/sys/net/ipv4/tcp_rmem on this machine (not Linux?)");
		assertThat(ProcFiles.read(rmem).trim().split("\\s+")).hasSize(3).allMatch(v -> v.matches("\\d+"));
		assertThat(ProcFiles.read(Path.of("/proc/sys/net/core/somaxconn")).trim()).matches("\\d{2,}");
	}

	@Test
	void readsFilesLargerThanTheFirstBuffer(@TempDir Path dir) throws IOException {
		Path big = dir.resolve("route");
		String line = "eth0\t00000000\t0102000A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n";
		Files.writeString(big, line.repeat(5000));
		assertThat(ProcFiles.read(big)).isEqualTo(line.repeat(5000));
		assertThat(ProcFiles.readBytes(dir.resolve("route"))).hasSize(line.length() * 5000);
	}

}
