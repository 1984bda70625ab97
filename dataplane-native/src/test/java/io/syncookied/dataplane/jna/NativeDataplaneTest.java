package io.syncookied.dataplane.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
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
	void otherBindingsReuseTheLoader() {
		Missing m = NativeDataplane.load(Missing.class);
		// JNA resolves lazily: a missing symbol fails at the call, naming it
		UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, m::dp_no_such_function_anywhere);
		assertTrue(e.getMessage().contains("dp_no_such_function_anywhere"), e.getMessage());
		assertEquals(NativeDataplane.cookies().dp_ts_tsval(3838, 0, 14, 1, 1), 3838);
	}
}
