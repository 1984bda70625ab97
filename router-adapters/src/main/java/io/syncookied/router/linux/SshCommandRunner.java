package io.syncookied.router.linux;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;

import io.syncookied.router.api.DiversionException;
import io.syncookied.router.api.SshEndpoint;
import io.syncookied.router.process.CommandRunner;
import io.syncookied.router.ssh.SshSessions;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.jspecify.annotations.Nullable;

/**
 * Runs {@code ip} on a remote Linux router over SSH (public-key auth): one connection for all the commands of one
 * adapter call (opened at the first, closed with the runner), one exec channel per command. A divert is three
 * commands, and the key exchange and login are what takes the time, so they happen once.
 */
final class SshCommandRunner implements CommandRunner {

	private final String target;

	private final SshEndpoint endpoint;

	private final Duration timeout;

	private SshSessions.@Nullable Connection connection;

	SshCommandRunner(String target, SshEndpoint endpoint, Duration timeout) {
		this.target = target;
		this.endpoint = endpoint;
		this.timeout = timeout;
	}

	@Override
	public Result run(List<String> argv) {
		String command = argv.stream().map(SshCommandRunner::quote).collect(Collectors.joining(" "));
		if (this.connection == null) {
			this.connection = SshSessions.open(this.target, this.endpoint, this.timeout);
		}
		try (ChannelExec ch = this.connection.session().createExecChannel(command)) {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			ByteArrayOutputStream err = new ByteArrayOutputStream();
			ch.setOut(out);
			ch.setErr(err);
			ch.open().verify(this.timeout);
			ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), this.timeout);
			Integer rc = ch.getExitStatus();
			if (rc == null) {
				throw new DiversionException.TimedOut(this.target, "no exit status for '" + command + "' from "
						+ this.endpoint, null);
			}
			return new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
		}
		catch (DiversionException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw SshSessions.classify(this.target, this.endpoint, ex);
		}
	}

	@Override
	public void close() {
		if (this.connection != null) {
			this.connection.close();
			this.connection = null;
		}
	}

	/** POSIX single quotes; our arguments are validated names, addresses and numbers anyway. */
	static String quote(String s) {
		if (s.matches("[A-Za-z0-9_.:/=-]+")) {
			return s;
		}
		return "'" + s.replace("'", "'\\''") + "'";
	}

}
