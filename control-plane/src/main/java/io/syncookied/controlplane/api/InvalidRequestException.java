package io.syncookied.controlplane.api;

/** A request with a bad field; the problem response names it. */
public final class InvalidRequestException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String field;

	public InvalidRequestException(String field, String message) {
		super(field + ": " + message);
		this.field = field;
	}

	public String field() {
		return this.field;
	}

}
