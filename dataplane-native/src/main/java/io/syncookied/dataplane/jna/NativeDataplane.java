package io.syncookied.dataplane.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Loads {@code libsyncookied_dp.so} once and hands out JNA bindings to it.
 *
 * <p>The library ships inside the dataplane-native jar under {@code linux-x86-64/} (JNA extracts it), or is found
 * on {@code jna.library.path}. Loading never throws at class initialisation: callers ask {@link #isAvailable()} and
 * get a readable {@link #unavailabilityCause()} when it is not. {@code -Dsyncookied.dataplane.noNative=true}
 * switches the native library off on purpose (then nothing is loaded at all).
 *
 * <p>The control plane binds the filter compiler ({@link io.syncookied.dataplane.FilterCompiler}); tests bind the
 * cookie functions and the engine's control API the same way: {@code MyLibrary lib = NativeDataplane.load(MyLibrary.class);}
 */
public final class NativeDataplane {

	/** The library name JNA resolves to {@code libsyncookied_dp.so}. */
	public static final String LIBRARY_NAME = "syncookied_dp";

	/** System property that disables the native library ({@code true}). */
	public static final String NO_NATIVE_PROPERTY = "syncookied.dataplane.noNative";

	private NativeDataplane() {
	}

	/** True when the native library is loaded and usable in this JVM. */
	public static boolean isAvailable() {
		return Holder.STATE.library != null;
	}

	/** Why the library is not available, or empty when it is. */
	public static Optional<String> unavailabilityCause() {
		return Optional.ofNullable(Holder.STATE.cause);
	}

	private static void requireAvailable() {
		State state = Holder.STATE;
		if (state.library == null) {
			throw new IllegalStateException("native dataplane unavailable: " + state.cause);
		}
	}

	/**
	 * Binds {@code iface} to the (already loaded) library.
	 *
	 * @throws IllegalStateException naming the cause when the library is not available
	 */
	public static <T extends Library> T load(Class<T> iface) {
		Objects.requireNonNull(iface, "iface");
		requireAvailable();
		return Native.load(LIBRARY_NAME, iface);
	}

	/** Outcome of one load attempt: exactly one of {@code library} and {@code cause} is set. */
	record State(NativeLibrary library, String cause) {
	}

	/** Decides and performs the load; package-private so tests can drive it with any property values. */
	static State probe(String noNative, String osName, String arch) {
		if (Boolean.parseBoolean(noNative)) {
			return new State(null, "disabled by -D" + NO_NATIVE_PROPERTY + "=" + noNative);
		}
		if (osName == null || !osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
			return new State(null, "the native dataplane runs on Linux only (os.name=" + osName + ")");
		}
		try {
			NativeLibrary lib = NativeLibrary.getInstance(LIBRARY_NAME);
			lib.getFunction("dp_filter_check"); // fails here, not later, if it is a foreign/stale library
			return new State(lib, null);
		} catch (Throwable e) { // UnsatisfiedLinkError, NoClassDefFoundError of JNA itself, ...
			return new State(null, "cannot load lib" + LIBRARY_NAME + ".so for " + Platform.RESOURCE_PREFIX
					+ " (os.arch=" + arch + ", looked in the classpath resource " + Platform.RESOURCE_PREFIX
					+ "/ and jna.library.path=" + System.getProperty("jna.library.path") + "): " + e);
		}
	}

	private static final class Holder {
		static final State STATE = safeProbe();

		private static State safeProbe() {
			try {
				return probe(System.getProperty(NO_NATIVE_PROPERTY), System.getProperty("os.name"),
						System.getProperty("os.arch"));
			} catch (Throwable e) {
				return new State(null, "native dataplane loader failed: " + e);
			}
		}
	}
}
