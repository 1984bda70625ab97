package io.syncookied.controlplane.api.auth;

/**
 * A configured API token is unusable. The message names the setting that holds it and what is wrong, never the
 * token itself.
 */
public final class InvalidApiTokenException extends RuntimeException {

	private final String setting;

	public InvalidApiTokenException(String setting, String problem) {
		super(setting + ": " + problem + " (the value is not shown)");
		this.setting = setting;
	}

	public String setting() {
		return this.setting;
	}

}
