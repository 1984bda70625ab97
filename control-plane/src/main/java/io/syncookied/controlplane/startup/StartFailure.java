package io.syncookied.controlplane.startup;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

import io.syncookied.controlplane.api.auth.InvalidApiTokenException;
import io.syncookied.controlplane.hosts.HostsFileException;

/**
 * Why the control plane could not start, as one line that names the setting at fault, and the exit code that goes
 * with it: {@value #EX_CONFIG} (sysexits' EX_CONFIG) when a setting is wrong, so a supervisor need not restart it
 * until someone fixes the configuration, and 1 for everything else. Secrets are never part of the line: a rejected
 * token or a property whose name says it is secret shows its setting only.
 */
public record StartFailure(String setting, String problem, String action, int exitCode) {

	public static final int EX_CONFIG = 78;

	public static final int EX_SOFTWARE = 1;

	private static final Pattern SETTING = Pattern
		.compile("(?:^|[\\s(])((?:syncookied|server|management|spring|logging)\\.[A-Za-z0-9_.\\[\\]-]*[A-Za-z0-9\\]])");

	private static final Pattern SECRET = Pattern.compile(".*(token|password|secret|key).*");

	/** The line an operator reads. */
	public String line() {
		return this.setting + ": " + this.problem + ". " + this.action;
	}

	/** Looks through {@code failure} and its causes for a setting at fault. */
	public static Optional<StartFailure> of(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause()) {
			Optional<StartFailure> found = known(t);
			if (found.isPresent()) {
				return found;
			}
		}
		return named(failure);
	}

	/** {@value #EX_CONFIG} for a setting at fault, 1 otherwise. */
	public static int exitCode(Throwable failure) {
		return of(failure).map(StartFailure::exitCode).orElse(EX_SOFTWARE);
	}

	private static Optional<StartFailure> known(Throwable t) {
		if (t instanceof PortInUseException port) {
			return Optional.of(new StartFailure("server.port", "port " + port.getPort() + " is already in use",
					"Stop the process that listens on it (ss -ltnp 'sport = :" + port.getPort()
							+ "') or choose another port",
					EX_SOFTWARE));
		}
		if (t instanceof java.net.BindException bind) {
			return Optional.of(new StartFailure("syncookied.telemetry.port (or server.port)",
					"cannot bind: " + oneLine(bind.getMessage()),
					"Stop the process that holds the address, or choose another port or address", EX_SOFTWARE));
		}
		if (t instanceof InvalidApiTokenException token) {
			return Optional.of(new StartFailure(token.setting(), problemOf(token.getMessage(), token.setting()),
					"Set a token of at least 16 visible ASCII characters, e.g. from 'openssl rand -hex 24'", EX_CONFIG));
		}
		if (t instanceof HostsFileException hosts) {
			return Optional.of(new StartFailure("syncookied.hosts.file", oneLine(hosts.getMessage()),
					"Fix the hosts file (the previous file is not used at start)", EX_CONFIG));
		}
		if (t instanceof BindValidationException validation) {
			ObjectError first = validation.getValidationErrors().getAllErrors().get(0);
			String setting = validation.getValidationErrors().getName()
					+ ((first instanceof FieldError field) ? "." + kebab(field.getField()) : "");
			String value = (first instanceof FieldError field) ? shown(setting, field.getRejectedValue()) : "";
			return Optional.of(new StartFailure(setting, first.getDefaultMessage() + value,
					"Fix it in the configuration file or on the command line", EX_CONFIG));
		}
		if (t instanceof BindException bind && bind.getCause() != null
				&& !(bind.getCause() instanceof BindValidationException)) {
			String setting = (bind.getProperty() != null) ? bind.getProperty().getName().toString()
					: bind.getName().toString();
			Throwable cause = bind.getCause();
			Optional<StartFailure> inner = of(cause).filter(f -> !f.setting().isEmpty());
			if (inner.isPresent()) {
				return inner;
			}
			Object value = (bind.getProperty() != null) ? bind.getProperty().getValue() : null;
			return Optional.of(new StartFailure(setting,
					"cannot be bound" + shown(setting, value) + ": " + oneLine(rootMessage(cause)),
					"Fix it in the configuration file or on the command line", EX_CONFIG));
		}
		return Optional.empty();
	}

	/** An exception whose message names a setting, as the control plane's own checks write them. */
	private static Optional<StartFailure> named(Throwable failure) {
		Throwable deepest = null;
		String setting = null;
		for (Throwable t = failure; t != null; t = t.getCause()) {
			Matcher m = SETTING.matcher(String.valueOf(t.getMessage()));
			if (m.find()) {
				deepest = t;
				setting = m.group(1);
			}
		}
		if (deepest == null || setting == null) {
			return Optional.empty();
		}
		String message = oneLine(deepest.getMessage());
		if (SECRET.matcher(setting.toLowerCase(Locale.ROOT)).matches() && message.contains("=")) {
			message = message.replaceAll("=\\S+", "=<hidden>");
		}
		return Optional.of(new StartFailure(setting, problemOf(message, setting),
				"Fix it in the configuration file or on the command line", EX_CONFIG));
	}

	private static String problemOf(String message, String setting) {
		String line = oneLine(message);
		return line.startsWith(setting + ": ") ? line.substring(setting.length() + 2) : line;
	}

	private static String shown(String setting, @Nullable Object value) {
		if (value == null) {
			return "";
		}
		if (SECRET.matcher(setting.toLowerCase(Locale.ROOT)).matches()) {
			return " (the value is not shown)";
		}
		return " (was '" + oneLine(String.valueOf(value)) + "')";
	}

	private static String rootMessage(Throwable t) {
		Throwable root = t;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return String.valueOf(root.getMessage());
	}

	/** camelCase field paths as the kebab-case property names operators write. */
	private static String kebab(String field) {
		return field.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
	}

	private static String oneLine(@Nullable String text) {
		return (text == null) ? "" : text.replaceAll("\\s*\\R\\s*", " ").trim();
	}

}
