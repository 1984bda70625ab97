package io.syncookied.telemetry;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The first 8 bytes (big-endian u64) of SHA-256 over the SECRETS element's value as encoded on the wire. Sent in
 * every report so a receiver that missed the datagram carrying new secrets notices and asks for a resend. It
 * reveals nothing usable about 256 bits of random key.
 */
public final class SecretsDigest {

	private SecretsDigest() {
	}

	public static long of(TcpSecrets secrets) {
		ByteBuffer buf = ByteBuffer.allocate(ReportCodec.secretsLength(secrets));
		ReportCodec.writeSecrets(buf, secrets);
		return ofEncoded(buf.array(), 0, buf.position());
	}

	static long ofEncoded(byte[] value, int offset, int length) {
		try {
			MessageDigest sha = MessageDigest.getInstance("SHA-256");
			sha.update(value, offset, length);
			return ByteBuffer.wrap(sha.digest()).getLong();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JDK", ex);
		}
	}

}
