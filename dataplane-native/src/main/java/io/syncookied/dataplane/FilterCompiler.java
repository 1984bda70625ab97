package io.syncookied.dataplane;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import com.sun.jna.Library;
import com.sun.jna.NativeLong;

import io.syncookied.dataplane.jna.NativeDataplane;

/**
 * Compiles pcap-filter expressions exactly as the dataplane does (libpcap, raw IP), through the native library in
 * this JVM, so that a hosts file with a filter the dataplane would refuse is refused when it is loaded, not when the
 * host is first protected.
 */
public final class FilterCompiler {

	private FilterCompiler() {
	}

	/** The native filter check ({@code dp_filter_check} of src/core/filter.c). */
	interface FilterLibrary extends Library {

		int dp_filter_check(String expression, byte[] err, NativeLong errlen);

	}

	/**
	 * Why the dataplane would refuse the expression (libpcap's message), or empty when it compiles.
	 *
	 * @throws IllegalStateException when the native library cannot be used here, naming why
	 */
	public static Optional<String> problem(String expression) {
		if (!NativeDataplane.isAvailable()) { // before the holder: a failed class init would poison every later call
			throw new IllegalStateException(
					"native dataplane unavailable: " + NativeDataplane.unavailabilityCause().orElse("unknown"));
		}
		byte[] err = new byte[256];
		int rc = Holder.LIB.dp_filter_check(expression, err, new NativeLong(err.length));
		if (rc == 0) {
			return Optional.empty();
		}
		int n = 0;
		while (n < err.length && err[n] != 0) {
			n++;
		}
		return Optional.of(new String(err, 0, n, StandardCharsets.UTF_8));
	}

	private static final class Holder {

		static final FilterLibrary LIB = NativeDataplane.load(FilterLibrary.class);

	}

}
