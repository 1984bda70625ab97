package io.syncookied.controlplane.api;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import io.syncookied.controlplane.support.RecordingDataplane;
import io.syncookied.controlplane.support.RecordingRouter;

/** The dataplane and router test doubles for application-level tests. */
@TestConfiguration(proxyBeanMethods = false)
public class TestDoubles {

	private final List<String> log = new CopyOnWriteArrayList<>();

	@Bean
	@Primary
	RecordingDataplane recordingDataplane(Clock clock) {
		return new RecordingDataplane(this.log, clock);
	}

	@Bean
	@Primary
	RecordingRouter recordingRouter() {
		return new RecordingRouter(this.log);
	}

}
