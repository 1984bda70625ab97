package io.syncookied.agent;

/** /proc/tcp_secrets did not parse; the message names the line and field. */
public final class TcpSecretsFormatException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	private final int line;

	private final String field;

	public TcpSecretsFormatException(int line, String field, String problem) {
		super("tcp_secrets line " + line + ", " + field + ": " + problem);
		this.line = line;
		this.field = field;
	}

	public int line() {
		return this.line;
	}

	public String field() {
		return this.field;
	}

}
