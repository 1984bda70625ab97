package io.syncookied.telemetry;

import static io.syncookied.telemetry.SenderInstances.Verdict.FRESH;
import static io.syncookied.telemetry.SenderInstances.Verdict.INSTANCE_LIMIT;
import static io.syncookied.telemetry.SenderInstances.Verdict.REPLAY;
import static io.syncookied.telemetry.SenderInstances.Verdict.SUPERSEDED;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The interleavings of two senders of one key, with explicit clocks: sequences start at the sender's start time in
 * microseconds, so the long-running agent L (started at 1 000 s) has lower sequences than the agent S started at
 * 2 000 s, whatever either has sent.
 */
class SenderInstancesTest {

	static final long TIMEOUT = 5_000;

	static final long RETIRE = 60_000;

	static final int L = 0x1111, S = 0x2222;

	final SenderInstances senders = new SenderInstances(TIMEOUT, RETIRE);

	long lSeq = 1_000_000_000L, sSeq = 2_000_000_000L;

	SenderInstances.Verdict send(int instance, long nowMs) {
		long seq = (instance == L) ? this.lSeq++ : this.sSeq++;
		SenderInstances.Verdict v = this.senders.check(instance, seq, nowMs);
		if (v == FRESH) {
			this.senders.accept(instance, seq, nowMs);
		}
		return v;
	}

	@Test
	void aSecondAgentSupersedesTheFirstOnlyWhileItRuns() {
		long t = 2_000_000;
		for (; t < 2_010_000; t += 1000) {
			assertThat(send(L, t)).isEqualTo(FRESH);
		}
		// S starts (8 s, as in the report): it wins at once, L is refused meanwhile, never as a replay
		for (long end = t + 8000; t < end; t += 1000) {
			assertThat(send(S, t)).isEqualTo(FRESH);
			assertThat(send(L, t + 500)).isEqualTo(SUPERSEDED);
		}
		// S stops: once its last datagram is TIMEOUT old, L is accepted again, and for good
		long lastS = t - 1000;
		for (; t <= lastS + TIMEOUT; t += 1000) {
			assertThat(send(L, t)).as("at %d ms after S", t - lastS).isEqualTo(SUPERSEDED);
		}
		for (long end = t + RETIRE * 3; t < end; t += 1000) {
			assertThat(send(L, t)).isEqualTo(FRESH);
		}
		assertThat(this.senders.size()).as("S retired").isEqualTo(1);
	}

	@Test
	void aRestartedAgentWinsWithItsFirstDatagram() {
		assertThat(send(L, 1000)).isEqualTo(FRESH);
		assertThat(send(L, 2000)).isEqualTo(FRESH);
		assertThat(send(S, 2100)).isEqualTo(FRESH); // the new process, 100 ms after the old one's last report
		assertThat(send(S, 3100)).isEqualTo(FRESH);
	}

	@Test
	void eachInstanceKeepsItsOwnReplayWindow() {
		assertThat(this.senders.check(L, 500, 1000)).isEqualTo(FRESH);
		this.senders.accept(L, 500, 1000);
		assertThat(this.senders.check(L, 500, 1001)).isEqualTo(REPLAY);
		this.senders.accept(L, 600, 1002);
		assertThat(this.senders.check(L, 536, 1003)).as("64 behind 600").isEqualTo(REPLAY);
		assertThat(this.senders.check(L, 599, 1003)).isEqualTo(FRESH);
		// a newer instance does not touch L's window: L's own next sequence is refused only as superseded
		this.senders.accept(S, 9_000, 1004);
		assertThat(this.senders.check(L, 601, 1005)).isEqualTo(SUPERSEDED);
		assertThat(this.senders.check(L, 600, 1005)).isEqualTo(REPLAY);
		assertThat(this.senders.check(S, 9_000, 1005)).isEqualTo(REPLAY);
	}

	@Test
	void aRetiredInstanceIsForgottenOnlyAfterTwiceTheSkew() {
		this.senders.accept(L, 500, 0);
		assertThat(this.senders.check(L, 500, RETIRE)).isEqualTo(REPLAY);
		assertThat(this.senders.check(L, 500, RETIRE + 1)).as("by now the timestamp check refuses it")
			.isEqualTo(FRESH);
		assertThat(this.senders.size()).isZero();
	}

	@Test
	void boundedPerKeyWithoutEvictingAWindowThatCouldBeReplayed() {
		for (int i = 0; i < SenderInstances.MAX_INSTANCES; i++) {
			assertThat(this.senders.check(100 + i, 1_000L * (i + 1), i)).isEqualTo(FRESH);
			this.senders.accept(100 + i, 1_000L * (i + 1), i);
		}
		assertThat(this.senders.check(999, 1_000_000, 10)).isEqualTo(INSTANCE_LIMIT);
		// the oldest retires: room again
		assertThat(this.senders.check(999, 1_000_000, RETIRE + 1)).isEqualTo(FRESH);
	}

	@Test
	void sequencesCompareUnsigned() {
		this.senders.accept(L, 0x7fff_ffff_ffff_fff0L, 0);
		assertThat(this.senders.check(S, 0x8000_0000_0000_0010L, 1)).isEqualTo(FRESH);
		this.senders.accept(S, 0x8000_0000_0000_0010L, 1);
		assertThat(this.senders.check(L, 0x8000_0000_0000_0000L, 2)).isEqualTo(SUPERSEDED);
	}

}
