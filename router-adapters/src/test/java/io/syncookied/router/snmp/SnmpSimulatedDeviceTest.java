package io.syncookied.router.snmp;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.syncookied.router.DiversionVendors;
import io.syncookied.router.api.Diversion;
import io.syncookied.router.api.DiversionException;
import io.syncookied.router.api.IpAddresses;
import io.syncookied.router.api.MacAddress;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.resilience.ResilientDiversionAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.snmp4j.PDU;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SNMP adapter against an in-process snmp4j-agent device, in both table modes, v2c and v3. */
class SnmpSimulatedDeviceTest {

	static final InetAddress IP = IpAddresses.parse("ip", "10.0.2.10");

	static final MacAddress FW = MacAddress.parse("mac", "02:00:00:00:02:03");

	static final int IFINDEX = 7;

	SimulatedArpDevice device;

	SimpleMeterRegistry meters = new SimpleMeterRegistry();

	ResilientDiversionAdapter adapter = DiversionVendors.load().resilient(this.meters);

	@AfterEach
	void stop() throws Exception {
		if (this.device != null) {
			this.device.close();
		}
		this.adapter.close();
	}

	RouterTarget target(SnmpTarget.Mode mode, String... extra) {
		Map<String, String> m = new HashMap<>(Map.of("name", "sim-" + mode, "adapter", "snmp", "host",
				"127.0.0.1:" + this.device.port(), "community", "private", "mode", mode.name().toLowerCase(),
				"ifindex", Integer.toString(IFINDEX), "request-timeout", "3s", "request-retries", "1", "backoff",
				"10ms"));
		for (int i = 0; i < extra.length; i += 2) {
			if (extra[i + 1] == null) {
				m.remove(extra[i]);
			}
			else {
				m.put(extra[i], extra[i + 1]);
			}
		}
		return DiversionVendors.load().parse("test", m);
	}

	RouterTarget v3(SnmpTarget.Mode mode, String authPassword) {
		return v3(mode, SimulatedArpDevice.V3_USER, authPassword);
	}

	RouterTarget v3(SnmpTarget.Mode mode, String user, String authPassword) {
		return target(mode, "community", null, "version", "v3", "user", user, "auth-protocol",
				"sha256", "auth-password", authPassword, "priv-protocol", "aes128", "priv-password",
				SimulatedArpDevice.V3_PRIV);
	}

	String deviceMac() {
		SimulatedArpDevice.Row r = this.device.row(IFINDEX, "10.0.2.10");
		return r == null ? null : HexFormat.ofDelimiter(":").formatHex(r.mac) + "/" + r.type;
	}

	@ParameterizedTest
	@EnumSource(SnmpTarget.Mode.class)
	void divertListRestoreOverV2c(SnmpTarget.Mode mode) throws Exception {
		this.device = new SimulatedArpDevice(mode);
		RouterTarget t = target(mode);

		Diversion o = this.adapter.divert(IP, FW, t);
		assertThat(o.toLine()).isEqualTo("10.0.2.10 02:00:00:00:02:03");
		assertThat(deviceMac()).isEqualTo("02:00:00:00:02:03/4");
		String idx = mode == SnmpTarget.Mode.MEDIA ? "7.10.0.2.10" : "7.1.4.10.0.2.10";
		if (mode == SnmpTarget.Mode.MEDIA) {
			assertThat(this.device.sets).containsExactly("1.3.6.1.2.1.4.22.1.2." + idx + "=02:00:00:00:02:03",
					"1.3.6.1.2.1.4.22.1.4." + idx + "=4");
		}
		else {
			assertThat(this.device.sets).containsExactly("1.3.6.1.2.1.4.35.1.8." + idx + "=4",
					"1.3.6.1.2.1.4.35.1.4." + idx + "=02:00:00:00:02:03", "1.3.6.1.2.1.4.35.1.6." + idx + "=4");
		}
		assertThat(this.adapter.listDiversions(t)).containsExactly(o);

		this.device.sets.clear();
		assertThat(this.adapter.divert(IP, FW, t)).isEqualTo(o);
		assertThat(this.device.sets).as("idempotent divert does not write").isEmpty();

		assertThat(this.adapter.restore(IP, t)).isTrue();
		assertThat(deviceMac()).isNull();
		assertThat(this.device.sets).containsExactly(mode == SnmpTarget.Mode.MEDIA
				? "1.3.6.1.2.1.4.22.1.4." + idx + "=2" : "1.3.6.1.2.1.4.35.1.8." + idx + "=6");
		assertThat(this.adapter.listDiversions(t)).isEmpty();
		assertThat(this.adapter.restore(IP, t)).isFalse();
		assertThat(this.adapter.health(t).healthy()).isTrue();
		assertThat(this.meters.get("syncookied.router.operation").tags("target", t.name(), "adapter", "snmp",
				"operation", "divert", "outcome", "success").timer().count()).isEqualTo(2);
		assertThat(this.meters.get("resilience4j.circuitbreaker.state").tag("name", t.name()).tag("state", "closed")
			.gauge().value()).isEqualTo(1.0);
	}

	@ParameterizedTest
	@EnumSource(SnmpTarget.Mode.class)
	void divertOverADynamicEntryMakesItStatic(SnmpTarget.Mode mode) throws Exception {
		this.device = new SimulatedArpDevice(mode);
		this.device.putDynamic(IFINDEX, "10.0.2.10", new byte[] { 2, 0, 0, 0, 2, 10 });
		this.device.putDynamic(IFINDEX, "10.0.2.11", new byte[] { 2, 0, 0, 0, 2, 11 });
		RouterTarget t = target(mode);
		assertThat(this.adapter.listDiversions(t)).isEmpty();
		this.adapter.divert(IP, FW, t);
		assertThat(deviceMac()).isEqualTo("02:00:00:00:02:03/4");
		assertThat(this.adapter.listDiversions(t)).extracting(Diversion::toLine)
			.containsExactly("10.0.2.10 02:00:00:00:02:03");
	}

	@ParameterizedTest
	@EnumSource(SnmpTarget.Mode.class)
	void v3AuthPriv(SnmpTarget.Mode mode) throws Exception {
		this.device = new SimulatedArpDevice(mode);
		this.adapter.divert(IP, FW, v3(mode, SimulatedArpDevice.V3_AUTH));
		assertThat(deviceMac()).isEqualTo("02:00:00:00:02:03/4");
		assertThat(this.adapter.restore(IP, v3(mode, SimulatedArpDevice.V3_AUTH))).isTrue();
		assertThat(deviceMac()).isNull();
	}

	@ParameterizedTest
	@EnumSource(SnmpTarget.Mode.class)
	void unknownCommunityIsDroppedLikeARealAgentAndReportedWithAHint(SnmpTarget.Mode mode) throws Exception {
		this.device = new SimulatedArpDevice(mode);
		assertThatThrownBy(() -> this.adapter.divert(IP, FW, target(mode, "community", "guess", "attempts", "1",
				"request-timeout", "300ms", "request-retries", "0")))
			.isInstanceOf(DiversionException.Unreachable.class)
			.hasMessageContaining("or a wrong community");
		assertThat(deviceMac()).isNull();
	}

	@ParameterizedTest
	@EnumSource(SnmpTarget.Mode.class)
	void readOnlyCommunityIsAnAuthFailure(SnmpTarget.Mode mode) throws Exception {
		this.device = new SimulatedArpDevice(mode);
		assertThatThrownBy(() -> this.adapter.divert(IP, FW, target(mode, "community", "public")))
			.isInstanceOf(DiversionException.AuthFailed.class)
			.hasMessageContaining("no write access");
		assertThat(deviceMac()).isNull();
	}

	@ParameterizedTest
	@EnumSource(SnmpTarget.Mode.class)
	void deviceRejectionCarriesTheErrorStatusAndOid(SnmpTarget.Mode mode) throws Exception {
		this.device = new SimulatedArpDevice(mode);
		this.device.rejectSetsWith = PDU.inconsistentValue;
		assertThatThrownBy(() -> this.adapter.divert(IP, FW, target(mode)))
			.isInstanceOfSatisfying(DiversionException.Rejected.class,
					ex -> assertThat(ex.deviceMessage()).startsWith("Inconsistent value at 1.3.6.1.2.1.4."));
		assertThat(deviceMac()).isNull();
		assertThat(this.adapter.listDiversions(target(mode))).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(SnmpTarget.Mode.class)
	void aDeviceThatAcceptsButDoesNotApplyFailsVerification(SnmpTarget.Mode mode) throws Exception {
		this.device = new SimulatedArpDevice(mode);
		this.device.ignoreSets = true;
		assertThatThrownBy(() -> this.adapter.divert(IP, FW, target(mode)))
			.isInstanceOf(DiversionException.VerificationFailed.class)
			.hasMessageContaining("GET reads no such row");
		assertThat(this.adapter.listDiversions(target(mode))).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(SnmpTarget.Mode.class)
	void silentDeviceIsUnreachableThenTheBreakerOpensAndRecovers(SnmpTarget.Mode mode) throws Exception {
		this.device = new SimulatedArpDevice(mode);
		RouterTarget t = target(mode, "attempts", "1", "minimum-calls", "2", "open-wait", "500ms", "request-timeout",
				"1500ms", "request-retries", "0");
		this.device.dropRequests = true;
		for (int i = 0; i < 2; i++) {
			assertThatThrownBy(() -> this.adapter.divert(IP, FW, t)).isInstanceOf(DiversionException.Unreachable.class)
				.hasMessageContaining("no GET response from 127.0.0.1:" + this.device.port() + " within 1500 ms x 1");
		}
		assertThat(this.adapter.breakerState(t)).isEqualTo(CircuitBreaker.State.OPEN);
		this.device.dropRequests = false;
		assertThatThrownBy(() -> this.adapter.divert(IP, FW, t)).isInstanceOf(DiversionException.CircuitOpen.class);
		assertThat(deviceMac()).as("nothing was sent while open").isNull();
		assertThat(this.meters.get("syncookied.router.operation").tag("outcome", "circuit_open").timer().count())
			.isEqualTo(1);
		assertThat(this.meters.get("resilience4j.circuitbreaker.state").tag("name", t.name()).tag("state", "open")
			.gauge().value()).isEqualTo(1.0);

		Thread.sleep(600);
		this.adapter.divert(IP, FW, t);
		assertThat(this.adapter.breakerState(t)).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(deviceMac()).isEqualTo("02:00:00:00:02:03/4");
		assertThat(this.adapter.listDiversions(t)).extracting(Diversion::toLine)
			.containsExactly("10.0.2.10 02:00:00:00:02:03");
	}

	@ParameterizedTest
	@EnumSource(SnmpTarget.Mode.class)
	void timeoutIsReportedAndTheDeviceStateReadBackAfterwards(SnmpTarget.Mode mode) throws Exception {
		this.device = new SimulatedArpDevice(mode);
		RouterTarget slow = target(mode, "timeout", "300ms", "request-timeout", "2s", "attempts", "1");
		this.device.dropRequests = true;
		assertThatThrownBy(() -> this.adapter.divert(IP, FW, slow)).isInstanceOf(DiversionException.TimedOut.class);
		this.device.dropRequests = false;
		assertThat(this.adapter.listDiversions(target(mode))).isEmpty();
		assertThat(deviceMac()).isNull();
	}

}
