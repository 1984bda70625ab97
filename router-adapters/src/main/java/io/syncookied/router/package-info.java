/**
 * Router adapters: divert a protected address to this scrubber with static ARP/NDP entries (Linux {@code ip neigh},
 * Junos over NETCONF, SNMP) or with a host route announced over BGP, verified by read-back and guarded per target by
 * Resilience4j. Start at {@link io.syncookied.router.DiversionVendors}.
 */
@NullMarked
package io.syncookied.router;

import org.jspecify.annotations.NullMarked;
