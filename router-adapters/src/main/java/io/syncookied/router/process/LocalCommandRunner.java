package io.syncookied.router.process;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.syncookied.router.api.DiversionException;

/**
 * Runs a command as a child process with stdin from {@code /dev/null}. The process is killed when it outlives
 * {@code limit} or when the calling thread is interrupted (the resilience wrapper's time limit), so a hung command
 * never leaks.
 */
public final class LocalCommandRunner implements CommandRunner {

	/**
	 * Threads that read the children's stdout and stderr. Their own, not the common fork-join pool: that pool has one
	 * thread on a 2-core box and is shared with the rest of the JVM, so a drain queued behind other work would delay
	 * every command, and a child filling its stderr pipe while the one thread waits on its stdout would hang.
	 */
	private static final ExecutorService DRAINS = Executors.newCachedThreadPool(r -> {
		Thread t = new Thread(r, "command-output");
		t.setDaemon(true);
		return t;
	});

	private final String target;

	private final Duration limit;

	/** @param target the target's name, for error messages */
	public LocalCommandRunner(String target, Duration limit) {
		this.target = target;
		this.limit = limit;
	}

	@Override
	public Result run(List<String> argv) {
		Process p;
		try {
			p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
		}
		catch (IOException ex) {
			throw new DiversionException.Unreachable(this.target, "cannot run " + argv.get(0) + ": " + ex.getMessage(),
					ex);
		}
		CompletableFuture<String> out = drain(p.getInputStream());
		CompletableFuture<String> err = drain(p.getErrorStream());
		try {
			if (!p.waitFor(this.limit.toMillis(), TimeUnit.MILLISECONDS)) {
				p.destroyForcibly();
				throw new DiversionException.TimedOut(this.target, String.join(" ", argv) + " did not finish within "
						+ this.limit, null);
			}
			return new Result(p.exitValue(), out.get(), err.get());
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
		}, DRAINS);
	}

}
