package io.syncookied.router.api;

import java.util.HexFormat;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/** A 48-bit MAC address, printed lower-case with colons (the form {@code ip neigh} and Junos use). */
public record MacAddress(long value) {

	public MacAddress {
		if ((value & ~0xffff_ffff_ffffL) != 0) {
			throw new IllegalArgumentException("MAC address is 48 bits");
		}
	}

	/** Accepts {@code 02:00:00:00:02:03}, {@code 02-00-...} and {@code 0200.0000.0203}. */
	public static MacAddress parse(String field, String text) {
		String hex = text.trim().toLowerCase(Locale.ROOT).replace(":", "").replace("-", "").replace(".", "");
		if (hex.length() != 12 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
			throw new IllegalArgumentException(field + ": '" + text + "' is not a MAC address (aa:bb:cc:dd:ee:ff)");
		}
		return new MacAddress(Long.parseLong(hex, 16));
	}

	public static MacAddress fromBytes(String field, byte[] b) {
		if (b.length != 6) {
			throw new IllegalArgumentException(field + ": a MAC address has 6 bytes, got " + b.length);
		}
		long v = 0;
		for (byte x : b) {
			v = v << 8 | (x & 0xff);
		}
		return new MacAddress(v);
	}

	/** The firewall MAC a divert onto {@code target} needs, or the error that says it is missing. */
	public static MacAddress required(@Nullable MacAddress mac, RouterTarget target) {
		if (mac == null) {
			throw new IllegalArgumentException(target.name() + ": " + target.adapter()
					+ " targets divert to the firewall's MAC, and none was given");
		}
		return mac;
	}

	public byte[] toBytes() {
		byte[] b = new byte[6];
		for (int i = 0; i < 6; i++) {
			b[i] = (byte) (this.value >>> (40 - 8 * i));
		}
		return b;
	}

	@Override
	public String toString() {
		return HexFormat.ofDelimiter(":").formatHex(toBytes());
	}

}
