package io.syncookied.router.process;

import java.util.List;

/**
 * Runs device commands ({@code ip}, {@code gobgp}) locally or over SSH. One runner serves one adapter call and is
 * closed after it, so a remote runner keeps one SSH connection for all the commands of that call.
 */
public interface CommandRunner extends AutoCloseable {

	Result run(List<String> argv);

	/** Releases what the runner holds (an SSH connection); local runners hold nothing. */
	@Override
	default void close() {
	}

	record Result(int exitCode, String stdout, String stderr) {

		/** The first line of stderr, or of stdout when stderr is empty: what a failed command says. */
		public String firstErrorLine() {
			String s = this.stderr.isBlank() ? this.stdout : this.stderr;
			return s.strip().lines().findFirst().orElse("exit code " + this.exitCode);
		}

	}

}
