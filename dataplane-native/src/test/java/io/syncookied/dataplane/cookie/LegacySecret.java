package io.syncookied.dataplane.cookie;

import java.util.Arrays;

/**
 * A kernel's (up to 4.10) SHA-1 syncookie secret: two slots of 17 u32 words each, in the kernel's memory order.
 * IPv6 uses the first 11 words of each slot.
 */
public final class LegacySecret {

	public static final int WORDS = 17;

	private final int[] slot0;
	private final int[] slot1;

	public LegacySecret(int[] slot0, int[] slot1) {
		this.slot0 = checked("slot0", slot0);
		this.slot1 = checked("slot1", slot1);
	}

	private static int[] checked(String name, int[] words) {
		if (words == null || words.length != WORDS) {
			throw new IllegalArgumentException(name + ": expected " + WORDS + " u32 words, got "
					+ (words == null ? "null" : words.length));
		}
		return words.clone();
	}

	int[] slot0() {
		return slot0.clone();
	}

	int[] slot1() {
		return slot1.clone();
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof LegacySecret l && Arrays.equals(slot0, l.slot0) && Arrays.equals(slot1, l.slot1);
	}

	@Override
	public int hashCode() {
		return 31 * Arrays.hashCode(slot0) + Arrays.hashCode(slot1);
	}

	@Override
	public String toString() {
		return "LegacySecret[redacted]";
	}
}
