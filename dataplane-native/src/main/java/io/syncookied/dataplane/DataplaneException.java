package io.syncookied.dataplane;

/**
 * A dataplane request failed. {@link #errno()} is the dataplane's error name ({@code EINVAL}, {@code ENOENT},
 * {@code EPROTO}, ...) or {@code EIO} for transport failures; the message names the field or the cause.
 */
public final class DataplaneException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String errno;

	public DataplaneException(String errno, String message) {
		super(message);
		this.errno = errno;
	}

	public DataplaneException(String errno, String message, Throwable cause) {
		super(message, cause);
		this.errno = errno;
	}

	/** The error name, e.g. {@code EINVAL}. */
	public String errno() {
		return this.errno;
	}
}
