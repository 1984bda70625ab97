package io.syncookied.controlplane.metrics;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import io.syncookied.controlplane.dataplane.DataplaneStatus;
import io.syncookied.dataplane.DpHostCounters;

import static org.assertj.core.api.Assertions.assertThat;

/** Worker snapshots to meters: names and tags, counts that survive a worker restart, per-IP series that go. */
class DataplaneCounterMetersTest {

	private static final InetAddress A = ip("10.0.2.11");

	private static final InetAddress B = ip("2001:db8::1");

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final DataplaneCounterMeters meters = new DataplaneCounterMeters(this.registry);

	@Test
	void countersBecomeTaggedCountersAndTheLiveFlowsAGauge() {
		this.meters.update(status(Map.of("rx_pps", 110L, "rx_syn", 100L, "rx_drop_bad_cookie", 10L, "flows", 7L,
				"tx_pps", 100L), Map.of(A, Map.of("rx_syn", 40L, "rx_drop_bad_cookie", 2L, "flows_created", 3L))));
		this.meters.update(status(Map.of("rx_pps", 160L, "rx_syn", 150L, "rx_drop_bad_cookie", 10L, "flows", 9L,
				"tx_pps", 150L), Map.of(A, Map.of("rx_syn", 60L, "rx_drop_bad_cookie", 2L, "flows_created", 5L))));

		// a host's counters start with the host in the worker: all of them count
		assertThat(count("syncookied.dataplane.packets", "ip", "10.0.2.11", "verdict", "answered")).isEqualTo(60);
		assertThat(count("syncookied.dataplane.drops", "ip", "10.0.2.11", "reason", "bad_cookie")).isEqualTo(2);
		assertThat(count("syncookied.dataplane.handshakes", "ip", "10.0.2.11")).isEqualTo(5);
		// the worker's totals may predate this process: only what it sees grow counts
		assertThat(count("syncookied.dataplane.firewall.packets", "verdict", "answered")).isEqualTo(50);
		assertThat(count("syncookied.dataplane.firewall.drops", "reason", "bad_cookie")).isZero();
		assertThat(count("syncookied.dataplane.worker.events", "counter", "tx_pps")).isEqualTo(50);
		assertThat(this.registry.get("syncookied.dataplane.flows").gauge().value()).isEqualTo(9);
		// rx_pps is the sum of the verdicts, 'flows' a level: neither is a counter of its own
		assertThat(this.registry.find("syncookied.dataplane.worker.events").tag("counter", "rx_pps").meter()).isNull();
		assertThat(this.registry.find("syncookied.dataplane.worker.events").tag("counter", "flows").meter()).isNull();
		assertThat(this.registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getName()).startsWith("syncookied."));
	}

	@Test
	void aWorkerRestartNeitherResetsNorLowersACount() {
		this.meters.update(status(Map.of("rx_syn", 1000L), Map.of(A, Map.of("rx_syn", 500L))));
		this.meters.update(status(Map.of("rx_syn", 1200L), Map.of(A, Map.of("rx_syn", 600L))));
		this.meters.update(status(Map.of("rx_syn", 30L), Map.of(A, Map.of("rx_syn", 20L)))); // a new worker
		this.meters.update(status(Map.of("rx_syn", 40L), Map.of(A, Map.of("rx_syn", 25L))));

		assertThat(count("syncookied.dataplane.firewall.packets", "verdict", "answered")).isEqualTo(200 + 30 + 10);
		assertThat(count("syncookied.dataplane.packets", "ip", "10.0.2.11", "verdict", "answered")).isEqualTo(625);
	}

	@Test
	void anIpsSeriesGoAtTheFirstSnapshotWithoutItAndComeBackFromZero() {
		this.meters.update(status(Map.of("rx_syn", 1L), Map.of(A, Map.of("rx_syn", 5L), B, Map.of("rx_syn", 7L))));
		assertThat(this.registry.find("syncookied.dataplane.packets").tag("ip", "2001:db8::1").meters()).hasSize(1);

		this.meters.update(status(Map.of("rx_syn", 2L), Map.of(A, Map.of("rx_syn", 6L)))); // B restored
		assertThat(this.registry.find("syncookied.dataplane.packets").tag("ip", "2001:db8::1").meters()).isEmpty();
		assertThat(count("syncookied.dataplane.packets", "ip", "10.0.2.11", "verdict", "answered")).isEqualTo(6);

		this.meters.update(status(Map.of("rx_syn", 3L), Map.of(A, Map.of("rx_syn", 7L), B, Map.of("rx_syn", 2L))));
		assertThat(count("syncookied.dataplane.packets", "ip", "2001:db8::1", "verdict", "answered")).isEqualTo(2);

		this.meters.update(DataplaneStatus.unavailable("worker lost", Instant.now())); // nothing known: nothing goes
		assertThat(this.registry.find("syncookied.dataplane.packets").tag("ip", "10.0.2.11").meters()).hasSize(1);
	}

	private double count(String name, String... tags) {
		FunctionCounter c = this.registry.get(name).tags(tags).functionCounter();
		return c.count();
	}

	private static DataplaneStatus status(Map<String, Long> totals, Map<InetAddress, Map<String, Long>> hosts) {
		Map<InetAddress, DpHostCounters> perHost = new java.util.HashMap<>();
		hosts.forEach((ip, c) -> perHost.put(ip, new DpHostCounters(c)));
		return new DataplaneStatus(true, true, null, "running", 1, hosts.size(), 1, 1000, totals, perHost,
				Instant.now());
	}

	private static InetAddress ip(String text) {
		try {
			return InetAddress.getByName(text);
		}
		catch (java.net.UnknownHostException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

}
