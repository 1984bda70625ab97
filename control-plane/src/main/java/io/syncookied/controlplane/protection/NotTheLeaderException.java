package io.syncookied.controlplane.protection;

import java.net.URI;

import org.jspecify.annotations.Nullable;

/**
 * A change asked of a cluster node that does not lead: only the leader applies protection events. REST answers it
 * with a redirect to the leader's API ({@code leaderApi}), or 503 while no leader is known.
 */
public class NotTheLeaderException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient @Nullable URI leaderApi;

	public NotTheLeaderException(String message, @Nullable URI leaderApi) {
		super(message);
		this.leaderApi = leaderApi;
	}

	public @Nullable URI leaderApi() {
		return this.leaderApi;
	}

}
