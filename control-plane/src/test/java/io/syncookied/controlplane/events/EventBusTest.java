package io.syncookied.controlplane.events;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventBusTest {

	private static ControlEvent alert(int n) {
		return new ControlEvent.Alert(Instant.EPOCH, AlertKind.MODE_OFF, null, "alert " + n);
	}

	@Test
	void idsGrowAndTheHistoryIsBounded() {
		EventBus bus = new EventBus();
		for (int i = 0; i < EventBus.HISTORY + 10; i++) {
			bus.publish(alert(i));
		}
		EventBus.ReplayStart fresh = bus.start(null);
		List<EventBus.Numbered> held = bus.after(0).take(Duration.ofMillis(300)).collectList().block();
		assertThat(held).hasSize(EventBus.HISTORY);
		assertThat(held.get(held.size() - 1).id()).isEqualTo(fresh.after());
		for (int i = 1; i < held.size(); i++) {
			assertThat(held.get(i).id()).isEqualTo(held.get(i - 1).id() + 1);
		}
		long oldest = held.get(0).id();
		assertThat(bus.start(oldest - 1)).isEqualTo(new EventBus.ReplayStart(oldest - 1, false));
		assertThat(bus.start(oldest - 2)).as("one was evicted").isEqualTo(new EventBus.ReplayStart(oldest - 1, true));
		assertThat(bus.start(fresh.after() + 1)).as("never given out").isEqualTo(new EventBus.ReplayStart(oldest - 1, true));
		assertThat(bus.start(fresh.after())).isEqualTo(new EventBus.ReplayStart(fresh.after(), false));
	}

	@Test
	void liveSubscribersGetOnlyWhatIsPublishedAfterThem() {
		EventBus bus = new EventBus();
		bus.publish(alert(1));
		var live = bus.events().take(1).collectList().toFuture();
		bus.publish(alert(2));
		assertThat(live.join()).extracting(e -> ((ControlEvent.Alert) e).message()).containsExactly("alert 2");
	}

	@Test
	void idsOfANewBusAreAboveThoseOfAnEarlierOne() throws Exception {
		EventBus before = new EventBus();
		before.publish(alert(1));
		long lastBefore = before.start(null).after();
		Thread.sleep(2);
		EventBus after = new EventBus();
		assertThat(after.start(null).after()).isGreaterThan(lastBefore);
		assertThat(after.start(lastBefore).gap()).isTrue();
	}

}
