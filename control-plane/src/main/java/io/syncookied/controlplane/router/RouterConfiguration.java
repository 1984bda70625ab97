package io.syncookied.controlplane.router;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.syncookied.controlplane.config.DataplaneProperties;
import io.syncookied.controlplane.config.RoutersProperties;
import io.syncookied.controlplane.hosts.HostsValidation;
import io.syncookied.router.DiversionVendors;
import io.syncookied.router.api.MacAddress;
import io.syncookied.router.api.RouterTarget;
import io.syncookied.router.resilience.ResilientDiversionAdapter;

/**
 * Builds the {@link DiversionPort}: the real router adapters when targets are configured, otherwise
 * {@link NoDiversion} (which refuses to divert and says which setting is missing). The vendors come from the router
 * adapters' registry, so a new vendor needs no change here.
 */
@Configuration(proxyBeanMethods = false)
public class RouterConfiguration {

	private static final Logger log = LoggerFactory.getLogger(RouterConfiguration.class);

	@Bean
	DiversionVendors diversionVendors() {
		return DiversionVendors.load();
	}

	@Bean(destroyMethod = "close")
	ResilientDiversionAdapter resilientDiversionAdapter(DiversionVendors vendors, MeterRegistry meters) {
		return vendors.resilient(meters);
	}

	@Bean
	DiversionPort diversionPort(DiversionVendors vendors, RoutersProperties routers, DataplaneProperties dataplane,
			ResilientDiversionAdapter adapter) {
		Map<String, RouterTarget> targets = targets(vendors, routers);
		if (targets.isEmpty()) {
			log.info("No router target configured (syncookied.routers.targets / targets-file): diversion disabled");
			return new NoDiversion();
		}
		String defaultTarget = (routers.defaultTarget() != null) ? routers.defaultTarget()
				: targets.keySet().iterator().next();
		if (!targets.containsKey(defaultTarget)) {
			throw new IllegalArgumentException("syncookied.routers.default-target: '" + defaultTarget
					+ "' is not a configured target (known: " + targets.keySet() + ")");
		}
		if (routers.defaultTarget() == null && targets.size() > 1) {
			log.warn("Several router targets and no syncookied.routers.default-target: hosts without "
					+ "diversion.target use '{}'", defaultTarget);
		}
		MacAddress mac = targets.values().stream().anyMatch(RouterTarget::divertsToMac) ? firewallMac(dataplane) : null;
		log.info("Router targets {} (default {}), diverting to firewall MAC {}", targets.keySet(), defaultTarget,
				(mac != null) ? mac : "(none needed: every target routes to a next hop)");
		return new RouterDiversion(adapter, targets, defaultTarget, mac);
	}

	static Map<String, RouterTarget> targets(DiversionVendors vendors, RoutersProperties routers) {
		List<RouterTarget> all = new ArrayList<>();
		for (int i = 0; i < routers.targets().size(); i++) {
			all.add(vendors.parse("syncookied.routers.targets[" + i + "]", routers.targets().get(i)));
		}
		if (routers.targetsFile() != null) {
			try {
				all.addAll(vendors.parseFile(routers.targetsFile()));
			}
			catch (IOException ex) {
				throw new UncheckedIOException("syncookied.routers.targets-file: cannot read " + routers.targetsFile(),
						ex);
			}
		}
		Map<String, RouterTarget> byName = new LinkedHashMap<>();
		for (RouterTarget t : all) {
			if (byName.putIfAbsent(t.name(), t) != null) {
				throw new IllegalArgumentException("syncookied.routers: target name '" + t.name() + "' is used twice");
			}
		}
		return byName;
	}

	/** A hosts file's diversion targets must be configured ones, and its filters must compile, when it is loaded. */
	@Bean
	HostsValidation hostsValidation(DiversionPort diversion) {
		return HostsValidation.of(diversion::targets);
	}

	/** The MAC the router diverts to: configured, or read from the dataplane interface. */
	static MacAddress firewallMac(DataplaneProperties dataplane) {
		if (dataplane.mac() != null && !dataplane.mac().isBlank()) {
			return MacAddress.parse("syncookied.dataplane.mac", dataplane.mac());
		}
		if (dataplane.iface() == null || dataplane.iface().isBlank()) {
			throw new IllegalArgumentException("syncookied.dataplane.mac is required when router targets are "
					+ "configured (or set syncookied.dataplane.iface so it can be read from sysfs)");
		}
		Path address = Path.of("/sys/class/net", dataplane.iface(), "address");
		try {
			return MacAddress.parse("syncookied.dataplane.mac (from " + address + ")",
					Files.readString(address, StandardCharsets.US_ASCII).trim());
		}
		catch (IOException ex) {
			throw new IllegalArgumentException("syncookied.dataplane.mac is not set and " + address
					+ " cannot be read: " + ex.getMessage());
		}
	}

}
