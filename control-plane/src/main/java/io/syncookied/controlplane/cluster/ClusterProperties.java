package io.syncookied.controlplane.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.NotNull;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Cluster mode: control planes on several firewalls sharing their state in etcd. With no endpoints (the default) the
 * control plane runs alone with its local journal, exactly as a single box does.
 *
 * @param endpoints etcd client URLs, e.g. {@code http://10.0.0.1:2379}; empty = single-node mode
 * @param nodeId this firewall's name in the cluster: lower-case letters, digits and '-', at most 63 characters
 * @param advertiseUrl where the other nodes and clients reach this node's REST API (redirects to the leader use it)
 * @param prefix root of every key the cluster writes, so several clusters can share one etcd
 * @param sessionTtl lease of this node's session: a node that stops renewing it is dead after this long, and a new
 *        leader takes over within about one more second (the takeover bound is {@code sessionTtl + 1s})
 * @param requestTimeout limit for one etcd request
 */
@Validated
@ConfigurationProperties("syncookied.cluster")
public record ClusterProperties(@DefaultValue List<URI> endpoints, @Nullable String nodeId, @Nullable URI advertiseUrl,
		@DefaultValue("/syncookied") @NotNull String prefix, @DefaultValue("2s") @NotNull Duration sessionTtl,
		@DefaultValue("1s") @NotNull Duration requestTimeout) {

	/** etcd refuses leases shorter than 1.5 election timeouts (1.5 s with its defaults); whole seconds only. */
	public static final Duration MIN_SESSION_TTL = Duration.ofSeconds(2);

	public ClusterProperties {
		if (endpoints != null && !endpoints.isEmpty()) {
			NodeId.parse("syncookied.cluster.node-id", nodeId);
			if (advertiseUrl == null) {
				throw new IllegalArgumentException(
						"syncookied.cluster.advertise-url is required when syncookied.cluster.endpoints is set");
			}
			for (URI endpoint : endpoints) {
				if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())
						|| endpoint.getHost() == null || endpoint.getPort() <= 0) {
					throw new IllegalArgumentException("syncookied.cluster.endpoints: " + endpoint
							+ " is not an etcd client URL of the form http://host:port");
				}
			}
		}
		if (prefix != null && (!prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("//"))) {
			throw new IllegalArgumentException(
					"syncookied.cluster.prefix must start with '/' and not end with '/', got '" + prefix + "'");
		}
		if (sessionTtl != null && (sessionTtl.compareTo(MIN_SESSION_TTL) < 0 || sessionTtl.toMillisPart() != 0)) {
			throw new IllegalArgumentException("syncookied.cluster.session-ttl must be whole seconds and at least "
					+ MIN_SESSION_TTL.toSeconds() + "s, got " + sessionTtl);
		}
		if (requestTimeout != null && (requestTimeout.isNegative() || requestTimeout.isZero())) {
			throw new IllegalArgumentException("syncookied.cluster.request-timeout must be positive, got "
					+ requestTimeout);
		}
	}

	/** True when etcd endpoints are configured: this control plane is one node of a cluster. */
	public boolean enabled() {
		return !this.endpoints.isEmpty();
	}

	public NodeId node() {
		return NodeId.parse("syncookied.cluster.node-id", this.nodeId);
	}

}
