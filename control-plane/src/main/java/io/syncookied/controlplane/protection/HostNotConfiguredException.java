package io.syncookied.controlplane.protection;

/** The IP is not in the hosts file. */
public final class HostNotConfiguredException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public HostNotConfiguredException(String ip) {
		super(ip + " is not a configured host (see syncookied.hosts.file)");
	}

}
