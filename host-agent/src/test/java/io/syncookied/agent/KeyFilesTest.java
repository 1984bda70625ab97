package io.syncookied.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.syncookied.telemetry.KeyFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {

	@TempDir
	Path dir;

	private Path file(String name, byte[] content, String mode) throws Exception {
		Path f = this.dir.resolve(name);
		Files.write(f, content);
		Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
		return f;
	}

	@Test
	void loadsRawAndHexKeysFromOwnerOnlyFiles() throws Exception {
		byte[] raw = new byte[32];
		raw[0] = 1;
		raw[31] = (byte) 0xff;
		assertThat(KeyFiles.load(file("raw.key", raw, "r--------"))).isEqualTo(raw);
		String hex = java.util.HexFormat.of().formatHex(raw) + "\n";
		assertThat(KeyFiles.load(file("hex.key", hex.getBytes(), "rw-------"))).isEqualTo(raw);
	}

	@Test
	void refusesGroupOrWorldAccessibleKeyFiles() throws Exception {
		Path f = file("open.key", new byte[32], "rw-r--r--");
		assertThatThrownBy(() -> KeyFiles.load(f)).hasMessageContaining("lets group or others access it")
			.hasMessageContaining("chmod 0400");
		Path g = file("group.key", new byte[32], "rw-r-----");
		assertThatThrownBy(() -> KeyFiles.load(g)).hasMessageContaining("group or others");
	}

	@Test
	void refusesKeysOfTheWrongSizeAndMissingFiles() throws Exception {
		Path f = file("short.key", "abcd\n".getBytes(), "r--------");
		assertThatThrownBy(() -> KeyFiles.load(f)).hasMessageContaining("expected 32 raw bytes or 64 hex digits");
		assertThatThrownBy(() -> KeyFiles.load(this.dir.resolve("nope"))).hasMessageContaining("not a regular file");
	}

}
