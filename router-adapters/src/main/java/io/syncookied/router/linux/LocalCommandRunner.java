package io.syncookied.router.linux;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.syncookied.router.api.DiversionException;

/** Runs {@code ip} as a child process; an interrupt (the wrapper's timeout) kills it. */
final class LocalCommandRunner implements CommandRunner {

	private final String target;

	LocalCommandRunner(String target) {
		this.target = target;
	}

	@Override
	public Result run(List<String> argv) {
		Process p;
		try {
			p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
		}
		catch (IOException ex) {
			throw new DiversionException.Unreachable(this.target, "cannot run " + argv.get(0) + ": " + ex.getMessage(),
					ex);
		}
		CompletableFuture<String> out = drain(p.getInputStream());
		CompletableFuture<String> err = drain(p.getErrorStream());
		try {
			int rc = p.waitFor();
			return new Result(rc, out.get(), err.get());
		}
		catch (InterruptedException ex) {
			p.destroyForcibly();
			Thread.currentThread().interrupt();
			throw new DiversionException.TimedOut(this.target, String.join(" ", argv) + " was interrupted", ex);
		}
		catch (ExecutionException ex) {
			throw new DiversionException.Unreachable(this.target, "reading output of " + argv.get(0), ex);
		}
	}

	private static CompletableFuture<String> drain(InputStream in) {
		return CompletableFuture.supplyAsync(() -> {
			try (in) {
				return new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				return "";
			}
		});
	}

}
