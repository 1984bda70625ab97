package io.syncookied.common;

/** The tcpsecrets module's listener-overflow hook ({@code overflow_hook} in /proc/tcp_secrets). */
public enum OverflowHook {

	/** The file did not say (original format, or an older module). */
	UNKNOWN,
	/** {@code overflow_hook=0}: no probe registered, the server accepts only cookies it sent itself recently. */
	DISABLED,
	/** Loaded, but {@code tcp_syncookies} is not 2, so it does nothing. */
	INACTIVE,
	/** Refreshing the listener's overflow stamp: the server accepts cookies it did not send. */
	ACTIVE

}
