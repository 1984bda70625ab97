package io.syncookied.controlplane.hosts;

import java.nio.file.Path;

/** A hosts file that cannot be used; the message names the file, the line and the field. */
public final class HostsFileException extends Exception {

	private static final long serialVersionUID = 1L;

	private final transient Path file;

	private final int line;

	private final String field;

	public HostsFileException(Path file, int line, String field, String problem) {
		super(file + ":" + line + ": " + field + ": " + problem);
		this.file = file;
		this.line = line;
		this.field = field;
	}

	public Path file() {
		return this.file;
	}

	public int line() {
		return this.line;
	}

	public String field() {
		return this.field;
	}

}
