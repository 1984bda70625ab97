package io.syncookied.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayWindowTest {

	@Test
	void tracksTheLast64SequencesAndRefusesOlderOnes() {
		ReplayWindow w = new ReplayWindow();
		assertThat(w.isReplay(5)).isFalse();
		w.accept(5);
		assertThat(w.isReplay(5)).isTrue();
		w.accept(70);
		assertThat(w.isReplay(7)).isFalse(); // 63 behind: inside the window, not seen
		assertThat(w.isReplay(6)).isTrue(); // 64 behind: too old
		w.accept(7);
		assertThat(w.isReplay(7)).isTrue();
		w.accept(1000);
		assertThat(w.isReplay(999)).isFalse();
		assertThat(w.isReplay(70)).isTrue();
	}

	@Test
	void comparesSequencesUnsigned() {
		ReplayWindow w = new ReplayWindow();
		w.accept(0x7fffffffffffffffL);
		assertThat(w.isReplay(0x8000000000000000L)).isFalse();
		w.accept(0x8000000000000000L);
		assertThat(w.isReplay(0x7fffffffffffffffL)).isTrue();
		assertThat(w.isReplay(1)).isTrue();
	}

}
