package io.syncookied.controlplane.cluster;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Refuses to start a control plane configured for a cluster: this build has the cluster's etcd layer (session,
 * membership, fenced leadership, failover) but its protection state machine still runs on each node alone, and N
 * nodes each diverting on their own would fight over the router. Single-node mode (no endpoints) is unaffected.
 */
@Component
class ClusterModeCheck implements InitializingBean {

	private final ClusterProperties properties;

	ClusterModeCheck(ClusterProperties properties) {
		this.properties = properties;
	}

	@Override
	public void afterPropertiesSet() {
		if (this.properties.enabled()) {
			throw new IllegalStateException("syncookied.cluster.endpoints: cluster mode is not wired into the"
					+ " protection state machine of this build; leave it empty to run this firewall on its own");
		}
	}

}
