package io.syncookied.dataplane.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NativeDataplaneTest {

	interface Missing extends Library {
		int dp_no_such_function_anywhere();
	}

	@Test
	void libraryBuiltByThisModuleLoads() {
		assertTrue(NativeDataplane.isAvailable(),
				() -> "native library must load in this build: " + NativeDataplane.unavailabilityCause().orElse("?"));
		assertTrue(NativeDataplane.unavailabilityCause().isEmpty());
	}

	@Test
	void noNativePropertyDisablesLoadingWithAClearCause() {
		NativeDataplane.State s = NativeDataplane.probe("true", "Linux", "amd64");
		assertNull(s.library());
		assertTrue(s.cause().contains(NativeDataplane.NO_NATIVE_PROPERTY), s.cause());
	}

	@Test
	void nonLinuxIsRefusedWithAClearCause() {
		NativeDataplane.State s = NativeDataplane.probe(null, "Mac OS X", "aarch64");
		assertNull(s.library());
		assertTrue(s.cause().contains("Linux only") && s.cause().contains("Mac OS X"), s.cause());
	}

	@Test
	void probeOnLinuxFindsTheLibrary() {
		NativeDataplane.State s = NativeDataplane.probe("false", "Linux", "amd64");
		assertNotNull(s.library(), s.cause());
	}

	@Test
	void disabledLibraryNeverThrowsAtClassInitAndCallsFailWithTheCause() throws IOException, InterruptedException {
		Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-D" + NativeDataplane.NO_NATIVE_PROPERTY + "=true", "-cp", System.getProperty("java.class.path"),
				NoNativeMain.class.getName()).redirectErrorStream(true).start();
		assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertEquals(0, p.exitValue(), out);
		assertTrue(out.contains("available=false"), out);
		assertTrue(out.contains("cause=disabled by -D" + NativeDataplane.NO_NATIVE_PROPERTY + "=true"), out);
		String failure = "call=IllegalStateException: native dataplane unavailable: disabled by -D";
		assertEquals(2, out.lines().filter(l -> l.startsWith(failure)).count(), out);
	}

	@Test
	void otherBindingsReuseTheLoader() {
		Missing m = NativeDataplane.load(Missing.class);
		// JNA resolves lazily: a missing symbol fails at the call, naming it
		UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, m::dp_no_such_function_anywhere);
		assertTrue(e.getMessage().contains("dp_no_such_function_anywhere"), e.getMessage());
		assertEquals(NativeDataplane.load(CookieLibrary.class).dp_ts_tsval(3838, 0, 14, 1, 1), 3838);
	}
}
