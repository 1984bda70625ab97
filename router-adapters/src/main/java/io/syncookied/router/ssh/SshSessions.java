package io.syncookied.router.ssh;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.syncookied.router.api.DiversionException;
import io.syncookied.router.api.SshEndpoint;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens authenticated SSH sessions (public key only) with the host key checked against
 * known_hosts or a pinned SHA256 fingerprint. Each session gets its own client so that the host key
 * policy is per target; the client is stopped when the session closes.
 */
public final class SshSessions {

	private static final Logger log = LoggerFactory.getLogger(SshSessions.class);

	private SshSessions() {
	}

	/** A session plus the client that owns it; closing it closes both. */
	public static final class Connection implements AutoCloseable {

		private final SshClient client;

		private final ClientSession session;

		Connection(SshClient client, ClientSession session) {
			this.client = client;
			this.session = session;
		}

		public ClientSession session() {
			return this.session;
		}

		@Override
		public void close() {
			try {
				this.session.close();
			}
			catch (IOException ex) {
				log.debug("closing session", ex);
			}
			this.client.stop();
		}

	}

	public static Connection open(String target, SshEndpoint ep, Duration timeout) {
		List<KeyPair> keys = loadKeys(target, ep);
		SshClient client = SshClient.setUpDefaultClient();
		client.setServerKeyVerifier(verifier(target, ep));
		client.start();
		ClientSession session = null;
		try {
			session = client.connect(ep.user(), ep.host(), ep.port()).verify(timeout).getSession();
			for (KeyPair k : keys) {
				session.addPublicKeyIdentity(k);
			}
			session.auth().verify(timeout);
			return new Connection(client, session);
		}
		catch (Exception ex) {
			if (session != null) {
				try {
					session.close();
				}
				catch (IOException ignored) {
					// already failing
				}
			}
			client.stop();
			throw classify(target, ep, ex);
		}
	}

	private static List<KeyPair> loadKeys(String target, SshEndpoint ep) {
		Path key = ep.key();
		if (!Files.isReadable(key)) {
			throw new DiversionException.AuthFailed(target, "key: cannot read private key " + key, null);
		}
		try {
			List<KeyPair> keys = new java.util.ArrayList<>();
			new FileKeyPairProvider(key).loadKeys(null).forEach(keys::add);
			if (keys.isEmpty()) {
				throw new DiversionException.AuthFailed(target, "key: no key found in " + key, null);
			}
			return keys;
		}
		catch (DiversionException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new DiversionException.AuthFailed(target, "key: cannot load " + key + ": " + ex.getMessage(), ex);
		}
	}

	private static ServerKeyVerifier verifier(String target, SshEndpoint ep) {
		if (ep.hostKeySha256() != null) {
			String want = ep.hostKeySha256();
			return (session, remote, key) -> {
				String got = KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
				if (!want.equals(got)) {
					log.error("{}: host key of {} is {}, expected {}", target, remote, got, want);
					return false;
				}
				return true;
			};
		}
		if (ep.insecureAnyHostKey()) {
			log.warn("{}: accepting any host key from {} (insecure-any-host-key is set)", target, ep);
			return AcceptAllServerKeyVerifier.INSTANCE;
		}
		Path known = ep.knownHosts() != null ? ep.knownHosts()
				: Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
		return new KnownHostsServerKeyVerifier(RejectAllServerKeyVerifier.INSTANCE, known);
	}

	/** Maps an SSH failure to the SPI's error types, keeping the library's text. */
	public static DiversionException classify(String target, SshEndpoint ep, Throwable ex) {
		if (ex instanceof DiversionException d) {
			return d;
		}
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof ConnectException || t instanceof NoRouteToHostException
					|| t instanceof UnknownHostException) {
				return new DiversionException.Unreachable(target, ep + ": " + t.getMessage(), ex);
			}
			if (t instanceof InterruptedException || t instanceof java.io.InterruptedIOException) {
				return new DiversionException.TimedOut(target, ep + ": interrupted", ex);
			}
		}
		String msg = String.valueOf(ex.getMessage());
		String lower = msg.toLowerCase(Locale.ROOT);
		if (lower.contains("no more authentication methods") || lower.contains("auth")
				&& !lower.contains("timeout")) {
			return new DiversionException.AuthFailed(target, ep + ": " + msg, ex);
		}
		if (lower.contains("server key did not validate") || lower.contains("key verification")) {
			return new DiversionException.AuthFailed(target, ep + ": host key not trusted (" + msg + ")", ex);
		}
		if (lower.contains("timeout") || lower.contains("timed out")) {
			return new DiversionException.TimedOut(target, ep + ": " + msg, ex);
		}
		if (ex instanceof SshException || ex instanceof IOException) {
			return new DiversionException.Unreachable(target, ep + ": " + msg, ex);
		}
		return new DiversionException.Unreachable(target, ep + ": " + ex, ex);
	}

}
