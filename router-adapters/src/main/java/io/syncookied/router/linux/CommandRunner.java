package io.syncookied.router.linux;

import java.util.List;

/** Runs one {@code ip} command, locally or over SSH. */
interface CommandRunner {

	Result run(List<String> argv);

	record Result(int exitCode, String stdout, String stderr) {

		String firstErrorLine() {
			String s = this.stderr.isBlank() ? this.stdout : this.stderr;
			return s.strip().lines().findFirst().orElse("exit code " + this.exitCode);
		}

	}

}
