package io.syncookied.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.syncookied.telemetry.AeadAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigLoaderTest {

	@TempDir
	Path dir;

	@Test
	void flagsOverrideTheConfigFile() throws Exception {
		Path file = this.dir.resolve("agent.properties");
		Files.writeString(file, """
				control-plane = 192.0.2.1:1488
				key-id = 7
				key-file = /etc/syncookied/agent.key
				interval = 1s
				set-syncookies = true
				interfaces = eth0, eth1
				""");
		AgentConfig c = AgentConfigLoader.load("--config", file.toString(), "--interval", "100ms", "--proc-root=/tmp/p");
		assertThat(c.controlPlanes()).containsExactly(new AgentConfig.HostPort("192.0.2.1", 1488));
		assertThat(c.keyId()).isEqualTo(7);
		assertThat(c.interval()).isEqualTo(Duration.ofMillis(100));
		assertThat(c.procRoot()).isEqualTo(Path.of("/tmp/p"));
		assertThat(c.setSyncookies()).isTrue();
		assertThat(c.interfaces()).containsExactly("eth0", "eth1");
		assertThat(c.algorithm()).isEqualTo(AeadAlgorithm.CHACHA20_POLY1305);
	}

	@Test
	void everyNodeOfAClusterIsADestination() throws Exception {
		AgentConfig c = AgentConfigLoader.load("--control-plane", "10.0.0.1:1488, [2001:db8::2]:1488,fw-3.example:1489",
				"--key-id", "7", "--key-file", "k");
		assertThat(c.controlPlanes()).containsExactly(new AgentConfig.HostPort("10.0.0.1", 1488),
				new AgentConfig.HostPort("2001:db8::2", 1488), new AgentConfig.HostPort("fw-3.example", 1489));
	}

	@Test
	void aBadDestinationListIsNamed() {
		assertThatThrownBy(() -> AgentConfigLoader.load("--control-plane", "10.0.0.1:1488,,10.0.0.2:1488", "--key-id",
				"7", "--key-file", "k"))
			.hasMessageStartingWith("control-plane: empty entry");
		assertThatThrownBy(() -> AgentConfigLoader.load("--control-plane", "10.0.0.1:1488,10.0.0.1:1488", "--key-id",
				"7", "--key-file", "k"))
			.hasMessageStartingWith("control-plane: a destination is listed twice");
		assertThatThrownBy(() -> AgentConfigLoader.load("--control-plane", "10.0.0.1:1488,10.0.0.2:0", "--key-id", "7",
				"--key-file", "k"))
			.hasMessage("control-plane: port 0 is not a destination");
	}

	@Test
	void defaultsAndIpv6() throws Exception {
		AgentConfig c = AgentConfigLoader.load("--control-plane", "[2001:db8::1]:1488", "--key-id", "4294967295",
				"--key-file", "k");
		assertThat(c.controlPlanes().get(0).host()).isEqualTo("2001:db8::1");
		assertThat(c.procRoot()).isEqualTo(Path.of("/proc"));
		assertThat(c.interval()).isEqualTo(Duration.ofSeconds(1));
		assertThat(c.keyId()).isEqualTo(0xffffffffL);
		assertThat(c.setSyncookies()).isFalse();
	}

	@Test
	void rejectsBadInputNamingTheField() throws Exception {
		String[] base = { "--control-plane", "h:1", "--key-id", "1", "--key-file", "k" };
		assertThatThrownBy(() -> AgentConfigLoader.load(concat(base, "--interval", "50ms")))
			.hasMessageContaining("interval: 50 ms is outside 100ms..10m");
		assertThatThrownBy(() -> AgentConfigLoader.load(concat(base, "--interval", "soon")))
			.hasMessageContaining("interval: expected a duration");
		assertThatThrownBy(() -> AgentConfigLoader.load(concat(base, "--bogus", "1"))).hasMessageContaining("--bogus");
		assertThatThrownBy(() -> AgentConfigLoader.load("--key-id", "1", "--key-file", "k"))
			.hasMessageContaining("control-plane: required");
		assertThatThrownBy(() -> AgentConfigLoader.load("--control-plane", "2001:db8::1:1488", "--key-id", "1",
				"--key-file", "k")).hasMessageContaining("[addr]:port");
		assertThatThrownBy(() -> AgentConfigLoader.load("--control-plane", "h:1", "--key-id", "-1", "--key-file", "k"))
			.hasMessageContaining("key-id: expected 0..4294967295");
		Path file = this.dir.resolve("bad.properties");
		Files.writeString(file, "contol-plane=h:1\n");
		assertThatThrownBy(() -> AgentConfigLoader.load("--config", file.toString()))
			.hasMessageContaining("unknown key 'contol-plane'");
	}

	private static String[] concat(String[] a, String... b) {
		String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, out, a.length, b.length);
		return out;
	}

}
