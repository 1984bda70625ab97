package io.syncookied.telemetry;

import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;

/** The AEADs a key may use; both come with every JDK 17+, 256-bit keys, 96-bit nonce, 128-bit tag. */
public enum AeadAlgorithm {

	CHACHA20_POLY1305(1, "ChaCha20-Poly1305", "ChaCha20"),
	AES_256_GCM(2, "AES/GCM/NoPadding", "AES");

	public static final int KEY_LENGTH = 32;

	private final int code;

	private final String transformation;

	private final String keyAlgorithm;

	AeadAlgorithm(int code, String transformation, String keyAlgorithm) {
		this.code = code;
		this.transformation = transformation;
		this.keyAlgorithm = keyAlgorithm;
	}

	public int code() {
		return this.code;
	}

	String keyAlgorithm() {
		return this.keyAlgorithm;
	}

	Cipher newCipher() {
		try {
			return Cipher.getInstance(this.transformation);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(this.transformation + " is missing from this JDK", ex);
		}
	}

	AlgorithmParameterSpec nonceSpec(byte[] nonce) {
		return (this == AES_256_GCM) ? new GCMParameterSpec(Protocol.TAG_LENGTH * 8, nonce) : new IvParameterSpec(nonce);
	}

	/** @return the algorithm, or {@code null} for an unknown code */
	static @org.jspecify.annotations.Nullable AeadAlgorithm fromCode(int code) {
		return switch (code) {
			case 1 -> CHACHA20_POLY1305;
			case 2 -> AES_256_GCM;
			default -> null;
		};
	}

	/** Parses a config value: {@code chacha20-poly1305} or {@code aes-256-gcm} (case-insensitive). */
	public static AeadAlgorithm parse(String name) {
		return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
			case "chacha20-poly1305", "chacha20_poly1305" -> CHACHA20_POLY1305;
			case "aes-256-gcm", "aes_256_gcm" -> AES_256_GCM;
			default -> throw new IllegalArgumentException(
					"algorithm: unknown AEAD '" + name + "' (expected chacha20-poly1305 or aes-256-gcm)");
		};
	}

}
