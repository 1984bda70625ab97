package io.syncookied.controlplane.hosts;

import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import io.syncookied.dataplane.FilterCompiler;

/**
 * What a hosts file is checked against when it is loaded, beyond its own syntax, so that a reload refuses what would
 * otherwise only fail during an attack: the router targets that exist, and the filters libpcap compiles.
 */
public interface HostsValidation {

	/** The router targets a host's {@code diversion.target} may name. */
	Set<String> diversionTargets();

	/** Why the dataplane would refuse this filter expression, or empty when it compiles. */
	Optional<String> filterProblem(String expression);

	/** Targets from the router configuration; filters compiled by the dataplane's own libpcap code in this JVM. */
	static HostsValidation of(Supplier<Set<String>> targets) {
		return new HostsValidation() {

			@Override
			public Set<String> diversionTargets() {
				return targets.get();
			}

			@Override
			public Optional<String> filterProblem(String expression) {
				try {
					return FilterCompiler.problem(expression);
				}
				catch (IllegalStateException ex) { // no native library here: a filter cannot be vouched for
					return Optional.of("cannot be checked: " + ex.getMessage());
				}
			}

		};
	}

}
