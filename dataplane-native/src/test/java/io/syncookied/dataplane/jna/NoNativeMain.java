package io.syncookied.dataplane.jna;

import io.syncookied.dataplane.FilterCompiler;

/** Run in a child JVM by {@link NativeDataplaneTest}: prints what a caller sees with the native library off. */
public final class NoNativeMain {

	private NoNativeMain() {
	}

	public static void main(String[] args) {
		System.out.println("available=" + NativeDataplane.isAvailable());
		System.out.println("cause=" + NativeDataplane.unavailabilityCause().orElse(""));
		for (int i = 0; i < 2; i++) { // the second call must fail the same way (no poisoned class)
			try {
				FilterCompiler.problem("tcp");
				System.out.println("call=ok");
			} catch (IllegalStateException e) {
				System.out.println("call=" + e.getClass().getSimpleName() + ": " + e.getMessage());
			}
		}
	}
}
