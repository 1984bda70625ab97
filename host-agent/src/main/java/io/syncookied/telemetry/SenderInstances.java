package io.syncookied.telemetry;

import java.util.ArrayList;
import java.util.List;

/**
 * Replay state of one key id: one {@link ReplayWindow} per sender instance (the header's random {@code instance}),
 * so two processes holding the same key never invalidate each other's sequences.
 * <p>
 * <b>The newest live instance wins.</b> A sender's sequence starts at its start time in microseconds, so the
 * instance with the highest sequence is the one started last. While an instance is live (it authenticated a
 * datagram within {@code instanceTimeoutMs}), datagrams of every instance whose sequence is below its highest are
 * refused as {@link RejectReason#SUPERSEDED}; once it falls silent the others are accepted again. So a restarted
 * agent takes over with its first datagram, a second agent started by mistake shuts out the first only while it
 * runs, and two hosts that share a key (a configuration error) do not interleave their reports.
 * <p>
 * <b>Bounded.</b> An instance is forgotten once it has been silent for {@code retireAfterMs}: twice the clock skew,
 * so any datagram it sent is refused as stale before its window is gone. At most {@value #MAX_INSTANCES} instances
 * are remembered per key; a further new instance is refused ({@link RejectReason#INSTANCE_LIMIT}) until one retires,
 * rather than evicting a window whose datagrams could then be replayed. Only authenticated datagrams create or move
 * state. Not thread-safe: the opener's thread owns it.
 */
final class SenderInstances {

	static final int MAX_INSTANCES = 8;

	/** What the checks before authentication say about a datagram. */
	enum Verdict {
		FRESH, REPLAY, SUPERSEDED, INSTANCE_LIMIT
	}

	private static final class Sender {

		final int instance;

		final ReplayWindow window = new ReplayWindow();

		long lastSeenMs;

		Sender(int instance) {
			this.instance = instance;
		}

	}

	private final List<Sender> senders = new ArrayList<>(2);

	private final long instanceTimeoutMs;

	private final long retireAfterMs;

	SenderInstances(long instanceTimeoutMs, long retireAfterMs) {
		this.instanceTimeoutMs = instanceTimeoutMs;
		this.retireAfterMs = retireAfterMs;
	}

	/** Checks before authentication; changes nothing but forgetting retired instances. */
	Verdict check(int instance, long sequence, long nowMs) {
		this.senders.removeIf(s -> nowMs - s.lastSeenMs > this.retireAfterMs);
		Sender own = find(instance);
		if (own != null && own.window.isReplay(sequence)) {
			return Verdict.REPLAY;
		}
		Sender newest = newestLive(nowMs);
		if (newest != null && newest != own && Long.compareUnsigned(sequence, newest.window.highest()) < 0) {
			return Verdict.SUPERSEDED;
		}
		if (own == null && this.senders.size() >= MAX_INSTANCES) {
			return Verdict.INSTANCE_LIMIT;
		}
		return Verdict.FRESH;
	}

	/** Records an authenticated datagram; call only after {@link #check} said {@link Verdict#FRESH}. */
	void accept(int instance, long sequence, long nowMs) {
		Sender own = find(instance);
		if (own == null) {
			own = new Sender(instance);
			this.senders.add(own);
		}
		own.window.accept(sequence);
		own.lastSeenMs = nowMs;
	}

	/** The live instance with the highest sequence, if any: the one that superseded a refused datagram. */
	int newestLiveInstance(long nowMs) {
		Sender newest = newestLive(nowMs);
		return (newest != null) ? newest.instance : 0;
	}

	int size() {
		return this.senders.size();
	}

	private Sender newestLive(long nowMs) {
		Sender newest = null;
		for (Sender s : this.senders) {
			if (nowMs - s.lastSeenMs <= this.instanceTimeoutMs
					&& (newest == null || Long.compareUnsigned(s.window.highest(), newest.window.highest()) > 0)) {
				newest = s;
			}
		}
		return newest;
	}

	private Sender find(int instance) {
		for (Sender s : this.senders) {
			if (s.instance == instance) {
				return s;
			}
		}
		return null;
	}

}
