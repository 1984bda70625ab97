package io.syncookied.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class DatagramOpenerTest {

	private final AtomicLong clock = new AtomicLong(Fixtures.NOW);

	private final byte[] out = new byte[Protocol.MAX_DATAGRAM];

	private DatagramOpener opener(KeyRing ring) {
		return new DatagramOpener(MessageType.REPORT, ring, Duration.ofSeconds(30), this.clock::get);
	}

	private static RejectReason reason(OpenResult r) {
		return (r instanceof OpenResult.Rejected rej) ? rej.reason() : null;
	}

	@Test
	void opensWhatTheSealerSealed() throws Exception {
		DatagramOpener opener = opener(KeyRing.of(Fixtures.WEB1));
		byte[] d = Fixtures.sealReport(Fixtures.WEB1, 1000, Fixtures.NOW, Fixtures.report(true));
		OpenResult r = opener.open(d, d.length, this.out);
		assertThat(r).isInstanceOf(OpenResult.Opened.class);
		OpenResult.Opened o = (OpenResult.Opened) r;
		assertThat(o.header().sequence()).isEqualTo(1000);
		assertThat(o.key().host()).isEqualTo("web1");
		assertThat(ReportCodec.decode(this.out, 0, o.plaintextLength()).report()).isEqualTo(Fixtures.report(true));
	}

	@Test
	void rejectsEveryByteFlippedAndEveryBitFlipped() throws Exception {
		byte[] good = Fixtures.sealReport(Fixtures.WEB1, 1000, Fixtures.NOW, Fixtures.report(true));
		for (int i = 0; i < good.length; i++) {
			for (int mask : new int[] { 0xff, 0x01, 0x80 }) {
				DatagramOpener opener = opener(KeyRing.of(Fixtures.WEB1));
				byte[] bad = good.clone();
				bad[i] ^= (byte) mask;
				OpenResult r = opener.open(bad, bad.length, this.out);
				assertThat(r).as("byte %d ^ 0x%x", i, mask).isInstanceOf(OpenResult.Rejected.class);
			}
		}
		// and the untouched datagram still opens afterwards: nothing moved a replay window
		assertThat(opener(KeyRing.of(Fixtures.WEB1)).open(good, good.length, this.out))
			.isInstanceOf(OpenResult.Opened.class);
	}

	@Test
	void aForgedDatagramDoesNotAdvanceTheReplayWindow() throws Exception {
		DatagramOpener opener = opener(KeyRing.of(Fixtures.WEB1));
		byte[] forged = Fixtures.sealReport(new PresharedKey(7, "x", AeadAlgorithm.CHACHA20_POLY1305, Fixtures.KEY_B),
				9_000_000, Fixtures.NOW, Fixtures.report(false));
		assertThat(reason(opener.open(forged, forged.length, this.out))).isEqualTo(RejectReason.BAD_TAG);
		byte[] genuine = Fixtures.sealReport(Fixtures.WEB1, 1000, Fixtures.NOW, Fixtures.report(false));
		assertThat(opener.open(genuine, genuine.length, this.out)).isInstanceOf(OpenResult.Opened.class);
	}

	@Test
	void rejectsDuplicatesOldSequencesAndStaleOrFutureTimestamps() throws Exception {
		DatagramOpener opener = opener(KeyRing.of(Fixtures.WEB1));
		AgentReport rep = Fixtures.report(false);
		byte[] d100 = Fixtures.sealReport(Fixtures.WEB1, 100, Fixtures.NOW, rep);
		byte[] d200 = Fixtures.sealReport(Fixtures.WEB1, 200, Fixtures.NOW, rep);
		byte[] d190 = Fixtures.sealReport(Fixtures.WEB1, 190, Fixtures.NOW, rep);
		assertThat(opener.open(d100, d100.length, this.out)).isInstanceOf(OpenResult.Opened.class);
		assertThat(reason(opener.open(d100, d100.length, this.out))).isEqualTo(RejectReason.REPLAY);
		assertThat(opener.open(d200, d200.length, this.out)).isInstanceOf(OpenResult.Opened.class);
		// reordered within the window: accepted once, then a replay
		assertThat(opener.open(d190, d190.length, this.out)).isInstanceOf(OpenResult.Opened.class);
		assertThat(reason(opener.open(d190, d190.length, this.out))).isEqualTo(RejectReason.REPLAY);
		// 100 is now more than 64 behind 200: too old to tell, so refused
		byte[] d101 = Fixtures.sealReport(Fixtures.WEB1, 101, Fixtures.NOW, rep);
		assertThat(reason(opener.open(d101, d101.length, this.out))).isEqualTo(RejectReason.REPLAY);

		byte[] stale = Fixtures.sealReport(Fixtures.WEB1, 300, Fixtures.NOW - 30_001, rep);
		assertThat(reason(opener.open(stale, stale.length, this.out))).isEqualTo(RejectReason.STALE);
		byte[] future = Fixtures.sealReport(Fixtures.WEB1, 301, Fixtures.NOW + 30_001, rep);
		assertThat(reason(opener.open(future, future.length, this.out))).isEqualTo(RejectReason.FUTURE);
		byte[] edge = Fixtures.sealReport(Fixtures.WEB1, 302, Fixtures.NOW + 30_000, rep);
		assertThat(opener.open(edge, edge.length, this.out)).isInstanceOf(OpenResult.Opened.class);
	}

	@Test
	void aSecondSenderOfOneKeyNeverLocksTheFirstOutAndAForgeryMovesNothing() throws Exception {
		DatagramOpener opener = opener(KeyRing.of(Fixtures.WEB1));
		byte[] plaintext = Fixtures.encode(Fixtures.report(false));
		long longRunning = 1_000_000_000L;
		long second = 2_000_000_000L;
		assertThat(open(opener, 0x1, longRunning++)).isNull();
		assertThat(open(opener, 0x2, second++)).isNull();
		assertThat(open(opener, 0x1, longRunning++)).isEqualTo(RejectReason.SUPERSEDED);
		// a forged datagram of a third instance with a huge sequence authenticates nothing and supersedes nobody
		byte[] forged = Fixtures.seal(new PresharedKey(7, "x", AeadAlgorithm.CHACHA20_POLY1305, Fixtures.KEY_B),
				MessageType.REPORT, 0x3, Long.MAX_VALUE, Fixtures.NOW, plaintext);
		assertThat(reason(opener.open(forged, forged.length, this.out))).isEqualTo(RejectReason.BAD_TAG);
		this.clock.addAndGet(DatagramOpener.DEFAULT_INSTANCE_TIMEOUT.toMillis() + 1);
		assertThat(open(opener, 0x1, longRunning++)).as("the second sender fell silent").isNull();
		assertThat(open(opener, 0x1, longRunning - 1)).isEqualTo(RejectReason.REPLAY);
	}

	private RejectReason open(DatagramOpener opener, int instance, long sequence) throws Exception {
		byte[] d = Fixtures.seal(Fixtures.WEB1, MessageType.REPORT, instance, sequence, this.clock.get(),
				Fixtures.encode(Fixtures.report(false)));
		return reason(opener.open(d, d.length, this.out));
	}

	@Test
	void acceptsTwoKeysDuringARolloverAndDropsTheRetiredOne() throws Exception {
		DatagramOpener opener = opener(KeyRing.of(Fixtures.WEB1, Fixtures.WEB1_NEXT));
		AgentReport rep = Fixtures.report(false);
		byte[] oldKey = Fixtures.sealReport(Fixtures.WEB1, 100, Fixtures.NOW, rep);
		byte[] newKey = Fixtures.sealReport(Fixtures.WEB1_NEXT, 101, Fixtures.NOW, rep);
		assertThat(opener.open(oldKey, oldKey.length, this.out)).isInstanceOf(OpenResult.Opened.class);
		assertThat(opener.open(newKey, newKey.length, this.out)).isInstanceOf(OpenResult.Opened.class);
		opener.setKeys(KeyRing.of(Fixtures.WEB1_NEXT));
		byte[] oldAgain = Fixtures.sealReport(Fixtures.WEB1, 102, Fixtures.NOW, rep);
		assertThat(reason(opener.open(oldAgain, oldAgain.length, this.out))).isEqualTo(RejectReason.UNKNOWN_KEY);
		// the kept key's replay window survived the swap
		assertThat(reason(opener.open(newKey, newKey.length, this.out))).isEqualTo(RejectReason.REPLAY);
	}

	@Test
	void rejectsAKeyUsedWithTheWrongAlgorithm() throws Exception {
		PresharedKey sameIdOtherAlg = new PresharedKey(7, "web1", AeadAlgorithm.AES_256_GCM, Fixtures.KEY_A);
		byte[] d = Fixtures.sealReport(sameIdOtherAlg, 1, Fixtures.NOW, Fixtures.report(false));
		assertThat(reason(opener(KeyRing.of(Fixtures.WEB1)).open(d, d.length, this.out)))
			.isEqualTo(RejectReason.UNKNOWN_KEY);
	}

	@Test
	void refusesAReflectedDatagramOfTheOtherDirection() throws Exception {
		// a resend request reflected at a receiver, and a report reflected at an agent
		byte[] resend = Fixtures.seal(Fixtures.WEB1, MessageType.RESEND_REQUEST, 0x80000001, 5, Fixtures.NOW,
				new byte[0]);
		assertThat(reason(opener(KeyRing.of(Fixtures.WEB1)).open(resend, resend.length, this.out)))
			.isEqualTo(RejectReason.MALFORMED);
		byte[] report = Fixtures.sealReport(Fixtures.WEB1, 5, Fixtures.NOW, Fixtures.report(false));
		DatagramOpener agentSide = new DatagramOpener(MessageType.RESEND_REQUEST, KeyRing.of(Fixtures.WEB1),
				Duration.ofSeconds(30), this.clock::get);
		assertThat(reason(agentSide.open(report, report.length, this.out))).isEqualTo(RejectReason.MALFORMED);
		assertThat(agentSide.open(resend, resend.length, this.out)).isInstanceOf(OpenResult.Opened.class);
		// a report-typed datagram with the control-plane direction bit is refused too
		byte[] spoofedDirection = Fixtures.seal(Fixtures.WEB1, MessageType.REPORT, 0x80000001, 6, Fixtures.NOW,
				Fixtures.encode(Fixtures.report(false)));
		assertThat(reason(opener(KeyRing.of(Fixtures.WEB1)).open(spoofedDirection, spoofedDirection.length, this.out)))
			.isEqualTo(RejectReason.MALFORMED);
	}

	@Test
	void classifiesSizeVersionAndKeyProblems() throws Exception {
		DatagramOpener opener = opener(KeyRing.of(Fixtures.WEB1));
		assertThat(reason(opener.open(new byte[Protocol.MAX_DATAGRAM + 1], Protocol.MAX_DATAGRAM + 1, this.out)))
			.isEqualTo(RejectReason.OVERSIZE);
		assertThat(reason(opener.open(new byte[10], 10, this.out))).isEqualTo(RejectReason.MALFORMED);
		byte[] d = Fixtures.sealReport(Fixtures.WEB1, 1, Fixtures.NOW, Fixtures.report(false));
		byte[] v2 = d.clone();
		v2[4] = 2;
		assertThat(reason(opener.open(v2, v2.length, this.out))).isEqualTo(RejectReason.UNSUPPORTED_VERSION);
		assertThat(reason(opener(KeyRing.of(Fixtures.WEB1_NEXT)).open(d, d.length, this.out)))
			.isEqualTo(RejectReason.UNKNOWN_KEY);
	}

}
