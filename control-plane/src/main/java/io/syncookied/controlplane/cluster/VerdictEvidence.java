package io.syncookied.controlplane.cluster;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Which detection verdicts the leader may act on. Any node may say an attack started (the agents report to every
 * node), but once an IP is diverted only its owner's worker sees its traffic: the other nodes' detection reads quiet,
 * and so did the owner's own before it took the IP, in verdicts that may still be in etcd. An owner that took the IP
 * less than a quiet period ago (it moved) has not watched its traffic for that long either: its detection still
 * speaks of the time before, when it saw none of it. Revisions order the writes; only this node's monotonic clock
 * measures the period. Runs on the cluster executor.
 */
final class VerdictEvidence {

	/** The revision of a verdict this leader's own detection makes now: later than any write it could follow. */
	static final long MADE_HERE_NOW = Long.MAX_VALUE;

	private final LeaderSteps steps;

	private final HeldHosts held;

	/** How long detection must see an IP's traffic calm before it says the attack is over. */
	private final Duration quietPeriod;

	/** The etcd revision each stored verdict was written at, by key. */
	private final Map<String, Long> revisions = new HashMap<>();

	VerdictEvidence(LeaderSteps steps, HeldHosts held, Duration quietPeriod) {
		this.steps = steps;
		this.held = held;
		this.quietPeriod = quietPeriod;
	}

	/** The verdict stored under {@code key} changed: written at {@code revision}, or removed when it is null. */
	void stored(String key, @Nullable Long revision) {
		if (revision == null) {
			this.revisions.remove(key);
		}
		else {
			this.revisions.put(key, revision);
		}
	}

	/** The revision the verdict under {@code key} was written at; 0 (older than any holding) when not known. */
	long revision(String key) {
		return this.revisions.getOrDefault(key, 0L);
	}

	/**
	 * Why a verdict says nothing, or null when it counts: an attack start always counts, an attack end only from the
	 * owner of an assigned IP, written after its worker took the IP, and once it has held it for a quiet period.
	 *
	 * @param revision the etcd revision the verdict was written at; {@link #MADE_HERE_NOW} for this leader's own
	 */
	@Nullable String whyIgnored(Verdict v, long revision) {
		if (v.attack()) {
			return null;
		}
		Assignment owner = this.steps.assignment(v.ip());
		if (owner == null) {
			return null;
		}
		if (!owner.node().equals(v.node())) {
			return owner.node() + " serves it";
		}
		HeldHosts.Holding holding = this.held.holding(v.node(), v.ip());
		if (holding == null) {
			return "its worker does not hold it";
		}
		if (revision < holding.revision()) {
			return "written at revision " + revision + ", before its worker took the IP at revision "
					+ holding.revision();
		}
		Duration watched = Duration.ofNanos(System.nanoTime() - holding.seenNanos());
		if (watched.compareTo(this.quietPeriod) < 0) {
			return "its worker has held it for " + watched.toMillis() + " ms, less than the quiet period of "
					+ this.quietPeriod.toMillis() + " ms";
		}
		return null;
	}

}
