package io.syncookied.controlplane.protection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.syncookied.controlplane.config.ProtectionProperties;
import io.syncookied.controlplane.hosts.ProtectionMode;
import io.syncookied.controlplane.protection.core.Phase;
import io.syncookied.controlplane.protection.core.ProtectionEvent.Reconcile;
import io.syncookied.controlplane.protection.core.ProtectionIntent.Trigger;
import io.syncookied.controlplane.support.RecordingRouter;

import static io.syncookied.controlplane.protection.Harness.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ProtectionServiceTest {

	private static final String A = "10.0.2.10"; // mode auto

	private static final String M = "10.0.2.11"; // mode manual

	private static final String OFF = "10.0.2.12"; // mode off

	@TempDir
	Path dir;

	Harness h;

	@BeforeEach
	void setUp() throws Exception {
		this.h = new Harness(this.dir);
		this.h.freshSecrets(A);
		this.h.freshSecrets(M);
	}

	@AfterEach
	void tearDown() throws Exception {
		this.h.close();
	}

	private void protect(String ip) {
		HostView v = this.h.service.protect(ip(ip), "test", Duration.ofMinutes(5)).block();
		assertThat(v.state()).isEqualTo(Phase.DIVERTING);
		await().until(() -> this.h.state(ip) == Phase.PROTECTED);
	}

	@Test
	void hostsStartUnprotected() {
		assertThat(this.h.service.hosts()).extracting(HostView::state).containsOnly(Phase.UNPROTECTED);
		assertThat(this.h.service.hosts()).extracting(HostView::mode).containsExactly(ProtectionMode.AUTO, ProtectionMode.MANUAL, ProtectionMode.OFF);
	}

	@Test
	void protectGivesTheDataplaneTheHostBeforeTheRouterDiverts() {
		protect(M);
		assertThat(this.h.log).containsExactly("dataplane setHost " + M, "router divert " + M);
		assertThat(this.h.transitions(M)).containsExactly("DIVERTING", "PROTECTED");
		assertThat(this.h.meters.get("syncookied.protection.step").tags("step", "router_divert", "outcome", "success")
			.timer().count()).isEqualTo(1);
		HostView v = this.h.service.host(ip(M)).orElseThrow();
		assertThat(v.diverted()).isTrue();
		assertThat(v.intent()).isEqualTo(Trigger.MANUAL);
		assertThat(v.expiresAt()).isEqualTo(this.h.clock.instant().plus(Duration.ofMinutes(5)));
		assertThat(v.mitigationId()).startsWith("m-");
	}

	@Test
	void theHostPushedRightBeforeTheRouterDivertCarriesThePickupWindow() throws Exception {
		protect(M);
		// connections established on the direct path survive the switch: the dataplane adopts them for 30 s
		assertThat(this.h.log).containsExactly("dataplane setHost " + M, "router divert " + M);
		assertThat(this.h.dataplane.pickups).containsEntry(ip(M), Harness.PICKUP);
		// a re-push while protected (new MAC in hosts.yml) keeps only what is left of the window, never restarts it
		this.h.clock.advance(Duration.ofSeconds(10));
		Files.writeString(this.dir.resolve("hosts.yml"), Harness.HOSTS.replace("02:00:00:00:02:0b", "02:00:00:00:02:1b"));
		assertThat(this.h.registry.reload("test").accepted()).isTrue();
		await().until(() -> this.h.log.stream().filter(l -> l.equals("dataplane setHost " + M)).count() == 2);
		assertThat(this.h.dataplane.pickups).containsEntry(ip(M), Duration.ofSeconds(20));
		// past the window a re-push carries none
		this.h.clock.advance(Duration.ofSeconds(25));
		this.h.freshSecrets(M);
		Files.writeString(this.dir.resolve("hosts.yml"), Harness.HOSTS);
		assertThat(this.h.registry.reload("test").accepted()).isTrue();
		await().until(() -> this.h.log.stream().filter(l -> l.equals("dataplane setHost " + M)).count() == 3);
		assertThat(this.h.dataplane.pickups).containsEntry(ip(M), Duration.ZERO);
	}

	@Test
	void pickupWindowIsValidated() {
		assertThatThrownBy(() -> new ProtectionProperties(Duration.ofMinutes(30), Duration.ofDays(1),
				Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(2), Path.of("j"),
				Duration.ofSeconds(60), Duration.ofHours(1), Duration.ZERO, ProtectionProperties.FailMode.OPEN,
				Duration.ofSeconds(-1)))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("syncookied.protection.pickup-window");
		assertThatThrownBy(() -> new ProtectionProperties(Duration.ofMinutes(30), Duration.ofDays(1),
				Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(2), Path.of("j"),
				Duration.ofSeconds(60), Duration.ofHours(1), Duration.ZERO, ProtectionProperties.FailMode.OPEN,
				Duration.ofMinutes(61)))
			.hasMessageContaining("pickup-window");
		assertThat(new ProtectionProperties(Duration.ofMinutes(30), Duration.ofDays(1), Duration.ofSeconds(60),
				Duration.ofSeconds(30), Duration.ofSeconds(2), Path.of("j"), Duration.ofSeconds(60), Duration.ofHours(1),
				Duration.ZERO, ProtectionProperties.FailMode.OPEN, Duration.ZERO).pickupWindow()).isZero();
	}

	@Test
	void unprotectWithdrawsTheRouterOverrideBeforeTheHostLeavesTheDataplane() {
		protect(M);
		this.h.log.clear();
		assertThat(this.h.service.unprotect(ip(M), "done").block().state()).isEqualTo(Phase.RESTORING);
		await().until(() -> this.h.state(M) == Phase.UNPROTECTED);
		assertThat(this.h.log).containsExactly("router restore " + M, "dataplane removeHost " + M);
		assertThat(this.h.transitions(M)).containsExactly("DIVERTING", "PROTECTED", "RESTORING", "UNPROTECTED");
		assertThat(this.h.router.overrides).isEmpty();
		assertThat(this.h.dataplane.hosts).isEmpty();
	}

	@Test
	void routerFailureWhileDivertingRollsBackAndFails() {
		this.h.router.failOn.set("divert");
		this.h.service.protect(ip(M), "test", null).block();
		await().until(() -> this.h.state(M) == Phase.FAILED);
		assertThat(this.h.log).containsExactly("dataplane setHost " + M, "router divert " + M + " FAILED",
				"router restore " + M, "dataplane removeHost " + M);
		HostView v = this.h.service.host(ip(M)).orElseThrow();
		assertThat(v.diverted()).isFalse();
		assertThat(v.reason()).contains("router divert failed").contains("injected router failure");
		assertThat(this.h.alerts()).contains("divert-failed");
	}

	@Test
	void dataplaneFailureWhileDivertingNeverTouchesTheRouter() {
		this.h.dataplane.failOn.set("setHost");
		this.h.service.protect(ip(M), "test", null).block();
		await().until(() -> this.h.state(M) == Phase.FAILED);
		assertThat(this.h.log).containsExactly("dataplane setHost " + M + " FAILED", "dataplane removeHost " + M);
		assertThat(this.h.router.overrides).isEmpty();
		assertThat(this.h.service.host(ip(M)).orElseThrow().reason()).contains("dataplane push failed");
	}

	@Test
	void aStepThatHangsTimesOutAndFails() {
		this.h.router.delay = Duration.ofSeconds(5); // stepTimeout is 2 s
		this.h.service.protect(ip(M), "test", null).block();
		await().atMost(Duration.ofSeconds(15)).until(() -> this.h.state(M) == Phase.FAILED);
		assertThat(this.h.service.host(ip(M)).orElseThrow().reason()).contains("router divert failed: no answer within");
	}

	@Test
	void routerFailureWhileRestoringKeepsTheHostInTheDataplaneAndReconciliationRetries() {
		protect(M);
		this.h.router.failOn.set("restore");
		this.h.service.unprotect(ip(M), "done").block();
		await().until(() -> this.h.state(M) == Phase.FAILED);
		HostView failed = this.h.service.host(ip(M)).orElseThrow();
		assertThat(failed.diverted()).as("the router may still divert").isTrue();
		assertThat(this.h.dataplane.hosts).as("still scrubbing the diverted traffic").contains(ip(M));
		assertThat(this.h.log).doesNotContain("dataplane removeHost " + M);
		this.h.router.failOn.set("");
		this.h.service.reconcile(Reconcile.PERIODIC).block();
		await().until(() -> this.h.state(M) == Phase.UNPROTECTED);
		assertThat(this.h.router.overrides).isEmpty();
		assertThat(this.h.dataplane.hosts).isEmpty();
	}

	@Test
	void protectingAFailedHostRetries() {
		this.h.router.failOn.set("divert");
		this.h.service.protect(ip(M), "test", null).block();
		await().until(() -> this.h.state(M) == Phase.FAILED);
		this.h.router.failOn.set("");
		this.h.service.protect(ip(M), "again", null).block();
		await().until(() -> this.h.state(M) == Phase.PROTECTED);
	}

	@Test
	void unprotectingAFailedHostCleansUp() {
		this.h.router.failOn.set("divert");
		this.h.service.protect(ip(M), "test", null).block();
		await().until(() -> this.h.state(M) == Phase.FAILED);
		this.h.router.failOn.set("");
		this.h.log.clear();
		this.h.service.unprotect(ip(M), "give up").block();
		await().until(() -> this.h.state(M) == Phase.UNPROTECTED);
		assertThat(this.h.log).containsExactly("router restore " + M, "dataplane removeHost " + M);
	}

	@Test
	void staleSecretsAreNeverDiverted() {
		this.h.clock.advance(Duration.ofSeconds(61));
		assertThatThrownBy(() -> this.h.service.protect(ip(M), "test", null).block())
			.isInstanceOfSatisfying(ProtectionRefusedException.class, ex -> {
				assertThat(ex.code()).isEqualTo("secrets-stale");
				assertThat(ex.getMessage()).contains("secrets are 61 s old");
			});
		assertThat(this.h.log).isEmpty();
		assertThat(this.h.alerts()).contains("secrets-stale");
		assertThat(this.h.state(M)).isEqualTo(Phase.UNPROTECTED);
	}

	@Test
	void hostsWithoutAnySecretsAreNeverDiverted() throws Exception {
		Files.writeString(this.dir.resolve("hosts.yml"), Harness.HOSTS + "- ip: 10.0.2.13\n  mac: 02:00:00:00:02:0d\n");
		this.h.registry.reload("test");
		await().until(() -> this.h.service.host(ip("10.0.2.13")).isPresent());
		assertThatThrownBy(() -> this.h.service.protect(ip("10.0.2.13"), "test", null).block())
			.hasMessageContaining("no secrets received from the host's agent yet");
	}

	@Test
	void staleSecretsWhileDivertedRaiseAnAlertButKeepScrubbing() {
		protect(M);
		this.h.clock.advance(Duration.ofSeconds(61));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.h.alerts().contains("secrets-stale-diverted"));
		assertThat(this.h.state(M)).isEqualTo(Phase.PROTECTED);
	}

	@Test
	void modeOffRefuses() {
		assertThatThrownBy(() -> this.h.service.protect(ip(OFF), "test", null).block())
			.isInstanceOfSatisfying(ProtectionRefusedException.class, ex -> assertThat(ex.code()).isEqualTo("mode-off"));
	}

	@Test
	void unknownHostIsNotConfigured() {
		assertThatThrownBy(() -> this.h.service.protect(ip("192.0.2.1"), "test", null).block())
			.isInstanceOf(HostNotConfiguredException.class)
			.hasMessageContaining("192.0.2.1 is not a configured host");
	}

	@Test
	void ttlOutOfRangeIsRefused() {
		assertThatThrownBy(() -> this.h.service.protect(ip(M), "test", Duration.ofDays(2)).block())
			.isInstanceOfSatisfying(ProtectionRefusedException.class,
					ex -> assertThat(ex.code()).isEqualTo("ttl-out-of-range"));
	}

	@Test
	void manualProtectionEndsAtItsTtl() {
		protect(M);
		this.h.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.h.state(M) == Phase.UNPROTECTED);
		assertThat(this.h.service.host(ip(M)).orElseThrow().reason()).contains("TTL expired");
	}

	@Test
	void automaticProtectionHonoursHoldDown() {
		this.h.service.attackStarted(ip(A), "flood").block();
		await().until(() -> this.h.state(A) == Phase.PROTECTED);
		assertThat(this.h.service.host(ip(A)).orElseThrow().intent()).isEqualTo(Trigger.AUTO);
		assertThat(this.h.service.attackEnded(ip(A), "calm").block()).as("within hold-down").isFalse();
		this.h.clock.advance(Duration.ofSeconds(61));
		assertThat(this.h.service.attackEnded(ip(A), "calm").block()).isTrue();
		await().until(() -> this.h.state(A) == Phase.UNPROTECTED);
	}

	@Test
	void automaticDecisionsIgnoreManualAndOffHosts() {
		this.h.service.attackStarted(ip(M), "flood").block();
		this.h.service.attackStarted(ip(OFF), "flood").block();
		assertThat(this.h.state(M)).isEqualTo(Phase.UNPROTECTED);
		assertThat(this.h.state(OFF)).isEqualTo(Phase.UNPROTECTED);
		assertThat(this.h.log).isEmpty();
	}

	@Test
	void automaticRestoreNeverEndsAManualProtection() {
		protect(A);
		this.h.clock.advance(Duration.ofMinutes(2));
		assertThat(this.h.service.attackEnded(ip(A), "calm").block()).isFalse();
		assertThat(this.h.state(A)).isEqualTo(Phase.PROTECTED);
	}

	@Test
	void stateSurvivesARestartAndIsReconciledWithTheRouter() throws Exception {
		protect(M);
		this.h.service.stop();
		this.h.log.clear();
		this.h.service = this.h.newService();
		await().until(() -> this.h.service.host(ip(M)).isPresent());
		assertThat(this.h.state(M)).as("from the journal").isEqualTo(Phase.PROTECTED);
		this.h.service.reconcile(Reconcile.STARTUP).block();
		await().until(() -> this.h.log.contains("dataplane setHost " + M));
		assertThat(this.h.state(M)).isEqualTo(Phase.PROTECTED);
		assertThat(this.h.log).doesNotContain("router restore " + M);
	}

	@Test
	void aDiversionLostOnTheRouterIsRedone() {
		protect(M);
		this.h.router.overrides.clear(); // somebody removed it by hand
		this.h.log.clear();
		this.h.service.reconcile(Reconcile.PERIODIC).block();
		await().until(() -> this.h.log.contains("router divert " + M));
		await().until(() -> this.h.state(M) == Phase.PROTECTED);
		assertThat(this.h.alerts()).contains("diversion-lost");
	}

	@Test
	void anUnmanagedOverrideOfAConfiguredHostIsWithdrawn() {
		this.h.router.overrides.put(ip(M), RecordingRouter.FIREWALL_MAC);
		this.h.service.reconcile(Reconcile.PERIODIC).block();
		await().until(() -> this.h.router.overrides.isEmpty());
		await().until(() -> this.h.state(M) == Phase.UNPROTECTED);
		assertThat(this.h.alerts()).contains("unmanaged-diversion");
	}

	@Test
	void anOverrideForAnIpThatIsNotAHostIsWithdrawn() {
		this.h.router.overrides.put(ip("10.9.9.9"), RecordingRouter.FIREWALL_MAC);
		this.h.service.reconcile(Reconcile.STARTUP).block();
		await().until(() -> this.h.router.overrides.isEmpty());
		await().until(() -> this.h.service.host(ip("10.9.9.9")).isEmpty());
	}

	@Test
	void aHostRemovedFromTheFileWhileProtectedIsRestoredVisiblyThenForgotten() throws Exception {
		protect(M);
		this.h.router.delay = Duration.ofMillis(500); // long enough to see the host while it is restored
		Files.writeString(this.dir.resolve("hosts.yml"), "- ip: 10.0.2.10\n  mac: 02:00:00:00:02:0a\n");
		assertThat(this.h.registry.reload("test").accepted()).isTrue();
		await().until(() -> this.h.service.host(ip(M)).map(v -> v.state() == Phase.RESTORING).orElse(false));
		HostView restoring = this.h.service.host(ip(M)).orElseThrow();
		assertThat(restoring.configured()).isFalse();
		assertThat(restoring.reason()).isEqualTo("host removed from the hosts file");
		assertThat(this.h.alerts()).contains("host-removed");
		await().until(() -> this.h.router.overrides.isEmpty() && this.h.dataplane.hosts.isEmpty());
		await().until(() -> this.h.service.host(ip(M)).isEmpty());
		assertThat(this.h.transitions(M)).endsWith("RESTORING", "UNPROTECTED");
	}

	@Test
	void aTruncatedOrDeletedHostsFileNeverRemovesProtection() throws Exception {
		protect(M);
		Files.writeString(this.dir.resolve("hosts.yml"), "");
		assertThat(this.h.registry.reload("test").accepted()).isFalse();
		Files.delete(this.dir.resolve("hosts.yml"));
		assertThat(this.h.registry.reload("test").accepted()).isFalse();
		this.h.service.reconcile(Reconcile.PERIODIC).block(); // nothing left to apply behind the refused reloads
		assertThat(this.h.state(M)).isEqualTo(Phase.PROTECTED);
		assertThat(this.h.router.overrides).containsKey(ip(M));
		assertThat(this.h.service.hosts()).hasSize(3);
	}

	@Test
	void aSecondProtectRequestShowsItsNewExpiry() {
		protect(M);
		this.h.clock.advance(Duration.ofMinutes(1));
		HostView again = this.h.service.protect(ip(M), "longer", Duration.ofHours(2)).block();
		Instant expected = this.h.clock.instant().plus(Duration.ofHours(2));
		assertThat(again.expiresAt()).isEqualTo(expected);
		assertThat(this.h.service.host(ip(M)).orElseThrow().expiresAt()).as("what GET shows").isEqualTo(expected);
		assertThat(this.h.service.host(ip(M)).orElseThrow().intentReason()).isEqualTo("longer");
	}

	@Test
	void aBadReloadKeepsTheOldHosts() throws Exception {
		Files.writeString(this.dir.resolve("hosts.yml"), "- ip: 10.0.2.10\n  mac: nonsense\n");
		var result = this.h.registry.reload("test");
		assertThat(result.accepted()).isFalse();
		assertThat(result.line()).isEqualTo(2);
		assertThat(result.field()).isEqualTo("hosts[0].mac");
		assertThat(result.message()).contains("hosts.yml:2: hosts[0].mac");
		assertThat(this.h.registry.current().hosts()).hasSize(3);
		assertThat(this.h.service.hosts()).hasSize(3);
	}

	@Test
	void workerLossFailsOpen() {
		protect(M);
		assertThat(this.h.service.workerLost("test").block()).isEqualTo(1);
		await().until(() -> this.h.state(M) == Phase.UNPROTECTED);
		assertThat(this.h.router.overrides).isEmpty();
		assertThat(this.h.alerts()).contains("fail-open");
		assertThat(this.h.service.host(ip(M)).orElseThrow().intent()).as("still wanted").isEqualTo(Trigger.MANUAL);
		this.h.service.workerBack(false).block();
		await().until(() -> this.h.state(M) == Phase.PROTECTED);
		assertThat(this.h.router.overrides).containsKey(ip(M));
	}

	@Test
	void workerLossFailsClosedWhenConfigured() throws Exception {
		this.h.close();
		this.h = new Harness(this.dir.resolve("closed").toFile().mkdirs() ? this.dir.resolve("closed") : this.dir,
				ProtectionProperties.FailMode.CLOSED);
		this.h.freshSecrets(M);
		protect(M);
		assertThat(this.h.service.workerLost("test").block()).isEqualTo(1);
		assertThat(this.h.state(M)).isEqualTo(Phase.PROTECTED);
		this.h.log.clear();
		this.h.service.workerBack(false).block();
		assertThat(this.h.log).containsExactly("dataplane resync 1");
		assertThat(this.h.dataplane.hosts).containsExactly(ip(M));
		// a restarted worker lost its flows: the still-diverted host comes back with a pickup window
		assertThat(this.h.dataplane.pickups).containsEntry(ip(M), Harness.PICKUP);
	}

	@Test
	void freshSecretsReachTheDataplaneWhileProtected() throws Exception {
		protect(M);
		this.h.log.clear();
		this.h.clock.advance(Duration.ofSeconds(2));
		this.h.service.secretsArrived(new io.syncookied.controlplane.telemetry.SecretsUpdate(ip(M),
				this.h.clock.instant(), io.syncookied.controlplane.support.Secrets.SAMPLE)).block();
		await().until(() -> !this.h.log.isEmpty());
		assertThat(this.h.log).containsExactly("dataplane setSecrets " + M);
	}

}
