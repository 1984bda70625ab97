package io.syncookied.router.testing;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;

/** A fresh client key pair written as an OpenSSH private key file, like an operator's. */
public final class SshKeys {

	private SshKeys() {
	}

	public static KeyPair generate() {
		try {
			KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
			g.initialize(new ECGenParameterSpec("secp256r1"));
			return g.generateKeyPair();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	public static Path write(KeyPair kp, Path dir, String name) {
		try {
			Path f = dir.resolve(name);
			try (OutputStream out = Files.newOutputStream(f)) {
				OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(kp, "syncookied-test", null, out);
			}
			return f;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
