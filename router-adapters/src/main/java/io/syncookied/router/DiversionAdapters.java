package io.syncookied.router;

import java.net.Inet4Address;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.syncookied.router.api.ArpOverride;
import io.syncookied.router.api.DiversionAdapter;
import io.syncookied.router.api.JunosTarget;
import io.syncookied.router.api.LinuxTarget;
import io.syncookied.router.api.MacAddress;
import io.syncookied.router.api.OverrideTag;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.api.SnmpTarget;
import io.syncookied.router.api.TargetHealth;
import io.syncookied.router.junos.JunosNetconfAdapter;
import io.syncookied.router.linux.LinuxNeighbourAdapter;
import io.syncookied.router.resilience.ResilientDiversionAdapter;
import io.syncookied.router.snmp.SnmpArpAdapter;

/**
 * Entry point: one adapter for every kind of target, with Resilience4j guards per target.
 * <pre>
 * ResilientDiversionAdapter routers = DiversionAdapters.resilient(meterRegistry);
 * routers.divert(ip, firewallMac, target, tag);   // blocks: call on boundedElastic
 * </pre>
 */
public final class DiversionAdapters implements DiversionAdapter {

	private final DiversionAdapter linux;

	private final DiversionAdapter junos;

	private final DiversionAdapter snmp;

	public DiversionAdapters() {
		this(new LinuxNeighbourAdapter(), new JunosNetconfAdapter(), new SnmpArpAdapter());
	}

	// VisibleForTesting
	DiversionAdapters(DiversionAdapter linux, DiversionAdapter junos, DiversionAdapter snmp) {
		this.linux = linux;
		this.junos = junos;
		this.snmp = snmp;
	}

	/** The adapter the control plane and the CLI use: every target type, guarded per target. */
	public static ResilientDiversionAdapter resilient(MeterRegistry meters) {
		return new ResilientDiversionAdapter(new DiversionAdapters(), meters);
	}

	private DiversionAdapter of(RouterTarget t) {
		if (t instanceof LinuxTarget) {
			return this.linux;
		}
		if (t instanceof JunosTarget) {
			return this.junos;
		}
		if (t instanceof SnmpTarget) {
			return this.snmp;
		}
		throw new IllegalArgumentException("no adapter for " + t);
	}

	@Override
	public ArpOverride divert(Inet4Address ip, MacAddress firewallMac, RouterTarget target, OverrideTag tag) {
		return of(target).divert(ip, firewallMac, target, tag);
	}

	@Override
	public boolean restore(Inet4Address ip, RouterTarget target) {
		return of(target).restore(ip, target);
	}

	@Override
	public List<ArpOverride> listOverrides(RouterTarget target) {
		return of(target).listOverrides(target);
	}

	@Override
	public TargetHealth health(RouterTarget target) {
		return of(target).health(target);
	}

}
